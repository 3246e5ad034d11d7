package io.labelstream.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labelstream.kafka.embedded.EmbeddedKafkaExtension;
import io.labelstream.kafka.embedded.TopicRecords;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * On a real broker: a writer fenced by a second producer with its transactional id closes its producer, writes
 * the next transaction with a new one, and its meters describe that new producer.
 */
class TransactionalWriterIT {

  @RegisterExtension
  static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  private static final String TOPIC = "transactional-writer-it";

  @Test
  void shouldRecoverFromBeingFencedWithANewProducerWhoseMetersItShows() throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", KAFKA.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
    }
    KafkaClients clients = KafkaClients.at(KAFKA.bootstrapServers(), "test", "w1");
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (TransactionalWriter<String, String> writer = new TransactionalWriter<>(() -> new KafkaProducer<>(
        clients.transactionalProducer("writer"), new StringSerializer(), new StringSerializer()))) {
      writer.meters().bindTo(registry);
      writer.initTransactions();
      writer.commit(List.of(record("before")), Map.of(), null);

      try (KafkaProducer<String, String> usurper = new KafkaProducer<>(clients.transactionalProducer("usurper"),
          new StringSerializer(), new StringSerializer())) {
        usurper.initTransactions(); // same transactional id: the writer's producer is fenced
      }
      assertThatThrownBy(() -> writer.commit(List.of(record("fenced")), Map.of(), null))
          .isInstanceOf(KafkaException.class)
          .matches(TransactionalWriter::isFatal, "is fatal to the producer");
      for (String value : List.of("after-1", "after-2", "after-3")) {
        writer.commit(List.of(record(value)), Map.of(), null);
      }

      FunctionCounter sent = registry.get("kafka.producer.record.send.total").functionCounter();
      assertThat(sent.getId().getTag("client.id")).isEqualTo("labelstream-test-writer-w1");
      assertThat(sent.count()).as("records sent by the producer in use, which started after the fence").isEqualTo(3);
    }

    assertThat(TopicRecords.readAll(KAFKA.bootstrapServers(), TOPIC))
        .extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
        .containsExactly("before", "after-1", "after-2", "after-3");
  }

  private static ProducerRecord<String, String> record(String value) {
    return new ProducerRecord<>(TOPIC, "key", value);
  }
}
