package io.labelstream.tools.bench;

import io.labelstream.inference.InferenceToolkit;
import io.labelstream.kafka.embedded.EmbeddedKafkaBroker;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.config.InferenceVariables;
import io.labelstream.platform.config.LauncherVariables;
import io.labelstream.platform.kafka.KafkaClients;
import io.labelstream.platform.kafka.KafkaSettings;
import io.labelstream.platform.kafka.TopicProvisioner;
import io.labelstream.schemas.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * {@code ./labelstream bench}: every throughput and latency figure of the inference path, measured in one run on
 * this machine against baselines measured in the same run, on the bundled model and sample images and an embedded
 * broker, and then the same for 1280x720 colour camera frames on a MobileNet exported at bench time
 * ({@link CameraBench}) and for 640x480 JPEG scenes on the bundled detector ({@link DetectorBench}). Prints a table;
 * {@code --json FILE} also writes the figures as JSON.
 *
 * <p>Modes that measure one part only: {@code --quick} (model and workers), {@code --ingest}, {@code --decode},
 * {@code --720p}, {@code --detector}, {@code --store}, and {@code --review [--reviewers N] [--warm-up S] [--seconds S]
 * [--tasks N] [--rate R]}: the review queue's throughput with N simulated reviewers (default 200) claiming and
 * answering over HTTP against one review instance, as fast as they are served or R answers/s together
 * ({@link ReviewBench}); {@code --review-state [--labels N[,N...]] [--state-heap SIZE]}: the review service's heap and
 * restart-to-ready time holding N labels ({@link ReviewStateBench}).
 */
public final class Bench {

  private static final String PRODUCER_TOPIC = "bench-producer-performance";

  /**
   * Load for single-frame ingest: a fleet of many devices, one connection each. Measured here: 64 connections
   * left the service waiting on Kafka's round trips (15k frames/s), 256 gave 22k, 512 25k, 1,024 no more.
   */
  private static final int INGEST_CONNECTIONS = 512;
  /** Load for batch ingest: fewer gateways, each sending bursts of {@link #BATCH_FRAMES} frames per request. */
  private static final int BATCH_CONNECTIONS = 64;
  /**
   * About a second of one camera's frames. Measured against the stock producer in the same runs: 16 frames per
   * request gave 0.52 of it, 32 gave 0.67, 64 (on 32 connections) 0.65.
   */
  private static final int BATCH_FRAMES = 32;
  /**
   * Records for the stock producer: about as many seconds as the wrk runs, so both sides are measured warm (100,000
   * records took 1.5 to 2.4 s, mostly the JVM warming up, and made the baseline 10 to 25% lower).
   */
  private static final int PRODUCER_RECORDS = 600_000;

  private Bench() {}

