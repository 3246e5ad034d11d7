package io.labelstream.platform.image;

import io.labelstream.platform.config.Env;
import io.labelstream.platform.config.IngestVariables;
import io.labelstream.platform.config.SharedVariables;
import io.labelstream.platform.image.RefusedImageException.Reason;

/**
 * How much decoding one frame may cost, checked from its header before any pixel is decoded. Ingest refuses a frame
 * over budget (413) and the worker dead-letters one that reaches it anyway, with the same limits from the same
 * settings, so everything ingest accepts the worker decodes.
 *
 * <p>A compressed size limit alone protects nothing: a PNG of zeros compresses a thousand to one, so half a
 * megabyte can declare 8192×8192 16-bit RGBA, 512 MiB of samples. The limits are on what the header says the image
 * decodes to.
 *
 * @param maxSide largest width or height (INGEST_MAX_DIMENSION): a decoder holds a few whole rows
 * @param maxPixels largest width × height (IMAGE_MAX_PIXELS)
 * @param maxDecodedBytes largest width × height × channels × bytes per sample (IMAGE_MAX_DECODED_BYTES)
 */
public record DecodeBudget(int maxSide, long maxPixels, long maxDecodedBytes) {

  /** Smallest side worth labelling: a 1x1 "frame" is a broken camera or a probe, not a picture. */
  public static final int MIN_SIDE = 8;
  /** Covers 8K UHD (7680×4320, 33.2 MP) and refuses the 64 MP and larger headers of decompression bombs. */
  public static final long DEFAULT_MAX_PIXELS = 40_000_000L;
  /** An 8K frame in RGBA at 8 bits a sample (126.6 MiB) fits; the same in 16-bit RGB does not. */
  public static final long DEFAULT_MAX_DECODED_BYTES = 128L * 1024 * 1024;
  public static final int DEFAULT_MAX_SIDE = 16_384;

  public static DecodeBudget defaults() {
    return new DecodeBudget(DEFAULT_MAX_SIDE, DEFAULT_MAX_PIXELS, DEFAULT_MAX_DECODED_BYTES);
  }

  public static DecodeBudget from(Env env) {
    return new DecodeBudget(env.get(IngestVariables.INGEST_MAX_DIMENSION), env.get(SharedVariables.IMAGE_MAX_PIXELS),
        env.get(SharedVariables.IMAGE_MAX_DECODED_BYTES));
  }

  /**
   * Refuses an image whose header asks for more than the budget, or is too small to label.
   *
   * @throws RefusedImageException {@code image_too_small}, {@code dimensions_too_large} or {@code image_too_large}
   */
  public void check(ImageHeader header) throws RefusedImageException {
    String size = header.width() + "x" + header.height();
    if (header.width() < MIN_SIDE || header.height() < MIN_SIDE) {
      throw new RefusedImageException(Reason.TOO_SMALL, "the image is " + size + " pixels; at least " + MIN_SIDE
          + " per side is needed to label it");
    }
    if (header.width() > maxSide || header.height() > maxSide) {
      throw new RefusedImageException(Reason.DIMENSIONS_TOO_LARGE, "the image is " + size + " pixels; at most "
          + maxSide + " per side is accepted (INGEST_MAX_DIMENSION)");
    }
    if (header.pixels() > maxPixels) {
      throw new RefusedImageException(Reason.TOO_LARGE, "the image claims " + size + " = " + header.pixels()
          + " pixels; at most " + maxPixels + " are decoded (IMAGE_MAX_PIXELS)");
    }
    if (header.decodedBytes() > maxDecodedBytes) {
      throw new RefusedImageException(Reason.TOO_LARGE, "the image claims " + size + " pixels of " + header.channels()
          + " channels at " + header.bitsPerSample() + " bits, " + header.decodedBytes() + " bytes decoded; at most "
          + maxDecodedBytes + " are decoded (IMAGE_MAX_DECODED_BYTES)");
    }
  }
}
