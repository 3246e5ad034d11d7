package io.labelstream.inference.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.labelstream.inference.model.DetectionOutput.Boxes;
import io.labelstream.inference.model.DetectionOutput.Limits;
import java.util.Locale;
import java.util.Set;

/**
 * Reads the {@code output} section of a detection card (docs/detection.md). Every error names the field, as the rest
 * of the card's parsing does, because a wrong card otherwise shows up only as wrong boxes.
 */
final class DetectionCard {

  private static final Set<String> FORMATS = Set.of("yolo", "yolo-nms", "boxes");

  private DetectionCard() {}

  static DetectionOutput output(JsonNode root) throws ModelCardException {
    JsonNode output = root.get("output");
    if (output == null || output.isNull()) {
      throw new ModelCardException("model card lacks the field 'output' (a detection card says which layout its "
          + "graph answers in: output.format yolo, yolo-nms or boxes)");
    }
    if (!output.isObject()) {
      throw new ModelCardException("model card field 'output' is " + output + "; expected an object");
    }
    if (output.has("kind")) {
      throw new ModelCardException("model card field 'output.kind' is set in a detection card; a detection card "
          + "says output.format (yolo, yolo-nms or boxes) instead");
    }
    String format = text(output, "format", null);
    if (!FORMATS.contains(format.toLowerCase(Locale.ROOT))) {
      throw new ModelCardException("model card field 'output.format' is '" + format + "'; expected yolo, yolo-nms "
          + "or boxes");
    }
    Limits limits = limits(output);
    return switch (format.toLowerCase(Locale.ROOT)) {
      case "yolo" -> new DetectionOutput.Yolo(text(output, "name", null), limits);
      case "yolo-nms" -> new DetectionOutput.YoloNms(text(output, "name", null), limits);
      default -> boxes(output, limits);
    };
  }

  private static Boxes boxes(JsonNode output, Limits limits) throws ModelCardException {
    String order = text(output, "boxOrder", "yxyx");
    Boxes.BoxOrder boxOrder = switch (order.strip().toLowerCase(Locale.ROOT)) {
      case "yxyx" -> Boxes.BoxOrder.YXYX;
      case "xyxy" -> Boxes.BoxOrder.XYXY;
      default -> throw new ModelCardException("model card field 'output.boxOrder' is '" + order + "'; expected yxyx "
          + "(TensorFlow's) or xyxy");
    };
    JsonNode count = output.get("count");
    return new Boxes(text(output, "boxes", "boxes"), text(output, "scores", "scores"),
        text(output, "classes", "classes"), count == null || count.isNull() ? null : text(output, "count", null),
        boxOrder, whole(output, "classOffset", 0), limits);
  }

  private static Limits limits(JsonNode output) throws ModelCardException {
    double score = fraction(output, "scoreThreshold", DetectionOutput.DEFAULT_SCORE_THRESHOLD);
    double iou = fraction(output, "iouThreshold", DetectionOutput.DEFAULT_IOU_THRESHOLD);
    int max = whole(output, "maxDetections", DetectionOutput.DEFAULT_MAX_DETECTIONS);
    if (max < 1) {
      throw new ModelCardException("model card field 'output.maxDetections' is " + max + "; expected at least 1");
    }
    return new Limits(score, iou, max);
  }

  /** A text field of the output section; {@code fallback} null means it is required. */
  private static String text(JsonNode output, String field, String fallback) throws ModelCardException {
    JsonNode value = output.get(field);
    if (value == null || value.isNull()) {
      if (fallback == null) {
        throw new ModelCardException("model card lacks the field 'output." + field + "'");
      }
      return fallback;
    }
    if (!value.isTextual() || value.asText().isBlank()) {
      throw new ModelCardException("model card field 'output." + field + "' is " + value + "; expected a name");
    }
    return value.asText();
  }

  private static double fraction(JsonNode output, String field, double fallback) throws ModelCardException {
    JsonNode value = output.get(field);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (!value.isNumber() || !(value.asDouble() >= 0.0 && value.asDouble() <= 1.0)) {
      throw new ModelCardException("model card field 'output." + field + "' is " + value + "; expected a number "
          + "from 0 to 1");
    }
    return value.asDouble();
  }

  private static int whole(JsonNode output, String field, int fallback) throws ModelCardException {
    JsonNode value = output.get(field);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (!value.isIntegralNumber() || !value.canConvertToInt()) {
      throw new ModelCardException("model card field 'output." + field + "' is " + value + "; expected a whole "
          + "number");
    }
    return value.asInt();
  }
}
