package io.labelstream.tools.bench;

import io.labelstream.inference.InferenceToolkit;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.model.ModelFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * The detection figures: 640x480 JPEG scenes through a detection model (the bundled detector unless
 * {@code --detector-model} names another), as ONNX Runtime alone ({@code detector_bare_ort_fps}), in one process
 * without Kafka ({@code detector_inprocess_fps}: decode and letterbox on the decode threads, the next batch decoded
 * while ONNX Runtime and the box decoding run this one, as the worker overlaps them) and through the real worker on an
 * embedded broker ({@code detector_worker_fps}). The worker should keep 90% of the in-process rate.
 */
final class DetectorBench {

  /** The bundled detector, relative to the repository root the bench runs in. */
  static final Path BUNDLED_MODEL = Path.of("model", "fashion-detector.onnx");
  /** The bundled detector's sample scenes, below the samples folder (LABELSTREAM_SAMPLES). */
  static final String SCENES = "scenes";

  private final Map<String, String> environment;
  private final int batch;
  private final int decodeThreads;

  /**
   * @param environment the benchmark's environment: its INFERENCE_* settings reach the in-process model and the
   *     worker alike
   */
  DetectorBench(Map<String, String> environment, int batch, int decodeThreads) {
    this.environment = environment;
    this.batch = batch;
    this.decodeThreads = decodeThreads;
  }

  /**
   * Frames for the detection figures: as for the 720p ones (a quarter of the run's, 1,000 to 5,000), so the worker
   * commits several full batches after its first, which its rate leaves out.
   */
  static int frames(int runFrames) {
    return CameraBench.frames(runFrames);
  }

  /**
   * Measures the three figures into {@code report}; when the model or the scenes are missing says so and measures
   * nothing, so the figures of the rest of a run are kept.
   */
  void measure(BenchReport report, Path model, Path scenes, int frames) throws Exception {
    BenchFrames jpegs;
    InferenceToolkit loaded;
    try {
      jpegs = scenes(scenes);
      loaded = InferenceToolkit.model(ModelFolder.of(model), new Env(environment));
    } catch (IOException e) {
      System.out.println("  the detection figures are skipped: " + e.getMessage());
      report.putInfo("detector_skipped", e.getMessage());
      return;
    }
    report.putInfo("detector_model", model.getFileName().toString());
    report.putInfo("detector_frames", frames);
    report.putInfo("detector_scenes", jpegs.distinct());
    report.putInfo("detector_record_bytes", jpegs.averageRecordBytes());
    try (InferenceToolkit toolkit = loaded) {
      System.out.println("  detector " + model + ": input " + toolkit.inputDescription() + ", " + jpegs.distinct()
          + " scenes");
      ModelBench<InferenceToolkit.PreparedFrame> inProcess = ModelBench.detector(toolkit, jpegs, batch);
      report.put("detector_bare_ort_fps", Bench.step("detector: ONNX Runtime alone", () -> inProcess.bareOrtFps(frames)));
      report.put("detector_inprocess_fps", Bench.step("detector: decode + model + boxes in process",
          () -> inProcess.pipelinedFps(frames, decodeThreads)));
    }
    Map<String, String> settings = Map.of("INFERENCE_MAX_BATCH", Integer.toString(batch),
        "LABELSTREAM_MODEL_DIR", model.toAbsolutePath().toString());
    report.putInfo("detector_routing", "frame score against a pinned threshold of 0.9");
    WorkerBench.onPrefilledBroker(environment, "detector", jpegs, frames, workers ->
        report.put("detector_worker_fps", Bench.step("detector: worker, exactly once",
            () -> workers.drain("bench-worker-detector", settings, frames, Duration.ofMinutes(15)))));
  }

  /** The {@code *.jpg} scenes in {@code folder}, in name order; all must have the first one's size. */
  static BenchFrames scenes(Path folder) throws IOException {
    if (!Files.isDirectory(folder)) {
      throw new IOException("no scene folder " + folder);
    }
    List<Path> files;
    try (Stream<Path> listed = Files.list(folder)) {
      files = listed.filter(f -> f.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".jpg"))
          .sorted().toList();
    }
    if (files.isEmpty()) {
      throw new IOException("no .jpg scenes in " + folder);
    }
    List<byte[]> jpegs = new ArrayList<>();
    int[] size = null;
    for (Path file : files) {
      int[] own = size(file);
      if (size == null) {
        size = own;
      } else if (own[0] != size[0] || own[1] != size[1]) {
        throw new IOException(file + " is " + own[0] + "x" + own[1] + ", the other scenes " + size[0] + "x" + size[1]);
      }
      jpegs.add(Files.readAllBytes(file));
    }
    return BenchFrames.of(jpegs, "image/jpeg", size[0], size[1]);
  }

  /** Width and height from the JPEG's header, without decoding it. */
  private static int[] size(Path jpeg) throws IOException {
    try (ImageInputStream in = ImageIO.createImageInputStream(jpeg.toFile())) {
      ImageReader reader = ImageIO.getImageReaders(in).next();
      try {
        reader.setInput(in);
        return new int[] {reader.getWidth(0), reader.getHeight(0)};
      } finally {
        reader.dispose();
      }
    } catch (java.util.NoSuchElementException e) {
      throw new IOException(jpeg + " is not an image ImageIO reads", e);
    }
  }
}
