package io.labelstream.inference.detection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labelstream.inference.image.FrameDecoder;
import io.labelstream.inference.model.DetectorOutput;
import io.labelstream.inference.model.OnnxModel;
import io.labelstream.inference.model.SessionSettings;
import io.labelstream.platform.model.ModelFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A user's yolo11n.onnx as Ultralytics exports it (its I/O reproduced by a tiny random-weight model), loaded with a
 * card alone: the worker's decode, letterbox, ONNX Runtime and box decoding give the boxes torch's forward pass and
 * torchvision's NMS gave on the same scene (src/test/python/make_detection_fixtures.py).
 */
class Yolo11nReferenceTest {

  static final Path FOLDER = Path.of("src/test/resources/detection/yolo11n");

  @Test
  void shouldFindTheBoxesTorchFoundInTheSameScene() throws Exception {
    JsonNode expected = new ObjectMapper().readTree(FOLDER.resolve("expected.json").toFile());
    try (OnnxModel model = OnnxModel.load(ModelFolder.of(FOLDER), SessionSettings.defaults())) {
      assertThat(model.card().detects()).isTrue();
      assertThat(model.card().classNames()).hasSize(80).startsWith("person", "bicycle");
      FrameDecoder.Fitted fitted = new FrameDecoder(model.card().input())
          .decodeFitted(Files.readAllBytes(FOLDER.resolve(expected.get("image").asText())));
      assertThat(fitted.placement().frameWidth()).isEqualTo(640);
      assertThat(fitted.placement().frameHeight()).isEqualTo(480);

      DetectorOutput[] raw = model.detect(List.of(fitted.tensor()));
      Detections found = new BoxDecoder(model.card().detection(), 80, 640, 640).decode(raw[0], fitted.placement());

      assertThat(raw[0].get("output0").shape()).containsExactly(84, 8400);
      assertThat(found.boxes()).isNotEmpty();
      ReferenceFixtures.assertSameBoxes("boxes", found.boxes(), expected.get("boxes"));
      ReferenceFixtures.assertSameBoxes("candidates", found.candidates(), expected.get("candidates"));
      double cut = model.card().detection().limits().scoreThreshold();
      assertThat(found.frameScore(cut).score() / expected.get("frameScore").asDouble())
          .isCloseTo(1.0, within(1e-4));
    }
  }
}
