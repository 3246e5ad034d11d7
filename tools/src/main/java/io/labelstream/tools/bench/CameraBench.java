package io.labelstream.tools.bench;

import io.labelstream.inference.InferenceToolkit;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.model.ModelFolder;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The figures for a user's camera and a user's model: 1280x720 colour JPEGs through a MobileNet-sized RGB classifier,
 * once in one process without Kafka ({@code inprocess_720p_fps}: decode on the decode threads, the model on batches,
 * the next batch decoded while the model runs, as the worker overlaps them) and once through the real worker on an
 * embedded broker with frames.v1 pre-filled with the same frames ({@code worker_720p_fps}, at the defaults: every frame
 * to people; and {@code worker_720p_threshold0_fps}, every frame model-labelled). The worker should keep 90%
 * of the in-process rate: Kafka, transactions and routing must not be what a camera deployment waits on.
 */
final class CameraBench {

  /** Where the exported MobileNet goes, relative to the repository root the bench runs in. */
  static final Path MODEL_DIR = Path.of("tools", "target", "bench-models");

  private final Map<String, String> environment;
  private final int batch;
  private final int decodeThreads;

  /**
   * @param environment the benchmark's environment: its INFERENCE_* settings reach the in-process model and the
   *     worker alike
   */
  CameraBench(Map<String, String> environment, int batch, int decodeThreads) {
    this.environment = environment;
    this.batch = batch;
    this.decodeThreads = decodeThreads;
  }

  /**
   * Frames for the 720p figures: a quarter of the run's (each costs some fifty 28x28 ones), 1,000 to 5,000, so the
   * worker at the default batch of 512 commits about ten batches after the first one, which the rate leaves out. With
   * only four, the work the worker had done ahead before its first commit (the next batch in the model, the one after
   * decoding) flattered its rate by some 10-20%, and one burst of load on a shared machine swung the figure as much.
   */
  static int frames(int runFrames) {
    return Math.max(1_000, Math.min(5_000, runFrames / 4));
  }

  /**
   * Measures both figures into {@code report} on {@code model} (a .onnx with its card), or on the MobileNet exported
   * now when empty; when that export cannot run (no Python, no torch) says so and measures nothing.
   */
  void measure(BenchReport report, Optional<Path> model, int frames) throws Exception {
    Path onnx;
    if (model.isPresent()) {
      onnx = model.get();
    } else {
      System.out.printf("  %-44s ", "exporting " + TorchvisionExport.ARCH + " (random weights)…");
      System.out.flush();
      long start = System.nanoTime();
      TorchvisionExport.Result export = TorchvisionExport.mobileNet(MODEL_DIR);
      System.out.printf("%s (%.1f s)%n", export.exported() ? "done" : "not possible", ModelBench.seconds(start));
      if (!export.exported()) {
        System.out.println("  the 720p figures are skipped: " + export.skipped());
        report.putInfo("camera_720p_skipped", export.skipped());
        return;
      }
      onnx = export.onnx();
    }
    // The decode figures' camera-stream frames, so the 720p figures of one run are measured on the same images.
    BenchFrames camera = BenchFrames.of(DecodeBench.cameraStream().jpegs(), "image/jpeg", DecodeBench.WIDTH,
        DecodeBench.HEIGHT);
    report.putInfo("camera_720p_model", onnx.getFileName().toString());
    report.putInfo("camera_720p_frames", frames);
    report.putInfo("camera_720p_record_bytes", camera.averageRecordBytes());

    InferenceToolkit loaded;
    try {
      loaded = InferenceToolkit.model(ModelFolder.of(onnx), new Env(environment));
    } catch (IOException e) {
      // The other figures of the run are already measured: report this one's absence rather than lose them.
      System.out.println("  the 720p figures are skipped: " + e.getMessage());
      report.putInfo("camera_720p_skipped", e.getMessage());
      return;
    }
    try (InferenceToolkit toolkit = loaded) {
      System.out.println("  720p model " + onnx + ": input " + toolkit.inputDescription());
      ModelBench<float[]> inProcess = ModelBench.classifier(toolkit, camera, batch);
      // Not a target: tells whether the in-process figure is bound by decoding or by the model.
      report.put("bare_ort_720p_fps", Bench.step("720p: the model alone", () -> inProcess.bareOrtFps(frames)));
      report.put("inprocess_720p_fps", Bench.step("720p: decode + model in process, overlapped",
          () -> inProcess.pipelinedFps(frames, decodeThreads)));
    }

    // At the defaults: a model without validation predictions (a fresh user model, and any random-weight one) starts
    // with the policy closed, so every frame goes to people and the worker writes a review request for each.
    Map<String, String> settings = Map.of("INFERENCE_MAX_BATCH", Integer.toString(batch),
        "LABELSTREAM_MODEL_DIR", onnx.toAbsolutePath().toString());
    report.putInfo("camera_720p_routing", "defaults: policy closed, every frame sent to people");
    WorkerBench.onPrefilledBroker(environment, "720p", camera, frames, workers -> {
      report.put("worker_720p_fps", Bench.step("720p: worker, exactly once, every frame to people",
          () -> workers.drain("bench-worker-720p", settings, frames, Duration.ofMinutes(10))));
      // Threshold 0, for comparison: the model labels every frame (2% audited), so hardly any review requests.
      Map<String, String> open = new java.util.HashMap<>(settings);
      open.put("INFERENCE_ROUTING_THRESHOLD", "0");
      report.put("worker_720p_threshold0_fps", Bench.step("720p: worker, exactly once, threshold 0",
          () -> workers.drain("bench-worker-720p-threshold0", open, frames, Duration.ofMinutes(10))));
    });
  }
}
