package io.labelstream.inference.image;

import io.labelstream.inference.model.InputSpec.Resize;

/**
 * Where a picture goes in the model's input: which part of the picture (a rectangle in picture pixels, fractional
 * where a crop makes it so) is resampled onto which part of the input (a whole-pixel rectangle; the rest is
 * padding). Picture pixel x covers the interval [x, x+1).
 *
 * <ul>
 *   <li>{@code STRETCH}: the whole picture onto the whole input.
 *   <li>{@code CENTER_CROP}: the picture is scaled by {@code s = max(W/w, H/h)}, so its shorter side (relative to
 *       the input's) fills the input, and the centred {@code W/s x H/s} rectangle of the picture is taken:
 *       {@code x0 = (w - W/s) / 2}, not rounded (the resize weighs the partly covered edge pixels by their
 *       covered fraction).
 *   <li>{@code LETTERBOX}: the whole picture onto a centred rectangle of the input that keeps its aspect ratio. The
 *       side that limits the scale fills the input; the other is {@code round(h * W / w)} (or
 *       {@code round(w * H / h)}), rounding halves up, at least 1. Its offset is
 *       {@code floor((H - content) / 2)}: when the padding cannot be split evenly, the extra row (or column) of
 *       padding goes to the bottom (or right).
 * </ul>
 */
record Fit(double sourceX, double sourceY, double sourceWidth, double sourceHeight, int targetX, int targetY,
    int targetWidth, int targetHeight) {

  static Fit of(Resize resize, int w, int h, int inputWidth, int inputHeight) {
    // Compared as products of integers, so a picture of exactly the input's aspect ratio takes the same branch in
    // every implementation.
    boolean widthLimits = (long) inputWidth * h <= (long) inputHeight * w; // W/w <= H/h
    return switch (resize) {
      case STRETCH -> new Fit(0, 0, w, h, 0, 0, inputWidth, inputHeight);
      case CENTER_CROP -> {
        if (widthLimits) { // the heights match: s = H/h, the crop is W*h/H wide
          double cropWidth = (double) inputWidth * h / inputHeight;
          yield new Fit((w - cropWidth) / 2, 0, cropWidth, h, 0, 0, inputWidth, inputHeight);
        }
        double cropHeight = (double) inputHeight * w / inputWidth;
        yield new Fit(0, (h - cropHeight) / 2, w, cropHeight, 0, 0, inputWidth, inputHeight);
      }
      case LETTERBOX -> {
        if (widthLimits) {
          int content = Math.max(1, Math.min(inputHeight, (int) Math.floor((double) h * inputWidth / w + 0.5)));
          yield new Fit(0, 0, w, h, 0, (inputHeight - content) / 2, inputWidth, content);
        }
        int content = Math.max(1, Math.min(inputWidth, (int) Math.floor((double) w * inputHeight / h + 0.5)));
        yield new Fit(0, 0, w, h, (inputWidth - content) / 2, 0, content, inputHeight);
      }
    };
  }

  /**
   * What a picture read at a reduced scale must keep so that the resize after it only ever averages: at least one
   * pixel for every input pixel it feeds. For a stretch or a crop both sides must be at least the input's; for a
   * letterbox the side that limits the scale must be (either condition implies the other side is large enough).
   */
  record Need(Resize resize, int inputWidth, int inputHeight) {

    boolean detailedEnough(int w, int h) {
      return switch (resize) {
        case STRETCH, CENTER_CROP -> w >= inputWidth && h >= inputHeight;
        case LETTERBOX -> w >= inputWidth || h >= inputHeight;
      };
    }
  }

  boolean padded(int inputWidth, int inputHeight) {
    return targetWidth != inputWidth || targetHeight != inputHeight;
  }
}
