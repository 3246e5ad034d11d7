package io.labelstream.ingest.image;

import java.io.IOException;
import java.util.Arrays;
import java.util.Optional;

/**
 * Tells what an uploaded body really is: the media type from its magic bytes, and the dimensions from its header,
 * without decoding the pixels (a 10 MiB JPEG's header is read in microseconds).
 */
public final class ImageProbe {

  private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  private static final byte[] JPEG_MAGIC = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF};

  /** A probed image: its real media type and size in pixels. */
  public record ProbedImage(MediaType type, int width, int height) {}

  private ImageProbe() {}

  /** The media type the bytes start with, if it is one we take. */
  public static Optional<MediaType> sniff(byte[] bytes) {
    if (startsWith(bytes, PNG_MAGIC)) {
      return Optional.of(MediaType.PNG);
    }
    if (startsWith(bytes, JPEG_MAGIC)) {
      return Optional.of(MediaType.JPEG);
    }
    return Optional.empty();
  }

  /**
   * Reads the dimensions from the header of an image already sniffed as {@code type}: PNG's IHDR chunk, or the
   * first JPEG start-of-frame segment. Parsed directly, because asking ImageIO for a reader cost more than the rest
   * of the request (a reader, a stream cache and a disposer record per frame).
   *
   * @throws IOException when the header cannot be read as that type
   */
  public static ProbedImage probe(byte[] bytes, MediaType type) throws IOException {
    int[] size = type == MediaType.PNG ? pngSize(bytes) : jpegSize(bytes);
    if (size[0] <= 0 || size[1] <= 0) {
      throw new IOException("the header gives no size (" + size[0] + "x" + size[1] + ")");
    }
    return new ProbedImage(type, size[0], size[1]);
  }

  /** Width and height from the IHDR chunk, which a PNG must start with right after its signature. */
  private static int[] pngSize(byte[] b) throws IOException {
    if (b.length < 24) {
      throw new IOException("truncated PNG: " + b.length + " bytes, the IHDR chunk ends at byte 24");
    }
    if (int32(b, 8) != 13 || b[12] != 'I' || b[13] != 'H' || b[14] != 'D' || b[15] != 'R') {
      throw new IOException("the PNG does not start with an IHDR chunk");
    }
    return new int[] {int32(b, 16), int32(b, 20)};
  }

  /** Width and height from the first start-of-frame (SOFn) segment, walking the segments before it. */
  private static int[] jpegSize(byte[] b) throws IOException {
    int i = 2;
    while (true) {
      while (i < b.length && b[i] == (byte) 0xFF) {
        i++; // fill bytes before a marker
      }
      if (i >= b.length) {
        throw new IOException("truncated JPEG: no frame header");
      }
      int marker = b[i] & 0xFF;
      i++;
      if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) {
        continue; // markers without a segment
      }
      if (marker == 0xD9 || marker == 0xDA) {
        throw new IOException("the JPEG has no frame header before its image data");
      }
      if (i + 2 > b.length) {
        throw new IOException("truncated JPEG segment");
      }
      int length = uint16(b, i);
      if (length < 2) {
        throw new IOException("corrupt JPEG segment length " + length);
      }
      boolean startOfFrame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
      if (startOfFrame) {
        if (i + 7 > b.length) {
          throw new IOException("truncated JPEG frame header");
        }
        return new int[] {uint16(b, i + 5), uint16(b, i + 3)};
      }
      i += length;
    }
  }

  private static int int32(byte[] b, int at) {
    return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
  }

  private static int uint16(byte[] b, int at) {
    return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
  }

  private static boolean startsWith(byte[] bytes, byte[] prefix) {
    return bytes.length >= prefix.length && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
  }
}
