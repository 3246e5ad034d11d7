package io.labelstream.review.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.labelstream.platform.http.ApiException;
import io.labelstream.schemas.avro.Box;
import java.util.ArrayList;
import java.util.List;

/**
 * The boxes a person drew, as a detection answer (a submit, a gold frame) sends them: checked, then clipped to the
 * frame. Each refusal is a {@code 400} with its own reason code, so a page can say what to fix.
 *
 * <p>A box may stick out of the frame by up to {@link #FRAME_TOLERANCE} pixel on any side (a drag that ends on the
 * border, rounding of a zoomed view); it is clipped to the frame, as the inference worker clips the model's boxes, and
 * must still be {@link #MIN_SIDE} pixels a side after clipping.
 */
public final class SubmittedBoxes {

  /** More boxes than any frame needs: a bound on what one answer costs to store, match and show. */
  public static final int MAX_BOXES = 500;
  /** The smallest side a box may have, in frame pixels: smaller is a stray click, not an object. */
  public static final double MIN_SIDE = 2;
  /** How far, in frame pixels, a box may reach past the frame's edge before it is refused rather than clipped. */
  public static final double FRAME_TOLERANCE = 1;

  private SubmittedBoxes() {}

  /**
   * Reads {@code boxes} (a JSON list of {@code {"label","x","y","w","h"}}, other fields ignored) into boxes of
   * {@code classes}, clipped to a {@code width} x {@code height} frame. Without a frame size (null) the boxes are
   * checked for everything but the frame.
   *
   * @throws ApiException 400 too_many_boxes, invalid_box, unknown_class, box_too_small or box_outside_frame
   */
  public static List<Box> read(JsonNode boxes, List<String> classes, Integer width, Integer height) {
    if (boxes == null || !boxes.isArray()) {
      throw new ApiException(400, "invalid_box", "boxes must be a list like [{\"label\": \"Bag\", \"x\": 12, "
          + "\"y\": 40.5, \"w\": 96, \"h\": 80}] ([] when there is nothing to label)");
    }
    if (boxes.size() > MAX_BOXES) {
      throw new ApiException(400, "too_many_boxes", boxes.size() + " boxes; one answer may have at most " + MAX_BOXES);
    }
    List<Box> read = new ArrayList<>();
    for (int i = 0; i < boxes.size(); i++) {
      read.add(box(boxes.get(i), i, classes, width, height));
    }
    return read;
  }

  private static Box box(JsonNode node, int i, List<String> classes, Integer width, Integer height) {
    if (node == null || !node.isObject() || !node.path("label").isTextual()) {
      throw new ApiException(400, "invalid_box", "box " + i + " must be an object with a label and x, y, w, h");
    }
    String label = node.get("label").asText();
    double x = number(node, "x", i);
    double y = number(node, "y", i);
    double w = number(node, "w", i);
    double h = number(node, "h", i);
    int classIndex = classes.indexOf(label);
    if (classIndex < 0) {
      throw new ApiException(400, "unknown_class", "box " + i + ": '" + label + "' is not one of " + classes);
    }
    if (w < MIN_SIDE || h < MIN_SIDE) {
      throw new ApiException(400, "box_too_small", "box " + i + " is " + w + " x " + h + " pixels; each side must be "
          + "at least " + MIN_SIDE);
    }
    if (width != null && height != null) {
      if (x < -FRAME_TOLERANCE || y < -FRAME_TOLERANCE || x + w > width + FRAME_TOLERANCE
          || y + h > height + FRAME_TOLERANCE) {
        throw new ApiException(400, "box_outside_frame", "box " + i + " (x " + x + ", y " + y + ", w " + w + ", h "
            + h + ") reaches past the " + width + " x " + height + " frame by more than " + FRAME_TOLERANCE + " px");
      }
      double left = Math.max(0, x);
      double top = Math.max(0, y);
      w = Math.min(width, x + w) - left;
      h = Math.min(height, y + h) - top;
      x = left;
      y = top;
      if (w < MIN_SIDE || h < MIN_SIDE) {
        throw new ApiException(400, "box_too_small", "box " + i + " is " + w + " x " + h + " pixels inside the "
            + "frame; each side must be at least " + MIN_SIDE);
      }
    }
    return Box.newBuilder().setLabel(label).setClassIndex(classIndex).setX((float) x).setY((float) y)
        .setW((float) w).setH((float) h).setConfidence(null).build();
  }

  /** A finite number that stays finite as the float a Box keeps. */
  private static double number(JsonNode node, String field, int i) {
    JsonNode value = node.get(field);
    if (value == null || !value.isNumber() || !Double.isFinite(value.asDouble())
        || !Float.isFinite((float) value.asDouble())) {
      throw new ApiException(400, "invalid_box", "box " + i + " needs a finite number " + field);
    }
    return value.asDouble();
  }

  /**
   * Whether boxes already read fit a {@code width} x {@code height} frame as {@link #read} would have left them: for
   * an answer read before its task was known.
   */
  public static boolean fit(List<Box> boxes, Integer width, Integer height) {
    if (width == null || height == null) {
      return true;
    }
    return boxes.stream().allMatch(b -> b.getX() >= -FRAME_TOLERANCE && b.getY() >= -FRAME_TOLERANCE
        && b.getX() + b.getW() <= width + FRAME_TOLERANCE && b.getY() + b.getH() <= height + FRAME_TOLERANCE);
  }
}
