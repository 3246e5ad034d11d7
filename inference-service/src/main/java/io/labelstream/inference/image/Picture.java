package io.labelstream.inference.image;

/**
 * A decoded frame as the resize reads it, row by row: 0-255 samples, one channel (grey) or three (always R, G, B in
 * that order, whatever the model wants). Read a row at a time so that no decoder has to hand over a full-size float
 * copy of a big frame.
 */
interface Picture {

  int width();

  int height();

  /** 1 (grey) or 3 (R, G, B). */
  int channels();

  /**
   * Writes row {@code y} into {@code out}: {@code width() * channels()} values 0-255, interleaved per pixel. Values
   * need not be whole numbers (a 16-bit grey sample reduced to 8 bits keeps its fraction).
   */
  void row(int y, float[] out);
}
