package io.labelstream.kafka.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopicRecordsTest {

  @TempDir
  Path dataDir;

  /** What a killed transactional writer does to read_committed readers until its transaction is aborted. */
  @Test
  void shouldReadOnlyUpToAnOpenTransactionAndWaitUntilItIsNoLongerOpen() throws Exception {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir)) {
      String servers = broker.bootstrapServers();
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", servers))) {
        admin.createTopics(List.of(new NewTopic("answers", 1, (short) 1))).all().get();
      }
      try (KafkaProducer<String, String> stalled = transactional(servers, "stalled");
          KafkaProducer<String, String> other = transactional(servers, "other")) {
        stalled.beginTransaction();
        stalled.send(new ProducerRecord<>("answers", "a", "left open")).get();
        other.beginTransaction();
        other.send(new ProducerRecord<>("answers", "b", "committed after it")).get();
        other.commitTransaction();

        assertThat(TopicRecords.readAll(servers, "answers")).as("the committed record behind the open one").isEmpty();
        assertThatThrownBy(() -> TopicRecords.awaitNoOpenTransaction(servers, "answers", Duration.ofSeconds(1)))
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("still open");

        stalled.abortTransaction();
        TopicRecords.awaitNoOpenTransaction(servers, "answers", Duration.ofSeconds(30));
        assertThat(TopicRecords.readAll(servers, "answers")).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
            .containsExactly("committed after it");
      }
    }
  }

  private static KafkaProducer<String, String> transactional(String servers, String id) {
    KafkaProducer<String, String> producer = new KafkaProducer<>(
        Map.<String, Object>of("bootstrap.servers", servers, "transactional.id", id),
        new StringSerializer(), new StringSerializer());
    producer.initTransactions();
    return producer;
  }
}
