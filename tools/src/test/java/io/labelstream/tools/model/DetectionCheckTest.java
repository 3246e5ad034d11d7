package io.labelstream.tools.model;

import static io.labelstream.tools.model.ModelInspectTest.MODEL_DIR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labelstream.inference.InferenceToolkit;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.model.ModelFolder;
import io.labelstream.tools.model.MeanAveragePrecision.Box;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code model check} of the bundled detector on its 64 sample scenes (test scenes 0-63) with their true boxes. */
class DetectionCheckTest {

  private static final Path DETECTOR = MODEL_DIR.resolve("fashion-detector.onnx");
  private static final Path SCENES = MODEL_DIR.resolve("samples").resolve("scenes");
  private static final double REPLAY_FLOOR = 0.05;

  @Test
  void shouldMeasureTheWorkersBoxesAsTheReleasedTestPredictionsScoreThem() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    DetectionCheck.Result run;
    try (InferenceToolkit model = InferenceToolkit.model(ModelFolder.of(DETECTOR), new Env(Map.of()))) {
      run = DetectionCheck.run(model, SCENES, 8, REPLAY_FLOOR, new PrintStream(printed, true, StandardCharsets.UTF_8));
    }

    // The same scenes' candidates in the released test predictions (made by the training script from the torch
    // model), scored by the same code: the worker's path must rank the same boxes.
    MeanAveragePrecision replay = new MeanAveragePrecision(10);
    ObjectMapper json = new ObjectMapper();
    List<String> lines = Files.readAllLines(MODEL_DIR.resolve("fashion-detector.test.jsonl")).subList(0, 64);
    for (String line : lines) {
      JsonNode scene = json.readTree(line);
      replay.add(boxes(scene.get("truth")), boxes(scene.get("candidates")));
    }
    assertThat(run.scenes()).isEqualTo(64);
    assertThat(run.bestClassMap50().getAsDouble())
        .isCloseTo(MeanAveragePrecision.meanAp50(replay.perClass()).getAsDouble(), within(0.005));
    assertThat(run.bestClassMap50().getAsDouble()).as("the garments are found and named").isGreaterThan(0.6);
    assertThat(printed.toString(StandardCharsets.UTF_8)).contains("mAP of 64 scenes", "Shirt", "mean");
  }

  @Test
  void shouldSayWhatItNeedsToMeasureADetectorWithoutTrueBoxes() throws Exception {
    assertThat(DetectionCheck.hasScenes(SCENES)).isTrue();
    assertThat(DetectionCheck.hasScenes(MODEL_DIR.resolve("samples"))).isFalse();
  }

  private static List<Box> boxes(JsonNode array) {
    List<Box> out = new ArrayList<>();
    for (JsonNode b : array) {
      out.add(new Box(b.get("classIndex").asInt(), b.path("score").asDouble(Double.NaN), b.get("x").asDouble(),
          b.get("y").asDouble(), b.get("w").asDouble(), b.get("h").asDouble()));
    }
    return out;
  }
}
