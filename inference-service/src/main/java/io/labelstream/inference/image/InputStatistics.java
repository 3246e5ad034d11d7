package io.labelstream.inference.image;

import io.labelstream.platform.image.ImageFormat;
import io.labelstream.platform.image.JpegQuality;

/**
 * What a drift detector watches in the frames themselves, before any model: four cheap summaries of the decoded
 * pixels and how hard the file was compressed. A camera that darkens, loses focus, turns noisy or starts to compress
 * harder moves them before the labels tell anyone (issue 16).
 *
 * <p>The pixel statistics are in [0,1] pixel units (a sample of 255 is 1), so grey and colour frames compare:
 *
 * @param brightness mean luma (Rec. 601 weights on RGB)
 * @param contrast standard deviation of the luma
 * @param sharpness mean absolute 4-neighbour Laplacian of the luma ({@code |4c - n - s - e - w|}; border pixels
 *     repeat their edge), 0 for a flat frame; blur lowers it, noise raises it
 * @param colourfulness Hasler and Süsstrunk's metric on RGB, {@code sqrt(sd(rg)² + sd(yb)²) + 0.3 sqrt(mean(rg)² +
 *     mean(yb)²)} with {@code rg = R - G}, {@code yb = (R + G) / 2 - B}; 0 for a grey frame
 * @param jpegQuality the file's JPEG quality over 100 ({@link JpegQuality}), 1 for a lossless file, NaN where not
 *     known: read from the file, not the pixels, so the pixel factories leave it NaN ({@link #withJpegQuality})
 */
public record InputStatistics(double brightness, double contrast, double sharpness, double colourfulness,
    double jpegQuality) {

  /** Luma in integer thousandths of a sample (Rec. 601: 299 R + 587 G + 114 B), so every sum below is exact. */
  private static final int R = 299;
  private static final int G = 587;
  private static final int B = 114;
  private static final double LUMA_UNIT = 255.0 * 1000;

  /** The statistics of a {@code width x height} grey frame, one byte per pixel, row by row. */
  public static InputStatistics ofGrey(byte[] grey, int width, int height) {
    return of(grey, width, height, 1);
  }

  /** The statistics of a {@code width x height} colour frame, three bytes (R, G, B) per pixel, row by row. */
  public static InputStatistics ofRgb(byte[] rgb, int width, int height) {
    return of(rgb, width, height, 3);
  }

  /** These statistics with the file's compression ({@link #jpegQuality}). */
  public InputStatistics withJpegQuality(double quality) {
    return new InputStatistics(brightness, contrast, sharpness, colourfulness, quality);
  }

  /**
   * The compression of an encoded frame on the {@link #jpegQuality} scale: a JPEG's IJG quality over 100 (NaN if its
   * tables cannot be read), 1 for PNG, which loses nothing.
   */
  public static double jpegQualityOf(byte[] encoded, ImageFormat format) {
    return format == ImageFormat.JPEG ? JpegQuality.of(encoded) / 100 : 1.0;
  }

  /**
   * Two passes and no allocation (the worker computes this on every frame): the first sums luma, the Laplacian (its
   * four neighbours' luma read in place) and the opponent colours; the second sums squared distances to those means,
   * so a flat frame gives exactly 0 (sums of squares minus a squared mean leave a rounding residue). Luma is kept in
   * whole thousandths so the first pass's sums are exact longs.
   */
  private static InputStatistics of(byte[] pixels, int width, int height, int channels) {
    if (width <= 0 || height <= 0 || pixels.length != width * height * channels) {
      throw new IllegalArgumentException("expected " + width + "x" + height + "x" + channels + " bytes, got "
          + pixels.length);
    }
    long lumaSum = 0;
    long laplacianSum = 0;
    long rgSum = 0;
    long ybSum = 0;
    for (int y = 0; y < height; y++) {
      int up = Math.max(0, y - 1) * width;
      int down = Math.min(height - 1, y + 1) * width;
      int row = y * width;
      for (int x = 0; x < width; x++) {
        int left = Math.max(0, x - 1);
        int right = Math.min(width - 1, x + 1);
        long luma = luma(pixels, row + x, channels);
        lumaSum += luma;
        laplacianSum += Math.abs(4 * luma - luma(pixels, up + x, channels) - luma(pixels, down + x, channels)
            - luma(pixels, row + left, channels) - luma(pixels, row + right, channels));
        if (channels == 3) {
          rgSum += rg(pixels, row + x);
          ybSum += yb2(pixels, row + x);
        }
      }
    }
    int n = width * height;
    double lumaMean = (double) lumaSum / n;
    double rgMean = (double) rgSum / n;
    double ybMean = (double) ybSum / n;
    double lumaSquares = 0;
    double rgSquares = 0;
    double ybSquares = 0;
    for (int i = 0; i < n; i++) {
      double d = luma(pixels, i, channels) - lumaMean;
      lumaSquares += d * d;
      if (channels == 3) {
        double rg = rg(pixels, i) - rgMean;
        double yb = yb2(pixels, i) - ybMean;
        rgSquares += rg * rg;
        ybSquares += yb * yb;
      }
    }
    // rg in samples (/255), yb kept doubled (/510).
    double colourfulness = Math.hypot(Math.sqrt(rgSquares / n) / 255, Math.sqrt(ybSquares / n) / 510)
        + 0.3 * Math.hypot(rgMean / 255, ybMean / 510);
    return new InputStatistics(lumaMean / LUMA_UNIT, Math.sqrt(lumaSquares / n) / LUMA_UNIT,
        laplacianSum / (double) n / LUMA_UNIT, colourfulness, Double.NaN);
  }

  private static long luma(byte[] pixels, int pixel, int channels) {
    if (channels == 1) {
      return 1000L * (pixels[pixel] & 0xFF);
    }
    int at = pixel * 3;
    return R * (pixels[at] & 0xFF) + G * (pixels[at + 1] & 0xFF) + B * (pixels[at + 2] & 0xFF);
  }

  private static int rg(byte[] rgb, int pixel) {
    return (rgb[pixel * 3] & 0xFF) - (rgb[pixel * 3 + 1] & 0xFF);
  }

  /** Twice Hasler and Süsstrunk's yb = (R + G) / 2 - B, kept whole. */
  private static int yb2(byte[] rgb, int pixel) {
    return (rgb[pixel * 3] & 0xFF) + (rgb[pixel * 3 + 1] & 0xFF) - 2 * (rgb[pixel * 3 + 2] & 0xFF);
  }
}
