package io.labelstream.review.partitioned;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labelstream.kafka.embedded.EmbeddedKafkaExtension;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.kafka.KafkaClients;
import io.labelstream.platform.kafka.KafkaSettings;
import io.labelstream.platform.kafka.TopicProvisioner;
import io.labelstream.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-frame state refuses inputs with different numbers of partitions, which would split a frame's records
 * between Kafka Streams tasks, with a message that names them, instead of keeping half-histories.
 */
class CoPartitionedInputsIT {

  @RegisterExtension
  static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  @TempDir
  Path dir;

  @Test
  void inputsWithDifferentPartitionCountsAreRefusedByName() throws Exception {
    KafkaSettings kafka = KafkaSettings.from(new Env(Map.of("KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers())));
    int others = kafka.topicPartitions();
    try (Admin admin = Admin.create(new KafkaClients(kafka, "test", "topics").admin("topics", Duration.ofSeconds(30)))) {
      admin.createTopics(List.of(new NewTopic(Topics.PREDICTIONS.name(), others + 2, (short) 1))).all().get();
    }
    TopicProvisioner.ensureTopics(kafka);

    try (PartitionedState state = new PartitionedState(kafka, "a", dir, 0)) {
      assertThatThrownBy(() -> state.start(new HostInfo("127.0.0.1", 7001)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("as many partitions")
          .hasMessageContaining(Topics.PREDICTIONS.name() + "=" + (others + 2))
          .hasMessageContaining(Topics.LABELS.name() + "=" + others);
      assertThat(state.running()).isFalse();
    }
  }
}
