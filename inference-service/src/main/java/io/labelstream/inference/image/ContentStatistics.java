package io.labelstream.inference.image;

/**
 * The {@link InputStatistics} of the part of a model input the frame fills. Letterbox padding is left out: its
 * constant value says nothing about the camera, and it would dilute every statistic by the frame's aspect ratio.
 */
final class ContentStatistics {

  private ContentStatistics() {}

  /**
   * @param pixels the resampled input, 0-255, {@code channels} values per pixel (R, G, B for colour), row by row
   * @param inputWidth the input's width in pixels
   * @param fit where the frame went in the input: its content is the target rectangle
   */
  static InputStatistics of(float[] pixels, int channels, int inputWidth, Fit fit) {
    int width = fit.targetWidth();
    int height = fit.targetHeight();
    int rowValues = width * channels;
    // Rounded to whole samples as a uint8 model's input is: InputStatistics sums them exactly.
    byte[] samples = new byte[rowValues * height];
    for (int y = 0; y < height; y++) {
      int from = ((fit.targetY() + y) * inputWidth + fit.targetX()) * channels;
      int to = y * rowValues;
      for (int i = 0; i < rowValues; i++) {
        samples[to + i] = (byte) Math.min(255, Math.max(0, Math.round(pixels[from + i])));
      }
    }
    return channels == 1 ? InputStatistics.ofGrey(samples, width, height)
        : InputStatistics.ofRgb(samples, width, height);
  }
}
