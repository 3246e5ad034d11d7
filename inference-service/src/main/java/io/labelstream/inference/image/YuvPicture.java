package io.labelstream.inference.image;

/**
 * A colour JPEG as it is stored: a luma plane (Y) and two chroma planes (Cb, Cr), the chroma planes subsampled by
 * {@code chromaStepX x chromaStepY} luma pixels (2x2 for the usual 4:2:0). Decoding to these planes skips the
 * decoder's chroma upsampling and colour conversion of every decoded pixel: {@link Resampler} resizes each plane to
 * the input and converts only the input's pixels to RGB, which gives the same result as converting first, since the
 * conversion is linear (up to the 8-bit rounding and the clamping of out-of-gamut pixels a decoder does first).
 */
record YuvPicture(int width, int height, byte[] luma, byte[] blue, byte[] red, int chromaWidth, int chromaHeight,
    int chromaStepX, int chromaStepY) implements Picture {

  @Override
  public int channels() {
    return 3;
  }

  /** Row y in RGB, chroma from the plane pixel covering it; for callers other than the resize, which reads planes. */
  @Override
  public void row(int y, float[] out) {
    int cy = Math.min(y / chromaStepY, chromaHeight - 1);
    for (int x = 0; x < width; x++) {
      int c = cy * chromaWidth + Math.min(x / chromaStepX, chromaWidth - 1);
      rgb(luma[y * width + x] & 0xFF, blue[c] & 0xFF, red[c] & 0xFF, out, 3 * x);
    }
  }

  /** JFIF's YCbCr to RGB coefficients (ITU-R BT.601, full range). */
  static final float RED_FROM_CR = 1.402f;
  static final float GREEN_FROM_CB = 0.344136f;
  static final float GREEN_FROM_CR = 0.714136f;
  static final float BLUE_FROM_CB = 1.772f;

  /** JFIF's YCbCr to RGB, clamped to 0-255. */
  static void rgb(float y, float cb, float cr, float[] out, int at) {
    float u = cb - 128;
    float v = cr - 128;
    out[at] = clamp(y + RED_FROM_CR * v);
    out[at + 1] = clamp(y - GREEN_FROM_CB * u - GREEN_FROM_CR * v);
    out[at + 2] = clamp(y + BLUE_FROM_CB * u);
  }

  private static float clamp(float v) {
    return v < 0f ? 0f : v > 255f ? 255f : v;
  }
}