  public static void run(Map<String, String> environment, String[] args) throws Exception {
    Env env = new Env(environment);
    Path json = option(args, "--json").map(Path::of).orElse(null);
    int frames = option(args, "--frames").map(Integer::parseInt).orElse(20_000);
    int batch = env.get(InferenceVariables.INFERENCE_MAX_BATCH);
    int decodeThreads = env.find(InferenceVariables.INFERENCE_DECODE_THREADS)
        .orElseGet(() -> Runtime.getRuntime().availableProcessors());
    int batch1Frames = Math.min(frames, 2_000);
    // --quick: only the model and the exactly-once / at-least-once workers, for tuning settings
    boolean quick = java.util.Arrays.asList(args).contains("--quick");
    // --ingest: only HTTP ingest against the stock Kafka producer, for tuning ingest
    boolean ingestOnly = java.util.Arrays.asList(args).contains("--ingest");
    // --decode: only the 720p decode figures, production decoder against ImageIO
    boolean decodeOnly = java.util.Arrays.asList(args).contains("--decode");
    // --720p: only the 1280x720 colour-frame figures (--camera-model FILE.onnx: on that model, with its card,
    // instead of the MobileNet exported now)
    boolean only720p = java.util.Arrays.asList(args).contains("--720p");
    Optional<Path> cameraModel = option(args, "--camera-model").map(Path::of);
    // --detector: only the detection figures, on 640x480 JPEG scenes (--detector-model FILE.onnx: on that model,
    // with its card, instead of the bundled detector; --scenes DIR: on that folder's .jpg files instead of the
    // bundled detector's sample scenes)
    boolean detectorOnly = java.util.Arrays.asList(args).contains("--detector");
    Path detectorModel = option(args, "--detector-model").map(Path::of).orElse(DetectorBench.BUNDLED_MODEL);
    Path scenes = option(args, "--scenes").map(Path::of)
        .orElseGet(() -> env.get(LauncherVariables.LABELSTREAM_SAMPLES).resolve(DetectorBench.SCENES));
    // --review-state: the review service's heap and restart time holding N labels (--labels N[,N...], --state-heap)
    if (java.util.Arrays.asList(args).contains("--review-state")) {
      ReviewStateBench.Settings settings = new ReviewStateBench.Settings(
          option(args, "--labels").map(list -> java.util.Arrays.stream(list.split(",")).map(String::trim)
              .map(Integer::parseInt).sorted().toList()).orElse(ReviewStateBench.Settings.DEFAULT_LABELS),
          option(args, "--state-heap").orElse(ReviewStateBench.Settings.DEFAULT_HEAP));
      BenchReport report = new BenchReport();
      System.out.printf("LabelStream review state benchmark: %s labels, %s%n", settings.labels(), report.machine());
      ReviewStateBench.measure(report, settings);
      finish(report, json);
      return;
    }
    // --review: only the review queue, reviewers claiming and answering as fast as it serves them, or at --rate
    // answers/s for the whole team (--reviewers N, --warm-up S, --seconds S, --tasks N, --rate R)
    if (java.util.Arrays.asList(args).contains("--review")) {
      ReviewBench.Settings settings = new ReviewBench.Settings(
          option(args, "--reviewers").map(Integer::parseInt).orElse(ReviewBench.Settings.DEFAULT_REVIEWERS),
          option(args, "--warm-up").map(s -> Duration.ofSeconds(Long.parseLong(s)))
              .orElse(ReviewBench.Settings.DEFAULT_WARM_UP),
          option(args, "--seconds").map(s -> Duration.ofSeconds(Long.parseLong(s)))
              .orElse(ReviewBench.Settings.DEFAULT_MEASURED),
          option(args, "--tasks").map(Integer::parseInt).orElse(ReviewBench.Settings.DEFAULT_TASKS),
          option(args, "--rate").map(Double::parseDouble).orElse(0.0));
      BenchReport report = new BenchReport();
      System.out.printf("LabelStream review benchmark: %d reviewers%s, %s%n", settings.reviewers(),
          settings.rate() > 0 ? " aiming at " + settings.rate() + " answers/s together" : "", report.machine());
      ReviewBench.measure(report, env.get(LauncherVariables.LABELSTREAM_SAMPLES), settings);
      finish(report, json);
      ReviewBench.requireCorrect(report);
      return;
    }
    BenchReport report = new BenchReport(frames, batch, batch1Frames);
    BenchFrames samples = BenchFrames.load(env.get(LauncherVariables.LABELSTREAM_SAMPLES));

    System.out.printf("LabelStream benchmark: %d frames, batch %d, %s%n", frames, batch, report.machine());
    CameraBench camera = new CameraBench(environment, batch, decodeThreads);
    DetectorBench detector = new DetectorBench(environment, batch, decodeThreads);
    if (detectorOnly) {
      detector.measure(report, detectorModel, scenes, DetectorBench.frames(frames));
      finish(report, json);
      return;
    }
    // --store: only HTTP ingest with the frame store against ingest with inline images, 300 KB frames and a size sweep
    if (java.util.Arrays.asList(args).contains("--store")) {
      StoreBench.measure(report, option(args, "--rounds").map(Integer::parseInt).orElse(6));
      finish(report, json);
      return;
    }
    if (only720p) {
      camera.measure(report, cameraModel, CameraBench.frames(frames));
      finish(report, json);
      return;
    }
    if (ingestOnly) {
      Path dir = Files.createTempDirectory("labelstream-bench-");
      try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir);
          IngestBench ingest = new IngestBench(broker.bootstrapServers(), samples)) {
        TopicProvisioner.ensureTopics(KafkaSettings.from(new Env(Map.of("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers()))));
        createTopic(broker.bootstrapServers(), PRODUCER_TOPIC);
        // The full run warms ingest with the Java client first; so does this one, for comparable figures.
        step("warming up ingest", () -> ingest.wrkFps("bench-warm", INGEST_CONNECTIONS, 10).orElse(Double.NaN));
        step("warming up batch ingest", () -> ingest.wrkBatchFps("bench-warm-batch", BATCH_CONNECTIONS, 5, BATCH_FRAMES).orElse(Double.NaN));
        measureIngest(report, ingest, samples.averageRecordBytes());
        report.printTable(System.out);
      } finally {
        deleteRecursively(dir);
      }
      return;
    }
    measureDecode(report);
    if (decodeOnly) {
      finish(report, json);
      return;
    }
    try (InferenceToolkit model = InferenceToolkit.bundledModel(env)) {
      ModelBench<float[]> models = ModelBench.classifier(model, samples, batch);
      report.put("bare_ort_fps", step("ONNX Runtime alone", () -> models.bareOrtFps(frames)));
      report.put("inprocess_fps", step("decode + ONNX Runtime in process", () -> models.inProcessFps(frames, decodeThreads)));
      report.put("decode_fps_per_core", step("decode on one core", () -> models.decodeFpsPerCore(frames)));
    }

    Path dataDir = Files.createTempDirectory("labelstream-bench-");
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir)) {
      String bootstrap = broker.bootstrapServers();
      TopicProvisioner.ensureTopics(KafkaSettings.from(new Env(Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrap))));
      step("pre-filling frames.v1", () -> {
        samples.prefill(bootstrap, "bench-prefill", frames);
        return Double.NaN;
      });
      Map<String, String> batched = Map.of("INFERENCE_MAX_BATCH", Integer.toString(batch));
      Map<String, String> batchOne = Map.of("INFERENCE_MAX_BATCH", "1");
      Map<String, String> atLeastOnce = Map.of("INFERENCE_MAX_BATCH", Integer.toString(batch), "INFERENCE_EXACTLY_ONCE", "false");
      Duration timeout = Duration.ofMinutes(10);
      try (WorkerBench workers = new WorkerBench(bootstrap, environment)) {
        report.put("worker_fps", step("worker, exactly once", () -> workers.drain("bench-worker", batched, frames, timeout)));
        report.put("worker_at_least_once_fps", step("worker, at least once", () -> workers.drain("bench-worker-alo", atLeastOnce, frames, timeout)));
        if (quick) {
          report.printTable(System.out);
          return;
        }
        report.put("worker_batch1_fps", step("worker, max batch 1", () -> workers.drain("bench-worker-batch1", batchOne, batch1Frames, timeout)));

        int ingestFrames = Math.min(frames, 10_000);
        int recordBytes = samples.averageRecordBytes();
        report.putInfo("record_bytes", recordBytes);
        createTopic(bootstrap, PRODUCER_TOPIC);
        try (IngestBench ingest = new IngestBench(bootstrap, samples)) {
          report.put("ingest_java_client_fps", step("HTTP ingest, acks=all, Java client", () -> ingest.httpFps("bench-ingest", ingestFrames, 64)));
          if (IngestBench.wrkInstalled()) {
            step("warming up batch ingest", () -> ingest.wrkBatchFps("bench-warm-batch", BATCH_CONNECTIONS, 5, BATCH_FRAMES).orElse(Double.NaN));
            measureIngest(report, ingest, recordBytes);
          } else {
            report.put("ingest_single_fps", report.get("ingest_java_client_fps"));
            report.putInfo("ingest_load_generator", "java.net.http.HttpClient");
            report.put("kafka_producer_fps", step("Kafka ProducerPerformance, acks=all", () -> ingest.kafkaProducerFps(PRODUCER_TOPIC, PRODUCER_RECORDS, recordBytes)));
          }

          double capacity = Math.min(report.get("worker_fps"), report.get("ingest_single_fps"));
          double offered = 0.5 * capacity;
          int latencyFrames = (int) Math.max(500, Math.min(3_000, offered * 15));
          LatencyBench latency = new LatencyBench(bootstrap, workers);
          // wrk, where installed, paces the load from C and leaves the cores to the services; otherwise the Java
          // client posts a fixed number of frames. The batch-1 worker usually cannot keep up with this load, so its
          // run is short to keep the wait bounded (its latency only grows with a longer run: the comparison does not
          // flatter batching).
          boolean paced = IngestBench.wrkInstalled();
          report.putInfo("latency_load_generator", paced ? "wrk" : "java.net.http.HttpClient");
          int batch1LatencyFrames = (int) Math.min(latencyFrames, Math.max(200, 20 * report.get("worker_batch1_fps")));
          LatencyBench.Load load = paced ? run -> ingest.wrkPaced(run, offered, 15).orElseThrow()
              : run -> ingest.postPaced(run, latencyFrames, offered);
          LatencyBench.Load shortLoad = paced ? run -> ingest.wrkPaced(run, offered, 3).orElseThrow()
              : run -> ingest.postPaced(run, batch1LatencyFrames, offered);
          LatencyBench.Latency batchedLatency = latency.measure("bench-latency", batched, load);
          report.put("offered_fps", batchedLatency.offeredFps());
          report.put("e2e_p50_ms", batchedLatency.p50());
          report.put("e2e_p99_ms", batchedLatency.p99());
          printLatency("post-to-routed latency", batchedLatency);
          LatencyBench.Latency oneLatency = latency.measure("bench-latency-batch1", batchOne, shortLoad);
          report.put("e2e_batch1_p50_ms", oneLatency.p50());
          report.put("e2e_batch1_p99_ms", oneLatency.p99());
          printLatency("post-to-routed latency, max batch 1", oneLatency);
        }
      }
    } finally {
      deleteRecursively(dataDir);
    }
    try {
      camera.measure(report, cameraModel, CameraBench.frames(frames));
    } catch (Exception e) {
      // Last in the run: a model or decoder that cannot take colour frames must not cost the figures above.
      System.out.println("  the 720p figures failed: " + e);
      report.putInfo("camera_720p_failed", e.toString());
    }
    try {
      detector.measure(report, detectorModel, scenes, DetectorBench.frames(frames));
    } catch (Exception e) {
      System.out.println("  the detection figures failed: " + e);
      report.putInfo("detector_failed", e.toString());
    }
    finish(report, json);
  }

  private static void finish(BenchReport report, Path json) throws java.io.IOException {
    report.printTable(System.out);
    if (json != null) {
      report.writeJson(json);
      System.out.println("figures written to " + json);
    }
  }

  interface Measurement {
    double run() throws Exception;
  }

  static double step(String what, Measurement measurement) throws Exception {
    System.out.printf("  %-44s ", what + "…");
    System.out.flush();
    long start = System.nanoTime();
    double value = measurement.run();
    System.out.printf("%s (%.1f s)%n", Double.isNaN(value) ? "done" : String.format("%.0f frames/s", value),
        ModelBench.seconds(start));
    return value;
  }

  private static void printLatency(String what, LatencyBench.Latency latency) {
    System.out.printf("  %-44s p50 %.1f ms, p99 %.1f ms at %.0f frames/s%n", what, latency.p50(), latency.p99(),
        latency.offeredFps());
  }

  /**
   * HTTP ingest, one frame per request and in batches, then the stock producer on records of the same size, in
   * that order on the same broker and cores.
   */
  private static void measureIngest(BenchReport report, IngestBench ingest, int recordBytes) throws Exception {
    report.put("ingest_single_fps", step("HTTP ingest, acks=all, wrk, 1 frame per request",
        () -> ingest.wrkFps("bench-wrk", INGEST_CONNECTIONS, 10).orElse(Double.NaN)));
    report.put("ingest_fps", step("HTTP ingest, acks=all, wrk, " + BATCH_FRAMES + " frames per request",
        () -> ingest.wrkBatchFps("bench-wrk-batch", BATCH_CONNECTIONS, 10, BATCH_FRAMES).orElse(Double.NaN)));
    report.putInfo("ingest_load_generator", "wrk");
    report.putInfo("ingest_single_connections", INGEST_CONNECTIONS);
    report.putInfo("ingest_batch_connections", BATCH_CONNECTIONS);
    report.putInfo("ingest_batch_frames", BATCH_FRAMES);
    report.put("kafka_producer_fps", step("Kafka ProducerPerformance, acks=all",
        () -> ingest.kafkaProducerFps(PRODUCER_TOPIC, PRODUCER_RECORDS, recordBytes)));
  }

  /**
   * 1280x720 colour JPEG to a 224x224 RGB input on one core, the production decoder against plain ImageIO: on frames
   * as dense as a camera stream's (the main figures), then on denser ones.
   */
  private static void measureDecode(BenchReport report) throws Exception {
    report.putInfo("jpeg_decoder", InferenceToolkit.jpegDecoder());
    measureDecode(report, "decode_720p", "720p camera-stream JPEG to 224x224 input", DecodeBench.cameraStream());
    measureDecode(report, "decode_720p_dense", "720p dense JPEG to 224x224 input", DecodeBench.dense());
  }

  /** One set of frames: {@code <prefix>_fps_per_core} against {@code <prefix>_imageio_fps_per_core}. */
  private static void measureDecode(BenchReport report, String prefix, String what, DecodeBench frames)
      throws Exception {
    report.putInfo(prefix + "_jpeg_bytes", frames.averageJpegBytes());
    report.putInfo(prefix + "_bits_per_pixel", Math.round(frames.bitsPerPixel() * 100) / 100.0);
    DecodeBench.Rates rates = decodeStep(what, frames);
    report.put(prefix + "_fps_per_core", rates.production());
    report.put(prefix + "_imageio_fps_per_core", rates.imageIo());
  }

  private static DecodeBench.Rates decodeStep(String what, DecodeBench bench) throws Exception {
    System.out.printf("  %-44s ", what + "…");
    System.out.flush();
    long start = System.nanoTime();
    DecodeBench.Rates rates = bench.rates(6);
    System.out.printf("%.0f frames/s, ImageIO %.0f, one core each (%.1f s)%n", rates.production(), rates.imageIo(),
        ModelBench.seconds(start));
    return rates;
  }

  private static void createTopic(String bootstrap, String name) throws Exception {
    try (Admin admin = Admin.create(KafkaClients.at(bootstrap, "bench", null).admin("topics", Duration.ofSeconds(60)))) {
      int partitions = admin.describeTopics(List.of(Topics.FRAMES.name())).allTopicNames().get()
          .get(Topics.FRAMES.name()).partitions().size();
      Map<String, String> configs = new HashMap<>();
      configs.put("max.message.bytes", Integer.toString(16 * 1024 * 1024));
      admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs))).all().get();
    }
  }

  private static Optional<String> option(String[] args, String name) {
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals(name)) {
        return Optional.of(args[i + 1]);
      }
    }
    return Optional.empty();
  }

  static void deleteRecursively(Path dir) throws java.io.IOException {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
