package io.labelstream.ingest.image;

import io.labelstream.platform.image.ImageFormat;
import io.labelstream.platform.image.ImageHeader;
import io.labelstream.platform.image.RefusedImageException;
import java.util.Optional;

/**
 * Tells what an uploaded body really is: the media type from its magic bytes, and what it decodes to from its header
 * (size, channels, bits per sample), without decoding the pixels (a 10 MiB JPEG's header is read in microseconds).
 * The header is read by platform's {@link ImageHeader}, the same reader the inference worker checks its budget with.
 */
public final class ImageProbe {

  private ImageProbe() {}

  /** The media type the bytes start with, if it is one we take. */
  public static Optional<MediaType> sniff(byte[] bytes) {
    return ImageFormat.sniff(bytes).map(format -> format == ImageFormat.PNG ? MediaType.PNG : MediaType.JPEG);
  }

  /**
   * Reads the header of an image already sniffed as {@code type}: PNG's IHDR chunk, or the first JPEG start-of-frame
   * segment.
   *
   * @throws RefusedImageException when the header cannot be read as that type, or is of a variant the worker does
   *     not decode
   */
  public static ImageHeader probe(byte[] bytes, MediaType type) throws RefusedImageException {
    ImageHeader header = ImageHeader.read(bytes);
    if (!header.format().mimeType().equals(type.mimeType())) {
      throw new RefusedImageException(RefusedImageException.Reason.UNREADABLE_HEADER,
          "the bytes are " + header.format().mimeType() + ", not " + type.mimeType());
    }
    return header;
  }

  /**
   * The picture's colour channels as the Frame record keeps them, alpha not counted: 1 for grey (PNG grey or grey +
   * alpha, a one-component JPEG), 3 for colour (PNG RGB, RGBA or palette, whose entries are RGB; a three- or
   * four-component JPEG, which decodes to RGB). The header's own {@code channels} counts samples as stored, where a
   * palette index is one sample and alpha is one more, which would call a palette PNG grey and an RGBA one four-colour.
   *
   * @param bytes the image whose header was read ({@code header}): a PNG's colour type is at byte 25 of its IHDR
   */
  public static int colourChannels(byte[] bytes, ImageHeader header) {
    if (header.format() == ImageFormat.PNG) {
      int colourType = bytes[25] & 0xFF; // 0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGBA
      return colourType == 0 || colourType == 4 ? 1 : 3;
    }
    return header.channels() == 1 ? 1 : 3;
  }
}
