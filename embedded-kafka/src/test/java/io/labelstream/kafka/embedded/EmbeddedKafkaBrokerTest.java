package io.labelstream.kafka.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaBrokerTest {

  @TempDir
  Path dataDir;

  @Test
  void shouldKeepAcceptedRecordsAcrossARestartOfTheBroker() throws Exception {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir)) {
      assertThat(broker.bootstrapServers()).startsWith("127.0.0.1:");
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
        admin.createTopics(List.of(new NewTopic("kept", 1, (short) 1))).all().get();
      }
      try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", broker.bootstrapServers(), "acks", "all"),
          new StringSerializer(), new StringSerializer())) {
        producer.send(new ProducerRecord<>("kept", "k", "survives a restart")).get();
      }
    }

    try (EmbeddedKafkaBroker restarted = EmbeddedKafkaBroker.start(dataDir);
        var consumer = new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers", restarted.bootstrapServers(),
            "group.id", "reader", "auto.offset.reset", "earliest"), new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of("kept"));
      ConsumerRecords<String, String> records = ConsumerRecords.empty();
      for (int i = 0; i < 30 && records.isEmpty(); i++) {
        records = consumer.poll(Duration.ofSeconds(1));
      }
      assertThat(records.records("kept")).extracting(r -> r.value()).containsExactly("survives a restart");
    }
  }

  @Test
  void shouldLetInOnlyClientsThatLogInWithAKnownUserAndPassword() throws Exception {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startWithSaslPlain(dataDir, Map.of("ada", "ada-secret"))) {
      try (Admin admin = Admin.create(sasl(broker, "ada", "ada-secret"))) {
        admin.createTopics(List.of(new NewTopic("guarded", 1, (short) 1))).all().get(10, TimeUnit.SECONDS);
        assertThat(admin.listTopics().names().get(10, TimeUnit.SECONDS)).contains("guarded");
      }
      try (Admin admin = Admin.create(sasl(broker, "ada", "wrong"))) {
        assertThatThrownBy(() -> admin.listTopics().names().get(10, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class)
            .hasCauseInstanceOf(SaslAuthenticationException.class);
      }
    }
    assertThat(dataDir.resolve("server.properties")).as("the format step's copy of the passwords").doesNotExist();
  }

  private static Map<String, Object> sasl(EmbeddedKafkaBroker broker, String user, String password) {
    Map<String, Object> config = new HashMap<>();
    config.put("bootstrap.servers", broker.bootstrapServers());
    config.put("security.protocol", "SASL_PLAINTEXT");
    config.put("sasl.mechanism", "PLAIN");
    config.put("sasl.jaas.config", EmbeddedKafkaBroker.plainJaasConfig(user, password));
    return config;
  }
}
