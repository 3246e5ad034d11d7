package io.labelstream.inference.image;

/**
 * The {@link InputStatistics} of the part of a model input the frame fills, measured on at most
 * {@value #MAX_SIDE} x {@value #MAX_SIDE} of its pixels. Letterbox padding is left out: its constant value says
 * nothing about the camera, and it would dilute every statistic by the frame's aspect ratio.
 *
 * <p>A bigger input is point-sampled at an equal stride across and down (every 2nd pixel of a 224 x 224 input, every
 * 5th of a 640 x 640 one). Measured on every pixel, a 640 x 640 colour input cost 15-25 ms a frame on the decode
 * threads (2 loaded cores), more than decoding it; sampled, 0.6-0.7 ms. Means and spreads are estimated without bias
 * from the sample (pixel noise included: points are not averaged); sharpness becomes the Laplacian at the stride's
 * scale, which is the same for every frame of a model, so frames of one camera still compare with each other.
 */
final class ContentStatistics {

  static final int MAX_SIDE = 128;

  private ContentStatistics() {}

  /**
   * @param pixels the resampled input, 0-255, {@code channels} values per pixel (R, G, B for colour), row by row
   * @param inputWidth the input's width in pixels
   * @param fit where the frame went in the input: its content is the target rectangle
   */
  static InputStatistics of(float[] pixels, int channels, int inputWidth, Fit fit) {
    int stride = stride(fit.targetWidth(), fit.targetHeight());
    int width = (fit.targetWidth() + stride - 1) / stride;
    int height = (fit.targetHeight() + stride - 1) / stride;
    // Rounded to whole samples as a uint8 model's input is: InputStatistics sums them exactly.
    byte[] samples = new byte[width * height * channels];
    int to = 0;
    for (int y = 0; y < height; y++) {
      int row = (fit.targetY() + y * stride) * inputWidth + fit.targetX();
      for (int x = 0; x < width; x++) {
        int from = (row + x * stride) * channels;
        for (int c = 0; c < channels; c++) {
          samples[to++] = (byte) Math.min(255, Math.max(0, Math.round(pixels[from + c])));
        }
      }
    }
    return channels == 1 ? InputStatistics.ofGrey(samples, width, height)
        : InputStatistics.ofRgb(samples, width, height);
  }

  /** The least stride that keeps both sides of the sample within {@link #MAX_SIDE}; 1 for a small input. */
  static int stride(int width, int height) {
    int side = Math.max(width, height);
    return (side + MAX_SIDE - 1) / MAX_SIDE;
  }
}
