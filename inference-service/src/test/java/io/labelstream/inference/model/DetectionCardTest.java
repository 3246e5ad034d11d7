package io.labelstream.inference.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labelstream.platform.model.ModelFolder;
import io.labelstream.platform.model.ModelIdentity;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Detection cards (docs/detection.md): each output format read as written, and every mistake named by its field. */
class DetectionCardTest {

  private static final String INPUT = "\"input\": {\"name\": \"images\", \"layout\": \"NCHW\", \"channels\": 3, "
      + "\"width\": 640, \"height\": 640, \"resize\": \"letterbox\", \"padValue\": 114, \"dtype\": \"float32\", "
      + "\"scale\": 0.00392156862745098}";

  static ModelCard parse(String output) throws Exception {
    return parse(INPUT, output);
  }

  static ModelCard parse(String input, String output) throws Exception {
    JsonNode root = new ObjectMapper().readTree("{\"name\": \"det\", \"version\": \"1\", \"task\": \"detection\", "
        + input + (output == null ? "" : ", \"output\": " + output) + ", \"classNames\": [\"a\", \"b\", \"c\"]}");
    return ModelCard.parse(root, ModelIdentity.parse(root, null));
  }

  @Test
  void shouldReadAYoloCardWithTheDocumentedDefaults() throws Exception {
    ModelCard card = parse("{\"format\": \"yolo\", \"name\": \"output0\"}");

    assertThat(card.detects()).isTrue();
    assertThat(card.output()).isNull();
    assertThat(card.policySize()).isEqualTo(1);
    assertThat(card.input().resize()).isEqualTo(InputSpec.Resize.LETTERBOX);
    assertThat(card.detection()).isEqualTo(new DetectionOutput.Yolo("output0",
        new DetectionOutput.Limits(0.25, 0.45, 100)));
  }

  @Test
  void shouldReadAYoloNmsCardWithItsLimits() throws Exception {
    ModelCard card = parse("{\"format\": \"yolo-nms\", \"name\": \"detections\", \"scoreThreshold\": 0.3, "
        + "\"iouThreshold\": 0.6, \"maxDetections\": 300}");

    assertThat(card.detection()).isEqualTo(new DetectionOutput.YoloNms("detections",
        new DetectionOutput.Limits(0.3, 0.6, 300)));
  }

  @Test
  void shouldReadATensorFlowStyleBoxesCard() throws Exception {
    ModelCard card = parse("{\"format\": \"boxes\", \"boxes\": \"detection_boxes\", \"scores\": \"detection_scores\", "
        + "\"classes\": \"detection_classes\", \"count\": \"num_detections\", \"classOffset\": 1}");

    assertThat(card.detection()).isEqualTo(new DetectionOutput.Boxes("detection_boxes", "detection_scores",
        "detection_classes", "num_detections", DetectionOutput.Boxes.BoxOrder.YXYX, 1,
        DetectionOutput.Limits.defaults()));
    assertThat(card.detection().outputNames())
        .containsExactly("detection_boxes", "detection_scores", "detection_classes", "num_detections");
  }

  @Test
  void shouldDefaultTheBoxesOutputsToTheirLayoutNamesWithoutACount() throws Exception {
    ModelCard card = parse("{\"format\": \"boxes\", \"boxOrder\": \"xyxy\"}");

    assertThat(card.detection()).isEqualTo(new DetectionOutput.Boxes("boxes", "scores", "classes", null,
        DetectionOutput.Boxes.BoxOrder.XYXY, 0, DetectionOutput.Limits.defaults()));
  }

  @Test
  void shouldKeepAClassifiersCardAsItWas() throws Exception {
    ModelCard card = ModelCard.read(TestModels.model(TestModels.COLOUR_NCHW_LOGITS));

    assertThat(card.detects()).isFalse();
    assertThat(card.detection()).isNull();
    assertThat(card.policySize()).isEqualTo(3);
  }

