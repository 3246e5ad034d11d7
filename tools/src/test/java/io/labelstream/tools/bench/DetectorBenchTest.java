package io.labelstream.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labelstream.inference.InferenceToolkit;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.model.ModelFolder;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The detection figures' wiring: the scenes it reads, the detector path it times (the worker's, boxes included), and
 * the ratio it reports with its target. Nothing here is timed against a threshold.
 */
class DetectorBenchTest {

  /** yolo11n's exact inputs and outputs with random weights: the worker's detection path at full size. */
  private static final Path YOLO11N = Path.of("../inference-service/src/test/resources/detection/yolo11n/yolo11n.onnx");

  @TempDir
  Path dir;

  @Test
  void shouldReadEveryJpegSceneOfAFolderWithItsSize() throws Exception {
    scene(dir.resolve("b.jpg"), 640, 480);
    scene(dir.resolve("a.jpg"), 640, 480);
    Files.writeString(dir.resolve("scenes.json"), "{}");

    BenchFrames scenes = DetectorBench.scenes(dir);

    assertThat(scenes.distinct()).isEqualTo(2);
    assertThat(scenes.frame("run", 0).getWidth()).isEqualTo(640);
    assertThat(scenes.frame("run", 0).getHeight()).isEqualTo(480);
    assertThat(scenes.frame("run", 0).getContentType()).isEqualTo("image/jpeg");
    assertThat(scenes.png(0)).isEqualTo(Files.readAllBytes(dir.resolve("a.jpg")));
  }

  @Test
  void shouldFindTheBundledDetectorAndItsSampleScenesWhereTheBenchLooks() throws Exception {
    Path root = Path.of("..");

    BenchFrames scenes = DetectorBench.scenes(root.resolve("model/samples").resolve(DetectorBench.SCENES));

    assertThat(scenes.distinct()).isEqualTo(64);
    assertThat(scenes.frame("run", 0).getWidth()).isEqualTo(640);
    assertThat(scenes.frame("run", 0).getHeight()).isEqualTo(480);
    try (InferenceToolkit model = InferenceToolkit.model(ModelFolder.of(root.resolve(DetectorBench.BUNDLED_MODEL)),
        new Env(Map.of()))) {
      assertThat(model.detects()).isTrue();
    }
  }

  @Test
  void shouldRefuseScenesOfMixedSizesOrNoneAtAll() throws Exception {
    assertThatThrownBy(() -> DetectorBench.scenes(dir)).hasMessageContaining("no .jpg scenes in");
    scene(dir.resolve("a.jpg"), 640, 480);
    scene(dir.resolve("b.jpg"), 1280, 720);

    assertThatThrownBy(() -> DetectorBench.scenes(dir)).hasMessageContaining("b.jpg is 1280x720, the other scenes 640x480");
  }

  @Test
  void shouldTimeTheDetectorThroughTheWorkersPathBoxesIncluded() throws Exception {
    scene(dir.resolve("a.jpg"), 640, 480);
    BenchFrames scenes = DetectorBench.scenes(dir);
    try (InferenceToolkit model = InferenceToolkit.model(ModelFolder.of(YOLO11N), new Env(Map.of()))) {
      ModelPath<InferenceToolkit.PreparedFrame> path = ModelPath.detector(model);
      InferenceToolkit.PreparedFrame prepared = path.prepare(scenes.png(0));

      path.infer(List.of(prepared, prepared));
      path.answer(List.of(prepared));

      assertThat(model.detect(List.of(prepared)).get(0).width()).isEqualTo(640);
      assertThat(ModelBench.detector(model, scenes, 2).pipelinedFps(3, 1)).isPositive();
    }
  }

  @Test
  void shouldRefuseToTimeAClassifierAsTheDetector() throws Exception {
    try (InferenceToolkit classifier = InferenceToolkit.bundledModel(1)) {
      assertThatThrownBy(() -> ModelPath.detector(classifier)).hasMessageContaining("is not a detection model");
    }
  }

  @Test
  void shouldReportTheWorkerAgainstInProcessWithItsTarget() throws Exception {
    BenchReport report = new BenchReport(2_000, 512, 2_000);
    report.put("detector_bare_ort_fps", 120);
    report.put("detector_inprocess_fps", 100);
    report.put("detector_worker_fps", 85);
    ByteArrayOutputStream table = new ByteArrayOutputStream();

    report.printTable(new PrintStream(table, true, StandardCharsets.UTF_8));
    Path json = dir.resolve("bench.json");
    report.writeJson(json);

    assertThat(table.toString(StandardCharsets.UTF_8))
        .containsPattern("detector_worker_fps / detector_inprocess_fps +0\\.85 +>= 0\\.9 +MISSED");
    JsonNode figures = new ObjectMapper().readTree(json.toFile());
    assertThat(figures.get("detector_bare_ort_fps").asDouble()).isEqualTo(120);
    assertThat(figures.get("detector_inprocess_fps").asDouble()).isEqualTo(100);
    assertThat(figures.get("detector_worker_fps").asDouble()).isEqualTo(85);
    JsonNode ratio = figures.get("ratios").get("detector_worker_vs_inprocess");
    assertThat(ratio.get("value").asDouble()).isEqualTo(0.85);
    assertThat(ratio.get("target").asDouble()).isEqualTo(0.9);
    assertThat(ratio.get("met").asBoolean()).isFalse();
  }

  private static void scene(Path file, int width, int height) throws Exception {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(new Color(90, 140, 200));
    g.fillRect(0, 0, width, height);
    g.setColor(Color.ORANGE);
    g.fillRect(width / 4, height / 4, width / 3, height / 3);
    g.dispose();
    assertThat(ImageIO.write(image, "jpg", file.toFile())).isTrue();
  }
}
