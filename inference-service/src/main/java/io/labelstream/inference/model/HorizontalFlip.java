package io.labelstream.inference.model;

/**
 * Mirrors one image's finished input tensor left to right, in its layout: the test-time augmentation a card declares
 * as {@code horizontal-flip}. Flipping the tensor rather than the picture keeps decoding the same for both views.
 */
final class HorizontalFlip {

  private HorizontalFlip() {}

  static float[] of(float[] image, InputSpec input) {
    int w = input.width();
    int h = input.height();
    int c = input.channels();
    float[] flipped = new float[image.length];
    if (input.layout() == InputSpec.Layout.NCHW) {
      for (int plane = 0; plane < c * h; plane++) {
        int row = plane * w;
        for (int x = 0; x < w; x++) {
          flipped[row + x] = image[row + w - 1 - x];
        }
      }
    } else {
      for (int y = 0; y < h; y++) {
        int row = y * w * c;
        for (int x = 0; x < w; x++) {
          System.arraycopy(image, row + (w - 1 - x) * c, flipped, row + x * c, c);
        }
      }
    }
    return flipped;
  }
}
