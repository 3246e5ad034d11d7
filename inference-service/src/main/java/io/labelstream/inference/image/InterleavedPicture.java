package io.labelstream.inference.image;

/** 8-bit samples in one array, pixel after pixel, row after row: what TurboJPEG decodes into. */
record InterleavedPicture(int width, int height, int channels, byte[] samples) implements Picture {

  InterleavedPicture {
    if (samples.length < width * height * channels) {
      throw new IllegalArgumentException(width + "x" + height + "x" + channels + " needs more than " + samples.length
          + " samples");
    }
  }

  @Override
  public void row(int y, float[] out) {
    int n = width * channels;
    int from = y * n;
    for (int i = 0; i < n; i++) {
      out[i] = samples[from + i] & 0xFF;
    }
  }
}
