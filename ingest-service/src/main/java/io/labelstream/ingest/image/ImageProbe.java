package io.labelstream.ingest.image;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Optional;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

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
   * Reads the dimensions from the header of an image already sniffed as {@code type}.
   *
   * @throws IOException when the header cannot be read as that type
   */
  public static ProbedImage probe(byte[] bytes, MediaType type) throws IOException {
    // In memory: ImageIO's default for streams is a temporary file per image.
    try (ImageInputStream input = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(type.formatName());
      if (!readers.hasNext()) {
        throw new IOException("no image reader for " + type.mimeType());
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(input, true, true);
        int width = reader.getWidth(0);
        int height = reader.getHeight(0);
        if (width <= 0 || height <= 0) {
          throw new IOException("the header gives no size (" + width + "x" + height + ")");
        }
        return new ProbedImage(type, width, height);
      } finally {
        reader.dispose();
      }
    } catch (RuntimeException e) {
      // Image readers throw unchecked exceptions on some malformed headers.
      throw new IOException(e.getMessage(), e);
    }
  }

  private static boolean startsWith(byte[] bytes, byte[] prefix) {
    return bytes.length >= prefix.length && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
  }
}
