package io.labelstream.inference.image;

import io.labelstream.inference.model.InputSpec.Resize;

/**
 * Where a frame went in the model's input, kept so that what a detector finds in the input can be put back on the
 * frame: the exact inverse of the fit the frame decoder made ({@link Fit}).
 *
 * <p>The decoder resampled the part {@code [sourceX, sourceX + sourceWidth)} of the decoded picture onto the input
 * columns {@code [targetX, targetX + targetWidth)} (letterbox: the whole picture onto the centred content, the rest
 * padding; stretch: the whole picture onto the whole input), and rows alike. So input column {@code u} is picture
 * column {@code sourceX + (u - targetX) * sourceWidth / targetWidth}. A picture decoded at a reduced scale (a big
 * JPEG read at M/8, a big PNG subsampled) spans the whole frame, so a picture column is
 * {@code frameWidth / pictureWidth} frame columns. Coordinates are continuous: pixel x covers [x, x+1) in every space.
 *
 * @param frameWidth the frame's width as the camera sent it, the space boxes are reported in
 * @param frameHeight its height
 * @param scaleX frame pixels per input pixel, across
 * @param offsetX the frame column of input column 0
 * @param scaleY frame pixels per input pixel, down
 * @param offsetY the frame row of input row 0
 */
public record FramePlacement(int frameWidth, int frameHeight, double scaleX, double offsetX, double scaleY,
    double offsetY) {

  /** The placement of a frame fitted into a {@code inputWidth x inputHeight} input as {@code resize} says. */
  public static FramePlacement of(Resize resize, int frameWidth, int frameHeight, int inputWidth, int inputHeight) {
    return of(Fit.of(resize, frameWidth, frameHeight, inputWidth, inputHeight), frameWidth, frameHeight, frameWidth,
        frameHeight);
  }

  /** The inverse of {@code fit}, made on a picture of {@code pictureWidth x pictureHeight} decoded from the frame. */
  static FramePlacement of(Fit fit, int frameWidth, int frameHeight, int pictureWidth, int pictureHeight) {
    double toFrameX = (double) frameWidth / pictureWidth;
    double toFrameY = (double) frameHeight / pictureHeight;
    double scaleX = fit.sourceWidth() / fit.targetWidth() * toFrameX;
    double scaleY = fit.sourceHeight() / fit.targetHeight() * toFrameY;
    return new FramePlacement(frameWidth, frameHeight, scaleX, fit.sourceX() * toFrameX - fit.targetX() * scaleX,
        scaleY, fit.sourceY() * toFrameY - fit.targetY() * scaleY);
  }

  /** Frame column of input column {@code u}. */
  public double frameX(double u) {
    return u * scaleX + offsetX;
  }

  /** Frame row of input row {@code v}. */
  public double frameY(double v) {
    return v * scaleY + offsetY;
  }

  /**
   * The input-space box {@code (x1, y1)-(x2, y2)} on the frame, clipped to it, as {x, y, w, h}; null when nothing of
   * it is left inside the frame (a box on the letterbox padding, or of no area to begin with).
   */
  public double[] toFrame(double x1, double y1, double x2, double y2) {
    double left = clip(frameX(x1), frameWidth);
    double right = clip(frameX(x2), frameWidth);
    double top = clip(frameY(y1), frameHeight);
    double bottom = clip(frameY(y2), frameHeight);
    if (!(right > left && bottom > top)) {
      return null;
    }
    return new double[] {left, top, right - left, bottom - top};
  }

  private static double clip(double v, int size) {
    return Math.max(0.0, Math.min(size, v));
  }
}
