package io.labelstream.tools.bench;

import io.labelstream.inference.InferenceService;
import io.labelstream.inference.config.InferenceConfig;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.kafka.KafkaClients;
import io.labelstream.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Post-to-routed latency at a fixed offered load: frames are posted over HTTP at an even rate, and a frame counts as
 * routed when its prediction is visible to a read_committed reader (its transaction committed). A frame counts as
 * posted when ingest wrote it (its frames.v1 record timestamp, taken as ingest sends it to Kafka, on the same
 * clock), so the load generator's own queueing is left out.
 */
final class LatencyBench {

  /** Latency percentiles in milliseconds, and the load actually offered in frames per second. */
  record Latency(double p50, double p99, int frames, double offeredFps) {}

  /** Posts frames over HTTP at some rate until done, and says what rate it offered. */
  interface Load {
    double post(String run) throws Exception;
  }

  private final String bootstrapServers;
  private final WorkerBench workers;

  LatencyBench(String bootstrapServers, WorkerBench workers) {
    this.bootstrapServers = bootstrapServers;
    this.workers = workers;
  }

  /** Starts a worker with {@code workerSettings} at the end of frames.v1, offers it {@code load}, and measures. */
  Latency measure(String group, Map<String, String> workerSettings, Load load) throws Exception {
    workers.startAtEnd(group);
    Map<String, Long> postedAt = new ConcurrentHashMap<>();
    Map<String, Long> routedAt = new ConcurrentHashMap<>();
    AtomicBoolean posting = new AtomicBoolean(true);
    double offered;
    try (InferenceService worker = InferenceService.start(InferenceConfig.from(new Env(workers.workerEnv(group, workerSettings))))) {
      awaitAssigned(worker);
      KafkaConsumer<String, byte[]> watcher = watcher();
      Thread watching = new Thread(() -> watch(watcher, postedAt, routedAt, posting), "bench-latency-watcher");
      watching.start();
      try {
        offered = load.post(group);
      } finally {
        posting.set(false);
        watching.join();
      }
    }
    double[] millis = postedAt.entrySet().stream().filter(e -> routedAt.containsKey(e.getKey()))
        .mapToDouble(e -> routedAt.get(e.getKey()) - e.getValue()).sorted().toArray();
    if (millis.length < postedAt.size() || millis.length == 0) {
      throw new IllegalStateException("only " + millis.length + " of " + postedAt.size() + " frames were routed in time");
    }
    return new Latency(percentile(millis, 0.50), percentile(millis, 0.99), millis.length, offered);
  }

  private static void awaitAssigned(InferenceService worker) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!worker.assigned() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
  }

  private KafkaConsumer<String, byte[]> watcher() {
    KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
        KafkaClients.at(bootstrapServers, "bench", null).consumer("watch"), new StringDeserializer(),
        new ByteArrayDeserializer());
    List<TopicPartition> partitions = new ArrayList<>();
    for (String topic : List.of(Topics.FRAMES.name(), Topics.PREDICTIONS.name())) {
      consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
    }
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position); // resolve the end now, before frames are posted
    return consumer;
  }

  /**
   * Notes when each frame was written to frames.v1 and when its prediction became visible (wall clock, ms), until
   * posting stopped and every posted frame was routed, or five minutes passed. Owns and closes the consumer.
   */
  private static void watch(KafkaConsumer<String, byte[]> consumer, Map<String, Long> postedAt, Map<String, Long> routedAt,
      AtomicBoolean posting) {
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    try (consumer) {
      while ((posting.get() || !routedAt.keySet().containsAll(postedAt.keySet())) && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(10))) {
          if (record.topic().equals(Topics.FRAMES.name())) {
            postedAt.putIfAbsent(record.key(), record.timestamp());
          } else {
            routedAt.putIfAbsent(record.key(), System.currentTimeMillis());
          }
        }
      }
    }
  }

  static double percentile(double[] sorted, double q) {
    int index = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }
}
