package io.labelstream.inference.model;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labelstream.inference.model.GraphSignature.Port;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A detection card's outputs against the graph's: each mismatch names the card field and what the graph has. */
class DetectionGraphCheckTest {

  private static final DetectionOutput.Limits LIMITS = DetectionOutput.Limits.defaults();
  private static final DetectionOutput YOLO = new DetectionOutput.Yolo("output0", LIMITS);
  private static final DetectionOutput NMS = new DetectionOutput.YoloNms("output0", LIMITS);
  private static final DetectionOutput SSD = new DetectionOutput.Boxes("boxes", "scores", "classes", "count",
      DetectionOutput.Boxes.BoxOrder.YXYX, 1, LIMITS);

  private static GraphSignature graph(Port... outputs) {
    Map<String, Port> out = new LinkedHashMap<>();
    for (Port p : outputs) {
      out.put(p.name(), p);
    }
    return new GraphSignature(Map.of("images", new Port("images", "float", new long[] {1, 3, 640, 640})), out);
  }

  private static Port port(String name, String type, long... shape) {
    return new Port(name, type, shape);
  }

  @Test
  void shouldAcceptEachLayoutWithFixedOrDynamicDimensions() {
    assertThatCode(() -> {
      DetectionGraphCheck.check(YOLO, 80, graph(port("output0", "float", 1, 84, 8400)));
      DetectionGraphCheck.check(YOLO, 80, graph(port("output0", "float", -1, -1, -1)));
      DetectionGraphCheck.check(NMS, 80, graph(port("output0", "float", 1, 300, 6)));
      DetectionGraphCheck.check(SSD, 90, graph(port("boxes", "float", 1, 100, 4), port("scores", "float", 1, 100),
          port("classes", "int64", 1, 100), port("count", "float", 1)));
    }).doesNotThrowAnyException();
  }

  static Stream<Arguments> mismatches() {
    return Stream.of(
        Arguments.of(YOLO, graph(port("output0", "float", 1, 14, 8400)),
            "model card field 'classNames' lists 80 classes, so the yolo output 'output0' should be [N,84,A] (cx, "
                + "cy, w, h, then one score per class), but the graph has [1,14,8400] (10 classes)"),
        Arguments.of(YOLO, graph(port("output0", "float", 1, 8400, 84)),
            "but the graph has [1,8400,84] (8396 classes); it looks transposed, [N,A,4+C]"),
        Arguments.of(YOLO, graph(port("output1", "float", 1, 84, 8400)),
            "model card field 'output.name' is 'output0' but the graph has no such output; its outputs are "
                + "[output1 float [1,84,8400]]"),
        Arguments.of(YOLO, graph(port("output0", "float", 84, 8400)),
            "model card field 'output.name' names the graph output 'output0' of shape [84,8400]; expected rank 3 "
                + "[N,4+C,A]"),
        Arguments.of(YOLO, graph(port("output0", "int64", 1, 84, 8400)),
            "model card field 'output.name' names the graph output 'output0', which is int64 [1,84,8400]; "
                + "expected float"),
        Arguments.of(NMS, graph(port("output0", "float", 1, 300, 7)),
            "model card field 'output.name' names the graph output 'output0' of shape [1,300,7]; expected "
                + "[N,K,6]"),
        Arguments.of(SSD, graph(port("boxes", "float", 1, 100, 4), port("scores", "float", 1, 100),
            port("classes", "string", 1, 100), port("count", "float", 1)),
            "model card field 'output.classes' names the graph output 'classes', which is string [1,100]; "
                + "expected a number type"),
        Arguments.of(SSD, graph(port("boxes", "float", 1, 100, 4), port("scores", "float", 1, 100),
            port("classes", "float", 1, 100)), "model card field 'output.count' is 'count' but the graph has no "
            + "such output"),
        Arguments.of(SSD, graph(port("boxes", "float", 1, 100, 2), port("scores", "float", 1, 100),
            port("classes", "float", 1, 100), port("count", "float", 1)),
            "model card field 'output.boxes' names the graph output 'boxes' of shape [1,100,2]; expected [N,K,4]"),
        Arguments.of(SSD, graph(port("boxes", "float", 1, 100, 4), port("scores", "float", 1, 100, 90),
            port("classes", "float", 1, 100), port("count", "float", 1)),
            "model card field 'output.scores' names the graph output 'scores' of shape [1,100,90]; expected rank 2"));
  }

  @ParameterizedTest(name = "{2}")
  @MethodSource("mismatches")
  void shouldNameWhatDoesNotMatch(DetectionOutput output, GraphSignature graph, String message) {
    int classes = output == SSD ? 90 : 80;
    assertThatThrownBy(() -> DetectionGraphCheck.check(output, classes, graph)).isInstanceOf(ModelCardException.class)
        .hasMessageContaining(message);
  }
}
