package io.labelstream.inference.detection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.labelstream.inference.model.DetectionOutput;
import io.labelstream.inference.model.DetectorOutput;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads what src/test/python/make_detection_fixtures.py wrote (raw tensors, boxes expected on the frame) and holds
 * the Java decoding to it.
 */
final class ReferenceFixtures {

  /** Frame pixels: the reference is float64 NumPy/torch, the decoder doubles from the same float32 values. */
  static final double PIXELS = 1e-3;

  private ReferenceFixtures() {}

  static DetectorOutput tensors(JsonNode tensors) {
    Map<String, DetectorOutput.Tensor> out = new HashMap<>();
    tensors.fields().forEachRemaining(e -> {
      JsonNode shape = e.getValue().get("shape");
      int[] dims = new int[shape.size()];
      for (int i = 0; i < dims.length; i++) {
        dims[i] = shape.get(i).asInt();
      }
      JsonNode values = e.getValue().get("values");
      float[] v = new float[values.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) values.get(i).asDouble();
      }
      out.put(e.getKey(), new DetectorOutput.Tensor(v, dims));
    });
    return new DetectorOutput(out);
  }

  /** The card's output section as the fixture wrote it (the parsing itself is ModelCardDetectionTest's). */
  static DetectionOutput output(JsonNode o) {
    DetectionOutput.Limits limits = new DetectionOutput.Limits(o.get("scoreThreshold").asDouble(),
        o.get("iouThreshold").asDouble(), o.get("maxDetections").asInt());
    return switch (o.get("format").asText()) {
      case "yolo" -> new DetectionOutput.Yolo(o.get("name").asText(), limits);
      case "yolo-nms" -> new DetectionOutput.YoloNms(o.get("name").asText(), limits);
      default -> new DetectionOutput.Boxes(o.get("boxes").asText(), o.get("scores").asText(),
          o.get("classes").asText(), o.hasNonNull("count") ? o.get("count").asText() : null,
          o.get("boxOrder").asText().equals("xyxy") ? DetectionOutput.Boxes.BoxOrder.XYXY
              : DetectionOutput.Boxes.BoxOrder.YXYX, o.get("classOffset").asInt(), limits);
    };
  }

  static void assertSameBoxes(String what, List<FrameBox> actual, JsonNode expected) {
    assertThat(actual).as(what + ": how many").hasSize(expected.size());
    for (int i = 0; i < actual.size(); i++) {
      FrameBox a = actual.get(i);
      JsonNode e = expected.get(i);
      String at = what + " #" + i;
      assertThat(a.classIndex()).as(at + " class").isEqualTo(e.get("classIndex").asInt());
      assertThat((double) a.score()).as(at + " score").isCloseTo(e.get("score").asDouble(), within(1e-6));
      // over a sum of the anchor's class scores: ONNX Runtime's and torch's float kernels differ by up to 1e-6 in each
      // of 80, and near the 0.05 floor the sum is small (measured: 1.04e-5 at most)
      assertThat(a.classCertainty()).as(at + " class certainty")
          .isCloseTo(e.get("classCertainty").asDouble(), within(1e-4));
      assertThat(a.x()).as(at + " x").isCloseTo(e.get("x").asDouble(), within(PIXELS));
      assertThat(a.y()).as(at + " y").isCloseTo(e.get("y").asDouble(), within(PIXELS));
      assertThat(a.w()).as(at + " w").isCloseTo(e.get("w").asDouble(), within(PIXELS));
      assertThat(a.h()).as(at + " h").isCloseTo(e.get("h").asDouble(), within(PIXELS));
    }
  }
}
