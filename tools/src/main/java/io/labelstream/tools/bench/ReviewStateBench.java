package io.labelstream.tools.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labelstream.kafka.embedded.EmbeddedKafkaBroker;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.kafka.KafkaClients;
import io.labelstream.platform.kafka.KafkaSettings;
import io.labelstream.platform.kafka.TopicProvisioner;
import io.labelstream.platform.model.ModelFolder;
import io.labelstream.platform.model.ModelIdentity;
import io.labelstream.schemas.FrameIds;
import io.labelstream.schemas.TaskIds;
import io.labelstream.schemas.Topic;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.ClassProbability;
import io.labelstream.schemas.avro.FrameRecord;
import io.labelstream.schemas.avro.ImageRef;
import io.labelstream.schemas.avro.InputStats;
import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.LabelSource;
import io.labelstream.schemas.avro.Prediction;
import io.labelstream.schemas.avro.ReviewDecision;
import io.labelstream.schemas.avro.ReviewReason;
import io.labelstream.schemas.avro.ReviewRequest;
import io.labelstream.schemas.avro.ReviewResult;
import io.labelstream.schemas.avro.Route;
import io.labelstream.testsupport.FreePort;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@code ./labelstream bench --review-state}: what the review service's state costs as labels grow (issue 18). For
 * each count N, in rising order on one embedded broker: labelled frames are written as the pipeline writes them
 * (four in five labelled by the model, every fifth reviewed and answered by a person: see {@link #writeFrames}) until
 * there are N, and a review service started in a JVM of its own, as a container starts it, rebuilds its state from
 * them.
 * {@code review_ready_s_<n>}: from its start to {@code /readyz} 200; {@code review_heap_mib_<n>}: its heap in use
 * after a full collection ({@code jcmd GC.run}) once ready, what that collection left, from its GC log (its
 * {@code jvm_memory_used_bytes} read after it also counts what the service allocated since, up to a dozen MiB of
 * young garbage on a service that polls and serves, which made two runs' ratios 0.78 and 1.39);
 * {@code review_rebuild_heap_peak_mib_<n>}: the most heap in use after any collection before that, from its GC log
 * (what the rebuild held at its fullest: records of one topic read ahead of another's wait in the heap);
 * {@code review_state_disk_mib_<n>}: what its state's disk store takes; {@code review_rss_mib_<n>}: the process's
 * resident memory then (heap, the disk store's caches and buffers, code), what a container's memory limit meets.
 * Then it is stopped as a container is (SIGTERM: {@code review_stop_s_<n>}, the checkpoint of its state included;
 * {@code review_checkpoint_mib_<n>}: the checkpoint file, what the heap held, beside the store) and
 * started again on its state folder (REVIEW_STATE_DIR): {@code review_restart_ready_s_<n>}, from that start to
 * {@code /readyz} 200, going on from the checkpoint. Once that one has taken a checkpoint while running (every
 * {@link Settings#checkpointInterval}), it is killed (SIGKILL, as the OOM killer or a lost node ends it) and started
 * again: {@code review_running_checkpoint_s_<n>}: how long such a checkpoint took, on average (the queue's changes
 * wait for most of it); {@code review_running_checkpoint_extra_mib_<n>}: what the last one's copy of the store takes
 * besides the store; {@code review_crash_restart_ready_s_<n>}: from the start after the kill to {@code /readyz} 200.
 * Each start is checked to hold what the rebuilt service held.
 */
final class ReviewStateBench {

  /**
   * @param labels label counts to measure, rising
   * @param heap the review JVM's -Xmx
   * @param checkpointInterval how often the review service checkpoints its state while running
   *     (REVIEW_STATE_CHECKPOINT_INTERVAL_MS): the bench waits for one after the rebuild before it kills the service
   */
  record Settings(List<Integer> labels, String heap, Duration checkpointInterval) {

    Settings(List<Integer> labels, String heap) {
      this(labels, heap, DEFAULT_CHECKPOINT_INTERVAL);
    }

    static final List<Integer> DEFAULT_LABELS = List.of(1_000_000);
    /**
     * Less than a container with the manifests' 2 GiB limit gives it: the per-frame state is on disk, not in the heap
     * (a million labels took 2 GB of heap when it lived there).
     */
    static final String DEFAULT_HEAP = "1g";
    /** Two minutes, not the service's five: the bench waits for one. */
    static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofMinutes(2);
  }

  /** Every fifth frame goes to people, about the bundled model's share (77% labelled by the model). */
  static final int REVIEWED_ONE_IN = 5;
  /**
   * A first rebuild of ten million frames took 19.7 minutes on the shared 2-core machine (stop 44), just inside the 20
   * allowed before; at stop 45 a build that counted the statistics in Kafka Streams too ran out of them.
   */
  private static final Duration READY_WITHIN = Duration.ofMinutes(60);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private ReviewStateBench() {}

  static void measure(BenchReport report, Settings settings) throws Exception {
    report.putInfo("review_state_heap_max", settings.heap());
    ModelIdentity model = ModelIdentity.read(ModelFolder.bundled());
    Path dir = Files.createTempDirectory("labelstream-bench-review-state-");
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"))) {
      String bootstrap = broker.bootstrapServers();
      TopicProvisioner.ensureTopics(KafkaSettings.from(new Env(Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrap))));
      int written = 0;
      for (int labels : settings.labels()) {
        int more = labels - written;
        int from = written;
        Bench.step("writing " + more + " labelled frames (" + labels + " in all)", () -> {
          writeFrames(bootstrap, model, from, more);
          return Double.NaN;
        });
        written = labels;
        measureOne(report, bootstrap, labels, settings, dir);
      }
    } finally {
      Bench.deleteRecursively(dir);
    }
  }

  /** {@code review_heap_mib_1m} for 1,000,000, {@code _100k} for 100,000, the plain count otherwise. */
  static String suffix(int labels) {
    if (labels % 1_000_000 == 0) {
      return labels / 1_000_000 + "m";
    }
    return labels % 1_000 == 0 ? labels / 1_000 + "k" : Integer.toString(labels);
  }

  private static void measureOne(BenchReport report, String bootstrap, int labels, Settings settings, Path dir)
      throws Exception {
    Duration checkpointInterval = settings.checkpointInterval();
    int port = FreePort.onLoopback();
    Path state = dir.resolve("review-" + labels + "-state");
    Runs runs = new Runs(bootstrap, port, settings, dir, labels,
        Files.createDirectories(dir.resolve("review-" + labels + "-tmp")), state);
    Path log = runs.log("");
    Path gcLog = runs.gcLog("");
    long start = System.nanoTime();
    Process review = runs.start("");
    try {
      System.out.printf("  %-44s ", "review service rebuilding " + labels + " labels…");
      System.out.flush();
      awaitReady(review, port, log);
      double readySeconds = (System.nanoTime() - start) / 1e9;
      double peakMib = highestHeapAfterCollection(gcLog);
      collectGarbage(review);
      double heapMib = heapAfterFullCollection(gcLog);
      // The disk store and the final labels' Kafka Streams stores (REVIEW_STATE_DIR/partitioned).
      double diskMib = (folderBytes(state.resolve("store")) + folderBytes(state.resolve("partitioned")))
          / (1024.0 * 1024.0);
      double rssMib = residentKib(review) / 1024.0;
      String rebuiltHolds = held(port, labels);
      System.out.printf(Locale.ROOT, "ready in %.1f s, %.0f MiB of heap in use after a full collection (at most %.0f "
          + "MiB after any collection while rebuilding), %.0f MiB of state on disk, %.0f MiB resident%n", readySeconds,
          heapMib, peakMib, diskMib, rssMib);
      report.put("review_ready_s_" + suffix(labels), readySeconds);
      report.put("review_heap_mib_" + suffix(labels), heapMib);
      report.put("review_rebuild_heap_peak_mib_" + suffix(labels), peakMib);
      report.put("review_state_disk_mib_" + suffix(labels), diskMib);
      report.put("review_rss_mib_" + suffix(labels), rssMib);

      double stopSeconds = stop(review);
      if (!Files.exists(state.resolve("checkpoint"))) {
        throw new IOException("the review service left no checkpoint of its state when stopped:\n" + tail(log));
      }
      double checkpointMib = Files.size(state.resolve("checkpoint")) / (1024.0 * 1024.0);
      System.out.printf("  %-44s ", "review service restarting on its checkpoint…");
      System.out.flush();
      Path restartLog = runs.log("-restart");
      long restart = System.nanoTime();
      review = runs.start("-restart");
      double restartSeconds = readyHolding(review, port, restartLog, restart, labels, rebuiltHolds);
      System.out.printf(Locale.ROOT, "stopped in %.1f s (a checkpoint of %.1f MiB besides the store), ready again in "
          + "%.1f s%n", stopSeconds, checkpointMib, restartSeconds);
      report.put("review_stop_s_" + suffix(labels), stopSeconds);
      report.put("review_checkpoint_mib_" + suffix(labels), checkpointMib);
      report.put("review_restart_ready_s_" + suffix(labels), restartSeconds);

      System.out.printf("  %-44s ", "review service killed after a checkpoint…");
      System.out.flush();
      awaitRunningCheckpoint(review, state, checkpointInterval, restartLog);
      ServiceMeters meters = ServiceMeters.scrape(port);
      double checkpointSeconds = meters.mean("labelstream_review_state_checkpoint_seconds");
      double checkpoints = meters.value("labelstream_review_state_checkpoint_seconds_count");
      double copyExtraMib = unsharedBytes(state.resolve("running")) / (1024.0 * 1024.0);
      review.destroyForcibly(); // SIGKILL, as the kernel's OOM killer or a lost node ends it: no clean stop
      review.waitFor();
      Path crashLog = runs.log("-crash-restart");
      long crashRestart = System.nanoTime();
      review = runs.start("-crash-restart");
      double crashRestartSeconds = readyHolding(review, port, crashLog, crashRestart, labels, rebuiltHolds);
      System.out.printf(Locale.ROOT, "%.0f checkpoints while running, %.2f s each on average (%.0f MiB of the store's "
          + "files kept for the last one alone), ready again in %.1f s%n", checkpoints, checkpointSeconds,
          copyExtraMib, crashRestartSeconds);
      report.put("review_running_checkpoint_s_" + suffix(labels), checkpointSeconds);
      report.put("review_running_checkpoint_extra_mib_" + suffix(labels), copyExtraMib);
      report.put("review_crash_restart_ready_s_" + suffix(labels), crashRestartSeconds);
    } finally {
      stop(review);
    }
  }

  /**
   * Seconds from {@code startedAt} (System.nanoTime) until a service started again on its state folder is ready,
   * checked to hold what the rebuilt one held: its time is that of the whole state.
   */
  private static double readyHolding(Process review, int port, Path log, long startedAt, int labels,
      String rebuiltHolds) throws Exception {
    awaitReady(review, port, log);
    double seconds = (System.nanoTime() - startedAt) / 1e9;
    String holds = held(port, labels);
    if (!holds.equals(rebuiltHolds)) {
      throw new IOException("the review service started again on its state holds " + holds + ", the rebuilt one held "
          + rebuiltHolds + ":\n" + tail(log));
    }
    return seconds;
  }

  /**
   * What the service says it holds ({@code /v1/stats}: frames seen, model and human labels, open tasks), checked to
   * be every frame written: a restart is compared with the rebuild before it, so its time is that of the whole state.
   */
  private static String held(int port, int labels) throws Exception {
    HttpResponse<String> stats = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/stats"))
        .header("Authorization", "Bearer bench-admin-token").build(), HttpResponse.BodyHandlers.ofString());
    JsonNode body = new ObjectMapper().readTree(stats.body());
    if (stats.statusCode() != 200 || body.path("framesSeen").asLong() != labels
        || body.path("modelLabelled").asLong() + body.path("humanLabelled").asLong() != labels) {
      throw new IOException("the review service does not hold the " + labels + " labelled frames written: "
          + stats.statusCode() + " " + stats.body());
    }
    return "frames seen " + body.get("framesSeen") + ", model labels " + body.get("modelLabelled")
        + ", human labels " + body.get("humanLabelled") + ", open tasks " + body.get("queuedForReview");
  }

  /** Stops the service as a container is stopped (SIGTERM, then SIGKILL after 60 s); how long it took. */
  private static double stop(Process review) throws InterruptedException {
    long started = System.nanoTime();
    review.destroy();
    if (!review.waitFor(60, TimeUnit.SECONDS)) {
      review.destroyForcibly();
      review.waitFor();
    }
    return (System.nanoTime() - started) / 1e9;
  }

  /**
   * Waits for a checkpoint taken while running after the service became ready, so that what a kill leaves is all but
   * the last moments.
   */
  private static void awaitRunningCheckpoint(Process review, Path state, Duration interval, Path log)
      throws Exception {
    Path taken = state.resolve("running").resolve("checkpoint");
    long readyAt = System.currentTimeMillis();
    long deadline = System.nanoTime() + interval.multipliedBy(2).plusSeconds(30).toNanos();
    while (!Files.exists(taken) || Files.getLastModifiedTime(taken).toMillis() < readyAt) {
      if (System.nanoTime() > deadline || !review.isAlive()) {
        throw new IOException("the review service took no checkpoint while running:\n" + tail(log));
      }
      Thread.sleep(500);
    }
  }

  /**
   * Bytes of the files under {@code folder} that no other name links to: what the copy of the store kept by a
   * checkpoint taken while running takes besides the store (files compaction has since replaced there).
   */
  private static long unsharedBytes(Path folder) throws IOException {
    try (Stream<Path> files = Files.walk(folder)) {
      long bytes = 0;
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        if (((Number) Files.getAttribute(file, "unix:nlink")).intValue() == 1) {
          bytes += Files.size(file);
        }
      }
      return bytes;
    }
  }

  /** Bytes of the files under {@code folder}: the review state's store and checkpoint; 0 when there is none. */
  private static long folderBytes(Path folder) throws IOException {
    if (!Files.isDirectory(folder)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(folder)) {
      return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    }
  }

  /**
   * The most heap in use right after a collection, over the rebuild: what the state held at its fullest (an upper
   * bound: a young collection leaves the old generation's garbage in place), from the JVM's own GC log.
   */
  static double highestHeapAfterCollection(Path gcLog) throws IOException {
    Matcher after = Pattern.compile("->(\\d+)M\\(").matcher(Files.readString(gcLog, StandardCharsets.UTF_8));
    double highest = 0;
    while (after.find()) {
      highest = Math.max(highest, Double.parseDouble(after.group(1)));
    }
    return highest;
  }

  /** The heap the last full collection left in use (what the service keeps), from the JVM's own GC log. */
  static double heapAfterFullCollection(Path gcLog) throws IOException, InterruptedException {
    Pattern full = Pattern.compile("Pause Full .*?(\\d+)M->(\\d+)M\\(");
    for (int attempt = 0; attempt < 50; attempt++) {
      Matcher match = full.matcher(Files.readString(gcLog, StandardCharsets.UTF_8));
      double left = Double.NaN;
      while (match.find()) {
        left = Double.parseDouble(match.group(2));
      }
      if (!Double.isNaN(left)) {
        return left;
      }
      Thread.sleep(100); // the log line may follow jcmd's answer by a moment
    }
    throw new IOException("no full collection in " + gcLog);
  }

  /** The process's resident set (heap, RocksDB's memory, code): what a container's memory limit meets. */
  private static long residentKib(Process review) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(review.pid()), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IOException("no VmRSS in /proc/" + review.pid() + "/status");
  }

  /**
   * The runs of one count's review service, each in a JVM of its own on the same port and state folder, with its own
   * log and GC log named after the run ({@code ""} for the first, {@code "-restart"}, ...).
   */
  private record Runs(String bootstrap, int port, Settings settings, Path dir, int labels, Path tmp, Path state) {

    Path log(String run) {
      return dir.resolve("review-" + labels + run + ".log");
    }

    Path gcLog(String run) {
      return dir.resolve("review-" + labels + run + "-gc.log");
    }

    Process start(String run) throws IOException {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      ProcessBuilder builder = new ProcessBuilder(java, "-Xmx" + settings.heap(), "-XX:+ExitOnOutOfMemoryError",
          "-Xlog:gc:file=" + gcLog(run),
          "-Djava.io.tmpdir=" + tmp,
          "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", System.getProperty("java.class.path"),
          "io.labelstream.review.ReviewService");
      Map<String, String> env = builder.environment();
      env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
      env.put("HTTP_HOST", "127.0.0.1");
      env.put("REVIEW_PORT", Integer.toString(port));
      env.put("REVIEW_INSTANCE_ID", "bench-review-state");
      env.put("REVIEW_TOKENS", "bench-admin:bench-admin-token:admin");
      env.put("REVIEW_STATE_DIR", state.toString());
      env.put("REVIEW_STATE_CHECKPOINT_INTERVAL_MS", Long.toString(settings.checkpointInterval().toMillis()));
      builder.redirectErrorStream(true).redirectOutput(log(run).toFile());
      return builder.start();
    }
  }

  private static void awaitReady(Process review, int port, Path log) throws Exception {
    long deadline = System.nanoTime() + READY_WITHIN.toNanos();
    String lastAnswer = "none";
    while (System.nanoTime() < deadline) {
      if (!review.isAlive()) {
        throw new IOException("the review service exited with " + review.exitValue() + " before it was ready:\n"
            + tail(log));
      }
      try {
        HttpResponse<String> ready = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
            + "/readyz")).build(), HttpResponse.BodyHandlers.ofString());
        if (ready.statusCode() == 200) {
          return;
        }
        lastAnswer = ready.body();
      } catch (IOException notListeningYet) {
        // still starting
      }
      Thread.sleep(200);
    }
    // What /readyz said last names what was still being read (the state reader's offsets, Kafka Streams' partitions).
    throw new IOException("the review service was not ready within " + READY_WITHIN.toMinutes() + " minutes; /readyz "
        + "said " + lastAnswer + ":\n" + tail(log));
  }

  /** A full collection in the review JVM, so its heap in use is what it keeps, not garbage. */
  private static void collectGarbage(Process review) throws Exception {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    Process gc = new ProcessBuilder(jcmd, Long.toString(review.pid()), "GC.run").redirectErrorStream(true).start();
    String output = new String(gc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!gc.waitFor(2, TimeUnit.MINUTES) || gc.exitValue() != 0) {
      throw new IOException("jcmd GC.run failed: " + output);
    }
  }

  /**
   * {@code n} more frames as the pipeline writes them, numbered on from {@code first}: four in five labelled by the
   * model (its prediction and its MODEL label with the image reference a frame store gives it), every fifth sent to
   * people and answered (its prediction, the review request, the reviewer's answer and the HUMAN label), about the
   * bundled model's share. People's labels are what the queue and the statistics keep per task, so the bench holds
   * them too.
   */
  private static void writeFrames(String bootstrap, ModelIdentity model, int first, int n) throws Exception {
    Map<String, Object> config = KafkaClients.at(bootstrap, "bench", null).producerOneInFlight("review-state");
    config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
    AtomicReference<Exception> failed = new AtomicReference<>();
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(),
        new ByteArraySerializer())) {
      Instant now = Instant.now();
      for (int i = first; i < first + n; i++) {
        String frameId = FrameIds.random();
        int classIndex = i % 10;
        boolean reviewed = i % REVIEWED_ONE_IN == REVIEWED_ONE_IN - 1;
        double score = reviewed ? 0.5 + 0.4 * (i % 100) / 100.0 : 0.97 + 0.03 * (i % 100) / 100.0;
        ImageRef image = ImageRef.newBuilder().setStore("s3").setKey("sha256/ab/" + frameId).setSize(2_400)
            .setSha256("ab" + "0".repeat(62)).setContentType("image/png").build();
        Prediction prediction = Prediction.newBuilder()
            .setFrameId(frameId).setDeviceId("truck-" + (i % 100)).setCameraId("front")
            .setModelName(model.name()).setModelVersion(model.version())
            .setClassIndex(classIndex).setLabel("class-" + classIndex)
            .setTopK(List.of(new ClassProbability(classIndex, "class-" + classIndex, score),
                new ClassProbability((classIndex + 1) % 10, "class-" + (classIndex + 1) % 10, 1 - score)))
            .setMaxProbability(score).setMargin(2 * score - 1).setEntropy(0.1).setMutualInformation(0.01)
            .setScore(score).setThreshold(0.95).setRoute(reviewed ? Route.REVIEW : Route.MODEL_LABEL)
            .setAudited(false).setPredictedAt(now)
            .setSourcePartition(i % 6).setSourceOffset((long) i)
            .setInputStats(new InputStats(0.45, 0.2, 0.05, 0.0, 1.0))
            .build();
        send(producer, failed, Topics.PREDICTIONS, frameId, prediction);
        Label.Builder label = Label.newBuilder()
            .setFrameId(frameId).setLabel("class-" + classIndex).setClassIndex(classIndex)
            .setModelName(model.name()).setModelVersion(model.version()).setLabelledAt(now).setImageRef(image);
        if (reviewed) {
          String taskId = TaskIds.of(frameId, ReviewReason.LOW_CONFIDENCE);
          String reviewer = "reviewer-" + (i % 200);
          send(producer, failed, Topics.REVIEW_REQUESTS, frameId, ReviewRequest.newBuilder()
              .setTaskId(taskId).setFrameId(frameId).setReason(ReviewReason.LOW_CONFIDENCE).setPriority(1 - score)
              .setPrediction(prediction).setContentType("image/png").setImageRef(image)
              .setFrameRecord(new FrameRecord(i % 6, (long) i)).setRequestedAt(now).build());
          send(producer, failed, Topics.REVIEW_RESULTS, frameId, ReviewResult.newBuilder()
              .setTaskId(taskId).setFrameId(frameId).setReviewerId(reviewer)
              .setLabel("class-" + classIndex).setClassIndex(classIndex)
              .setDecision(ReviewDecision.ACCEPTED).setReason(ReviewReason.LOW_CONFIDENCE).setAgreedWithModel(true)
              .setTimeSpentMs(2_500).setSubmittedAt(now).setDecides(true).build());
          label.setSource(LabelSource.HUMAN).setReviewerIds(List.of(reviewer)).setTaskId(taskId);
        } else {
          label.setSource(LabelSource.MODEL).setConfidence(score);
        }
        send(producer, failed, Topics.LABELS, frameId, label.build());
      }
      producer.flush();
    }
    if (failed.get() != null) {
      throw failed.get();
    }
  }

  private static <V> void send(KafkaProducer<String, byte[]> producer, AtomicReference<Exception> failed,
      Topic<String, V> topic, String frameId, V value) {
    producer.send(new ProducerRecord<>(topic.name(), frameId,
        topic.valueSerde().serializer().serialize(topic.name(), value)), (metadata, error) -> remember(failed, error));
  }

  private static void remember(AtomicReference<Exception> failed, Exception error) {
    if (error != null) {
      failed.compareAndSet(null, error);
    }
  }

  private static String tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
  }
}
