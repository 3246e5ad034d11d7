package io.labelstream.inference.detection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labelstream.inference.InferenceToolkit;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.model.ModelFolder;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The detection path tools (bench, evaluation) use: the same boxes and frame score the worker writes. */
class DetectionToolkitTest {

  @Test
  void shouldGiveToolsTheBoxesAndFrameScoreOfTheWorker() throws Exception {
    JsonNode torch = new ObjectMapper().readTree(Yolo11nReferenceTest.FOLDER.resolve("expected.json").toFile());
    byte[] scene = Files.readAllBytes(Yolo11nReferenceTest.FOLDER.resolve("scene-640x480.png"));
    try (InferenceToolkit toolkit = InferenceToolkit.model(ModelFolder.of(Yolo11nReferenceTest.FOLDER),
        new Env(Map.of()))) {
      assertThat(toolkit.detects()).isTrue();

      List<InferenceToolkit.FrameDetections> found = toolkit.detect(List.of(toolkit.prepare(scene),
          toolkit.prepare(scene)));

      assertThat(found).hasSize(2);
      InferenceToolkit.FrameDetections first = found.get(0);
      assertThat(first.width()).isEqualTo(640);
      assertThat(first.height()).isEqualTo(480);
      assertThat(first.boxes()).hasSize(torch.get("boxes").size());
      assertThat(first.candidates()).hasSize(torch.get("candidates").size());
      InferenceToolkit.DetectedBox box = first.boxes().get(0);
      JsonNode expected = torch.get("boxes").get(0);
      assertThat(box.label()).isEqualTo(toolkit.classNames().get(expected.get("classIndex").asInt()));
      assertThat(box.x()).isCloseTo(expected.get("x").asDouble(), within(1e-3));
      assertThat(first.frameScore() / torch.get("frameScore").asDouble()).isCloseTo(1.0, within(1e-4));
      assertThat(found.get(1)).isEqualTo(first);
    }
  }
}
