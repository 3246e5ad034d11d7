package io.labelstream.review.dataset;

import io.labelstream.schemas.avro.Box;

/**
 * Boxes as exports write them: inside their frame. The worker clips the model's boxes, but a reviewer may draw up to
 * a pixel past an edge, and COCO and YOLO both describe boxes within the image (YOLO's fractions must lie in 0-1).
 * In float arithmetic, as the boxes are stored, so a box already inside is written exactly as the label has it.
 */
final class BoxClip {

  private BoxClip() {}

  /** The part of {@code box} inside a {@code width} x {@code height} frame; null when no area is left. */
  static Box toFrame(Box box, int width, int height) {
    float x0 = Math.max(0f, box.getX());
    float y0 = Math.max(0f, box.getY());
    float x1 = Math.min(width, box.getX() + box.getW());
    float y1 = Math.min(height, box.getY() + box.getH());
    if (x1 <= x0 || y1 <= y0) {
      return null;
    }
    if (x0 == box.getX() && y0 == box.getY() && x1 - x0 == box.getW() && y1 - y0 == box.getH()) {
      return box;
    }
    return Box.newBuilder(box).setX(x0).setY(y0).setW(x1 - x0).setH(y1 - y0).build();
  }
}
