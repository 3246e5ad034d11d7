package io.labelstream.launcher.bench;

import io.labelstream.inference.InferenceService;
import io.labelstream.inference.config.InferenceConfig;
import io.labelstream.platform.config.Env;
import io.labelstream.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Post-to-routed latency at a fixed offered load: frames are posted over HTTP at an even rate, and a frame counts as
 * routed when its prediction is visible to a read_committed reader (its transaction committed).
 */
final class LatencyBench {

  /** Latency percentiles in milliseconds. */
  record Latency(double p50, double p99, int frames) {}

  private final String bootstrapServers;
  private final IngestBench ingest;
  private final WorkerBench workers;

  LatencyBench(String bootstrapServers, IngestBench ingest, WorkerBench workers) {
    this.bootstrapServers = bootstrapServers;
    this.ingest = ingest;
    this.workers = workers;
  }

  Latency measure(String group, Map<String, String> workerSettings, double framesPerSecond, int frames) throws Exception {
    workers.startAtEnd(group);
    Map<String, Long> sentAt = new ConcurrentHashMap<>();
    Map<String, Long> routedAt = new ConcurrentHashMap<>();
    try (InferenceService worker = InferenceService.start(InferenceConfig.from(new Env(workers.workerEnv(group, workerSettings))))) {
      awaitAssigned(worker);
      KafkaConsumer<String, byte[]> watcher = watcher();
      Thread watching = new Thread(() -> watch(watcher, routedAt, frames), "bench-latency-watcher");
      watching.start();
      ingest.post(group, frames, 256, (long) (1e9 / framesPerSecond), sentAt::put);
      watching.join();
    }
    double[] millis = sentAt.entrySet().stream().filter(e -> routedAt.containsKey(e.getKey()))
        .mapToDouble(e -> (routedAt.get(e.getKey()) - e.getValue()) / 1e6).sorted().toArray();
    if (millis.length < frames) {
      throw new IllegalStateException("only " + millis.length + " of " + frames + " frames were routed in time");
    }
    return new Latency(percentile(millis, 0.50), percentile(millis, 0.99), millis.length);
  }

  private static void awaitAssigned(InferenceService worker) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!worker.assigned() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
  }

  private KafkaConsumer<String, byte[]> watcher() {
    KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> partitions = new ArrayList<>();
    consumer.partitionsFor(Topics.PREDICTIONS.name()).forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position); // resolve the end now, before frames are posted
    return consumer;
  }

  /** Notes when each frame's prediction becomes visible; gives up after five minutes. Owns and closes the consumer. */
  private static void watch(KafkaConsumer<String, byte[]> consumer, Map<String, Long> routedAt, int frames) {
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    try (consumer) {
      while (routedAt.size() < frames && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(20))) {
          routedAt.putIfAbsent(record.key(), System.nanoTime());
        }
      }
    }
  }

  static double percentile(double[] sorted, double q) {
    int index = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }
}
