package io.labelstream.tools.bench;

import io.labelstream.inference.InferenceService;
import io.labelstream.kafka.embedded.EmbeddedKafkaBroker;
import io.labelstream.platform.kafka.KafkaSettings;
import io.labelstream.platform.kafka.TopicProvisioner;
import java.nio.file.Files;
import java.nio.file.Path;
import io.labelstream.inference.config.InferenceConfig;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.kafka.KafkaClients;
import io.labelstream.schemas.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The real inference worker draining frames already waiting in frames.v1. Progress is read from the consumer
 * group's committed offsets, which move only when a batch's transaction commits, so the rate counts frames whose
 * routing decisions are visible downstream. Each run uses a fresh group and so starts from the beginning.
 */
final class WorkerBench implements AutoCloseable {

  private final String bootstrapServers;
  private final Map<String, String> inferenceSettings;
  private final Admin admin;

  /**
   * @param environment the benchmark's own environment: its {@code INFERENCE_*} settings (ONNX Runtime threads,
   *     decode threads, device) reach every worker too, so the worker runs as the in-process figures were measured
   */
  WorkerBench(String bootstrapServers, Map<String, String> environment) {
    this.bootstrapServers = bootstrapServers;
    this.inferenceSettings = new HashMap<>();
    environment.forEach((name, value) -> {
      if (name.startsWith("INFERENCE_")) {
        inferenceSettings.put(name, value);
      }
    });
    this.admin = Admin.create(KafkaClients.at(bootstrapServers, "bench", null).admin("offsets", Duration.ofSeconds(60)));
  }

  /** What a bench does with workers on a broker whose frames.v1 is pre-filled. */
  interface Runs {
    void run(WorkerBench workers) throws Exception;
  }

  /**
   * Starts an embedded broker of its own, pre-fills frames.v1 with {@code n} of {@code frames} (run {@code name}),
   * lets {@code runs} drain it with workers that take {@code environment}'s INFERENCE_* settings, then removes the
   * broker and its data.
   */
  static void onPrefilledBroker(Map<String, String> environment, String name, BenchFrames frames, int n, Runs runs)
      throws Exception {
    Path dataDir = Files.createTempDirectory("labelstream-" + name + "-");
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir);
        WorkerBench workers = new WorkerBench(broker.bootstrapServers(), environment)) {
      String bootstrap = broker.bootstrapServers();
      TopicProvisioner.ensureTopics(KafkaSettings.from(new Env(Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrap))));
      Bench.step(name + ": pre-filling frames.v1", () -> {
        frames.prefill(bootstrap, name + "-prefill", n);
        return Double.NaN;
      });
      runs.run(workers);
    } finally {
      Bench.deleteRecursively(dataDir);
    }
  }

  /**
   * Starts a worker with {@code settings} in group {@code group}, waits until it has committed {@code frames}
   * frames, and returns frames per second between its first commit and that point (model loading and joining the
   * group are left out, and so are the frames of the first commit).
   */
  double drain(String group, Map<String, String> settings, long frames, Duration timeout) throws Exception {
    try (InferenceService worker = InferenceService.start(InferenceConfig.from(new Env(workerEnv(group, settings))))) {
      long deadline = System.nanoTime() + timeout.toNanos();
      long first = 0;
      long firstAt = 0;
      while (System.nanoTime() < deadline) {
        long committed = committed(group);
        long now = System.nanoTime();
        if (first == 0 && committed > 0) {
          first = committed;
          firstAt = now;
        } else if (first > 0 && committed >= frames) {
          double fps = (committed - first) / ((now - firstAt) / 1e9);
          System.out.print(breakdown(worker.port()) + " ");
          return fps;
        }
        Thread.sleep(20);
      }
      throw new IllegalStateException("worker in group " + group + " did not commit " + frames + " frames within " + timeout);
    }
  }

  /** Where a worker's time went, from its own meters: mean batch size, model and commit time per batch. */
  private static String breakdown(int port) {
    try {
      ServiceMeters meters = ServiceMeters.scrape(port);
      return String.format(java.util.Locale.ROOT, "[batch %.0f, model %.1f ms, commit %.1f ms]",
          meters.mean("labelstream_inference_batch_size"), 1e3 * meters.mean("labelstream_inference_model_time_seconds"),
          1e3 * meters.mean("labelstream_inference_commit_time_seconds"));
    } catch (Exception e) {
      return "[no meters: " + e.getMessage() + "]";
    }
  }

  Map<String, String> workerEnv(String group, Map<String, String> settings) {
    Map<String, String> env = new HashMap<>(inferenceSettings);
    env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
    env.put("HTTP_HOST", "127.0.0.1");
    env.put("INFERENCE_PORT", "0");
    env.put("INFERENCE_GROUP_ID", group);
    env.put("INFERENCE_INSTANCE_ID", group);
    // A pinned threshold: the benchmark measures the worker, not the wait for a published policy.
    env.put("INFERENCE_ROUTING_THRESHOLD", "0.9");
    env.putAll(settings);
    return env;
  }

  /** Frames the group has committed, over all partitions of frames.v1. */
  long committed(String group) throws ExecutionException, InterruptedException {
    try {
      Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
          .partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS);
      return offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(Topics.FRAMES.name()) && e.getValue() != null)
          .mapToLong(e -> e.getValue().offset()).sum();
    } catch (java.util.concurrent.TimeoutException e) {
      return 0;
    }
  }

  /** Moves a group to the end of frames.v1, so a worker in it sees only frames posted from now on. */
  void startAtEnd(String group) throws Exception {
    Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new HashMap<>();
    int partitions = admin.describeTopics(java.util.List.of(Topics.FRAMES.name())).allTopicNames().get()
        .get(Topics.FRAMES.name()).partitions().size();
    for (int p = 0; p < partitions; p++) {
      latest.put(new TopicPartition(Topics.FRAMES.name(), p), org.apache.kafka.clients.admin.OffsetSpec.latest());
    }
    Map<TopicPartition, OffsetAndMetadata> ends = new HashMap<>();
    admin.listOffsets(latest).all().get().forEach((tp, info) -> ends.put(tp, new OffsetAndMetadata(info.offset())));
    admin.alterConsumerGroupOffsets(group, ends).all().get();
  }

  @Override
  public void close() {
    admin.close();
  }
}