  static Stream<Arguments> badCards() {
    String yolo = "{\"format\": \"yolo\", \"name\": \"output0\"";
    return Stream.of(
        Arguments.of(INPUT, null, "model card lacks the field 'output'"),
        Arguments.of(INPUT, "{\"name\": \"output0\"}", "model card lacks the field 'output.format'"),
        Arguments.of(INPUT, "{\"format\": \"ssd\", \"name\": \"output0\"}",
            "model card field 'output.format' is 'ssd'; expected yolo, yolo-nms or boxes"),
        Arguments.of(INPUT, "{\"format\": \"yolo\"}", "model card lacks the field 'output.name'"),
        Arguments.of(INPUT, "{\"format\": \"yolo-nms\", \"name\": 7}", "model card field 'output.name' is 7"),
        Arguments.of(INPUT, yolo + ", \"scoreThreshold\": 1.5}",
            "model card field 'output.scoreThreshold' is 1.5; expected a number from 0 to 1"),
        Arguments.of(INPUT, yolo + ", \"iouThreshold\": \"high\"}", "model card field 'output.iouThreshold' is"),
        Arguments.of(INPUT, yolo + ", \"maxDetections\": 0}",
            "model card field 'output.maxDetections' is 0; expected at least 1"),
        Arguments.of(INPUT, yolo + ", \"maxDetections\": 2.5}",
            "model card field 'output.maxDetections' is 2.5; expected a whole number"),
        Arguments.of(INPUT, yolo + ", \"kind\": \"logits\"}", "model card field 'output.kind' is set in a detection "
            + "card"),
        Arguments.of(INPUT, "{\"format\": \"boxes\", \"boxOrder\": \"xywh\"}",
            "model card field 'output.boxOrder' is 'xywh'; expected yxyx (TensorFlow's) or xyxy"),
        Arguments.of(INPUT, "{\"format\": \"boxes\", \"classOffset\": \"one\"}",
            "model card field 'output.classOffset' is \"one\"; expected a whole number"),
        Arguments.of(INPUT, "{\"format\": \"boxes\", \"count\": \"\"}", "model card field 'output.count' is"),
        Arguments.of(INPUT.replace("letterbox", "center-crop"), yolo + "}",
            "model card field 'input.resize' is center-crop in a detection card"),
        Arguments.of(INPUT.replace("\"width\": 640, ", ""), yolo + "}", "model card lacks the field 'input.width'"));
  }

  @ParameterizedTest(name = "{2}")
  @MethodSource("badCards")
  void shouldRefuseABadCardNamingTheField(String input, String output, String message) {
    assertThatThrownBy(() -> parse(input, output)).isInstanceOf(ModelCardException.class)
        .hasMessageContaining(message);
  }

  @Test
  void shouldRefuseTestTimeAugmentationOnADetector() throws Exception {
    JsonNode root = new ObjectMapper().readTree("{\"name\": \"det\", \"version\": \"1\", \"task\": \"detection\", "
        + INPUT + ", \"output\": {\"format\": \"yolo\", \"name\": \"output0\"}, \"classNames\": [\"a\"], "
        + "\"testTimeAugmentation\": [\"horizontal-flip\"]}");

    assertThatThrownBy(() -> ModelCard.parse(root, ModelIdentity.parse(root, null)))
        .isInstanceOf(ModelCardException.class)
        .hasMessageContaining("model card field 'testTimeAugmentation' is set in a detection card");
  }

  @Test
  void shouldLoadTheYolo11nTestModelWithItsCardAlone() throws Exception {
    ModelCard card = ModelCard.read(ModelFolder.of(Path.of("src/test/resources/detection/yolo11n")));

    assertThat(card.detection()).isEqualTo(new DetectionOutput.Yolo("output0", DetectionOutput.Limits.defaults()));
    assertThat(card.input().padValue()).isEqualTo(114);
    assertThat(card.classNames()).hasSize(80);
  }
}
