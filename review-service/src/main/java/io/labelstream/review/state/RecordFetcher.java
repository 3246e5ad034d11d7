package io.labelstream.review.state;

import io.labelstream.platform.kafka.KafkaClients;
import io.labelstream.platform.kafka.KafkaSettings;
import io.labelstream.schemas.Topic;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads one record back by its position, e.g. a flagged frame's image from {@code frames.v1}. Empty when the record
 * is gone (retention, compaction). Rare (a flag), so each read uses its own short-lived consumer.
 */
public final class RecordFetcher {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private final KafkaClients clients;

  public RecordFetcher(KafkaSettings kafka, String instanceId) {
    this.clients = new KafkaClients(kafka, "review", instanceId);
  }

  public <V> Optional<V> fetch(Topic<String, V> topic, int partition, long offset) {
    Map<String, Object> props = clients.consumer("fetch");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
        new ByteArrayDeserializer())) {
      TopicPartition tp = new TopicPartition(topic.name(), partition);
      consumer.assign(List.of(tp));
      consumer.seek(tp, offset);
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          if (record.offset() == offset && record.value() != null) {
            return Optional.of(topic.valueSerde().deserializer().deserialize(topic.name(), record.value()));
          }
          if (record.offset() > offset) {
            return Optional.empty();
          }
        }
        if (consumer.position(tp) > offset) {
          return Optional.empty();
        }
      }
      return Optional.empty();
    }
  }
}
