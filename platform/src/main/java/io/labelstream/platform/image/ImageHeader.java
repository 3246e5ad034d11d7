package io.labelstream.platform.image;

import io.labelstream.platform.image.RefusedImageException.Reason;

/**
 * What an image's header says it will decode to, read without decoding anything: PNG's IHDR chunk (size, bit depth,
 * colour type) or JPEG's start-of-frame segment (size, precision, components). Parsed by hand, because asking
 * ImageIO for a reader costs more than the rest of an ingest request, and because the decode budget must be checked
 * before any decoder allocates a buffer for the size a header claims.
 *
 * @param format PNG or JPEG
 * @param width pixels per row, as declared
 * @param height rows, as declared
 * @param channels samples per pixel as stored (PNG: 1 grey or palette index, 2 grey + alpha, 3 RGB, 4 RGBA; JPEG:
 *     its components)
 * @param bitsPerSample PNG's bit depth, JPEG's precision
 */
public record ImageHeader(ImageFormat format, int width, int height, int channels, int bitsPerSample) {

  public long pixels() {
    return (long) width * height;
  }

  /** The bytes a decoder holds for the whole image: width × height × channels × bytes per sample. */
  public long decodedBytes() {
    return pixels() * channels * ((bitsPerSample + 7) / 8);
  }

  /**
   * Reads the header of a PNG or JPEG.
   *
   * @throws RefusedImageException {@code undecodable_image} when it cannot be read, {@code unsupported_image} for a
   *     variant the decoder does not read
   */
  public static ImageHeader read(byte[] bytes) throws RefusedImageException {
    ImageFormat format = ImageFormat.sniff(bytes).orElseThrow(() -> new RefusedImageException(Reason.UNREADABLE_HEADER,
        "not a PNG or JPEG image: the bytes start like neither"));
    return format == ImageFormat.PNG ? png(bytes) : jpeg(bytes);
  }

  /** IHDR, which a PNG must start with right after its signature. */
  private static ImageHeader png(byte[] b) throws RefusedImageException {
    if (b.length < 33) {
      throw unreadable("truncated PNG: " + b.length + " bytes, the IHDR chunk ends at byte 33");
    }
    if (Bytes.int32(b, 8) != 13 || b[12] != 'I' || b[13] != 'H' || b[14] != 'D' || b[15] != 'R') {
      throw unreadable("the PNG does not start with an IHDR chunk");
    }
    int width = Bytes.int32(b, 16);
    int height = Bytes.int32(b, 20);
    int bitDepth = b[24] & 0xFF;
    int colourType = b[25] & 0xFF;
    int channels = switch (colourType) {
      case 0, 3 -> 1;
      case 2 -> 3;
      case 4 -> 2;
      case 6 -> 4;
      default -> throw unreadable("the PNG has an invalid colour type " + colourType);
    };
    boolean validDepth = switch (colourType) {
      case 0 -> bitDepth == 1 || bitDepth == 2 || bitDepth == 4 || bitDepth == 8 || bitDepth == 16;
      case 3 -> bitDepth == 1 || bitDepth == 2 || bitDepth == 4 || bitDepth == 8;
      default -> bitDepth == 8 || bitDepth == 16;
    };
    if (!validDepth) {
      throw unreadable("the PNG has an invalid bit depth " + bitDepth + " for colour type " + colourType);
    }
    return sized(new ImageHeader(ImageFormat.PNG, width, height, channels, bitDepth));
  }

  /** The first start-of-frame (SOFn) segment, walking the segments before it. */
  private static ImageHeader jpeg(byte[] b) throws RefusedImageException {
    int i = 2;
    while (true) {
      while (i < b.length && b[i] == (byte) 0xFF) {
        i++; // fill bytes before a marker
      }
      if (i >= b.length) {
        throw unreadable("truncated JPEG: no frame header");
      }
      int marker = b[i] & 0xFF;
      i++;
      if (JpegMarkers.standalone(marker)) {
        continue;
      }
      if (marker == JpegMarkers.EOI || marker == JpegMarkers.SOS) {
        throw unreadable("the JPEG has no frame header before its image data");
      }
      if (i + 2 > b.length) {
        throw unreadable("truncated JPEG segment");
      }
      int length = Bytes.uint16(b, i);
      if (length < 2) {
        throw unreadable("corrupt JPEG segment length " + length);
      }
      if (JpegMarkers.startOfFrame(marker)) {
        if (i + 8 > b.length) {
          throw unreadable("truncated JPEG frame header");
        }
        int precision = b[i + 2] & 0xFF;
        ImageHeader header = sized(new ImageHeader(ImageFormat.JPEG, Bytes.uint16(b, i + 5), Bytes.uint16(b, i + 3),
            b[i + 7] & 0xFF, precision));
        if (!JpegMarkers.decodable(marker) || precision != 8 || !(header.channels == 1 || header.channels == 3
            || header.channels == 4)) {
          throw new RefusedImageException(Reason.UNSUPPORTED, "the JPEG is " + JpegMarkers.describe(marker) + " with "
              + precision + "-bit samples and " + header.channels + " components; baseline, extended or progressive "
              + "Huffman-coded JPEGs of 8-bit samples with 1, 3 or 4 components are decoded");
        }
        return header;
      }
      i += length;
    }
  }

  private static ImageHeader sized(ImageHeader header) throws RefusedImageException {
    if (header.width <= 0 || header.height <= 0) {
      throw unreadable("the header gives no size (" + header.width + "x" + header.height + ")");
    }
    return header;
  }

  private static RefusedImageException unreadable(String detail) {
    return new RefusedImageException(Reason.UNREADABLE_HEADER, detail);
  }
}
