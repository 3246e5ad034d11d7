package io.labelstream.kafka.embedded;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Test helper: every committed record a topic holds right now, read without a consumer group. */
public final class TopicRecords {

  private TopicRecords() {}

  public static List<ConsumerRecord<String, byte[]>> readAll(String bootstrapServers, String topic) {
    return readAll(Map.of("bootstrap.servers", bootstrapServers), topic);
  }

  /** The same, for a broker that wants more than its address (security settings, for example). */
  public static List<ConsumerRecord<String, byte[]>> readAll(Map<String, Object> clientConfig, String topic) {
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.put("isolation.level", "read_committed");
    config.put("max.partition.fetch.bytes", 64 * 1024 * 1024);
    config.put("fetch.max.bytes", 64 * 1024 * 1024);
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
          .map(p -> new TopicPartition(topic, p.partition())).collect(Collectors.toList());
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("could not read " + topic + " to its end within 30 s");
        }
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      return records;
    }
  }

  /**
   * Waits until no transaction is open on any of the topic's partitions: its last stable offset (the end a
   * read_committed reader sees) has caught up with its high watermark. A producer killed mid-transaction leaves one
   * open until the transaction coordinator aborts it (its transaction timeout plus the coordinator's check interval),
   * and until then {@link #readAll} ends before it and misses whatever was committed after.
   *
   * @return how long it waited
   */
  public static Duration awaitNoOpenTransaction(String bootstrapServers, String topic, Duration atMost) {
    long start = System.nanoTime();
    long deadline = start + atMost.toNanos();
    try (KafkaConsumer<String, byte[]> committed = endReader(bootstrapServers, "read_committed");
        KafkaConsumer<String, byte[]> written = endReader(bootstrapServers, "read_uncommitted")) {
      List<TopicPartition> partitions = committed.partitionsFor(topic, Duration.ofSeconds(10)).stream()
          .map(p -> new TopicPartition(topic, p.partition())).collect(Collectors.toList());
      while (!committed.endOffsets(partitions).equals(written.endOffsets(partitions))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("a transaction on " + topic + " is still open after " + atMost);
        }
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for " + topic + "'s open transaction", e);
        }
      }
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  private static KafkaConsumer<String, byte[]> endReader(String bootstrapServers, String isolationLevel) {
    return new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrapServers, "isolation.level", isolationLevel),
        new StringDeserializer(), new ByteArrayDeserializer());
  }

  /** How many committed records each key has in a topic: exactly-once checks look for 1 everywhere. */
  public static Map<String, Long> countByKey(String bootstrapServers, String topic) {
    return readAll(bootstrapServers, topic).stream()
        .collect(Collectors.groupingBy(ConsumerRecord::key, java.util.HashMap::new, Collectors.counting()));
  }
}
