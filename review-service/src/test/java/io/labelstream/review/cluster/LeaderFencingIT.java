package io.labelstream.review.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.labelstream.kafka.embedded.EmbeddedKafkaExtension;
import io.labelstream.kafka.embedded.TopicRecords;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.kafka.KafkaClients;
import io.labelstream.platform.kafka.KafkaSettings;
import io.labelstream.platform.kafka.TopicProvisioner;
import io.labelstream.platform.kafka.TopicRoutedSerializer;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.TaskLease;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the review queue's safety rests on, shown on a real broker: once the leader group has moved on, a transaction
 * committed with the old leader's group metadata is refused, and nothing it wrote becomes visible; the same write
 * with the new leader's metadata commits.
 */
class LeaderFencingIT {

  @RegisterExtension
  static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  private static final LeaderElection.Listener NOTHING = new LeaderElection.Listener() {
    @Override
    public void elected() {
    }

    @Override
    public void deposed() {
    }
  };

  @Test
  void shouldRefuseAQueueChangeFencedWithADeposedLeadersGroupMetadata() throws Exception {
    KafkaSettings kafka = KafkaSettings.from(new Env(Map.of("KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers())));
    TopicProvisioner.ensureTopics(kafka);
    LeaderElection first = new LeaderElection(kafka, "first");
    first.start(NOTHING);
    await().atMost(Duration.ofSeconds(60)).until(first::isLeader);
    ConsumerGroupMetadata deposed = first.fencingMetadata();
    Map<TopicPartition, Long> deposedOffset = first.fencingOffset();

    LeaderElection second = new LeaderElection(kafka, "second");
    try {
      second.start(NOTHING);
      first.close(); // the first leader's group membership ends; the second takes the partition
      await().atMost(Duration.ofSeconds(60)).until(second::isLeader);

      try (KafkaProducer<String, Object> zombie = producer("zombie")) {
        zombie.beginTransaction();
        zombie.send(new ProducerRecord<>(Topics.REVIEW_LEASES.name(), "frame-z", lease("zombie-task")));
        assertThatThrownBy(() -> {
          zombie.sendOffsetsToTransaction(offsets(deposedOffset), deposed);
          zombie.commitTransaction();
        }).isInstanceOf(KafkaException.class);
        zombie.abortTransaction();
      }
      try (KafkaProducer<String, Object> leader = producer("leader")) {
        leader.beginTransaction();
        leader.send(new ProducerRecord<>(Topics.REVIEW_LEASES.name(), "frame-l", lease("leader-task")));
        leader.sendOffsetsToTransaction(offsets(second.fencingOffset()), second.fencingMetadata());
        leader.commitTransaction();
      }
    } finally {
      second.close();
    }

    List<String> visible = TopicRecords.readAll(KAFKA.bootstrapServers(), Topics.REVIEW_LEASES.name()).stream()
        .map(r -> Topics.REVIEW_LEASES.valueSerde().deserializer().deserialize(r.topic(), r.value()).getTaskId())
        .toList();
    assertThat(visible).containsExactly("leader-task");
  }

  private static KafkaProducer<String, Object> producer(String id) {
    KafkaProducer<String, Object> producer = new KafkaProducer<>(
        KafkaClients.at(KAFKA.bootstrapServers(), "fencing-it", id).transactionalProducer("queue"),
        new StringSerializer(), new TopicRoutedSerializer());
    producer.initTransactions();
    return producer;
  }

  private static Map<TopicPartition, OffsetAndMetadata> offsets(Map<TopicPartition, Long> positions) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    positions.forEach((partition, offset) -> offsets.put(partition, new OffsetAndMetadata(offset)));
    return offsets;
  }

  private static TaskLease lease(String taskId) {
    Instant now = Instant.now();
    return TaskLease.newBuilder().setTaskId(taskId).setFrameId("frame").setVersion(1).setReviewerId("ada")
        .setClaimedAt(now).setExpiresAt(now.plusSeconds(60)).setWrittenBy("test").setWrittenAt(now).build();
  }
}
