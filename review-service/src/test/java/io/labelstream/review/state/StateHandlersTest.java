package io.labelstream.review.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labelstream.schemas.Topic;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.ReviewLeader;
import io.labelstream.schemas.avro.TaskLease;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class StateHandlersTest {

  private final StateHandlers handlers = new StateHandlers();
  private final List<String> applied = new ArrayList<>();

  @Test
  void shouldHandEachRecordToItsTopicsHandlersInTheOrderTheyRegistered() {
    handlers.on(Topics.REVIEW_LEASES, lease -> applied.add("queue " + lease.getTaskId()))
        .onRecord(Topics.REVIEW_LEASES, (record, lease) -> applied.add("history " + lease.getTaskId() + "@" + record.offset()))
        .onRaw(Topics.DATASETS, record -> applied.add("datasets " + record.key()));

    handlers.apply(record(Topics.REVIEW_LEASES, "f1", 7, lease("t1")));
    handlers.apply(new ConsumerRecord<>(Topics.DATASETS.name(), 0, 3, "d1", null));

    assertThat(applied).containsExactly("queue t1", "history t1@7", "datasets d1");
    assertThat(handlers.topics()).containsExactly(Topics.REVIEW_LEASES, Topics.DATASETS);
  }

  @Test
  void shouldStopAtTheFirstHandlerThatFailsAndReportTheRecordUnreadable() {
    handlers.on(Topics.REVIEW_LEASES, lease -> {
      throw new IllegalStateException("broken");
    }).on(Topics.REVIEW_LEASES, lease -> applied.add("after"));

    assertThatThrownBy(() -> handlers.apply(record(Topics.REVIEW_LEASES, "f1", 0, lease("t1"))))
        .hasMessage("broken");
    assertThatThrownBy(() -> handlers.apply(new ConsumerRecord<>(Topics.REVIEW_LEASES.name(), 0, 1, "f1",
        "not avro".getBytes(StandardCharsets.UTF_8)))).isInstanceOf(RuntimeException.class);
    assertThat(applied).isEmpty();
  }

  @Test
  void shouldTreatATombstoneAsTheTopicSays() {
    handlers.on(Topics.REVIEW_LEASES, lease -> applied.add("lease"));
    handlers.skipTombstones(Topics.LABELS).on(Topics.LABELS, label -> applied.add("label"));
    handlers.deliverTombstones(Topics.REVIEW_LEADER).on(Topics.REVIEW_LEADER, (ReviewLeader leader) ->
        applied.add("leader " + leader));

    assertThatThrownBy(() -> handlers.apply(tombstone(Topics.REVIEW_LEASES))).hasMessageContaining("tombstone");
    handlers.apply(tombstone(Topics.LABELS));
    handlers.apply(tombstone(Topics.REVIEW_LEADER));

    assertThat(applied).containsExactly("leader null");
  }

  private static ConsumerRecord<String, byte[]> tombstone(Topic<String, ?> topic) {
    return new ConsumerRecord<>(topic.name(), 0, 0, "k", null);
  }

  private static <V> ConsumerRecord<String, byte[]> record(Topic<String, V> topic, String key, long offset, V value) {
    return new ConsumerRecord<>(topic.name(), 0, offset, key, topic.valueSerde().serializer().serialize(topic.name(), value));
  }

  private static TaskLease lease(String taskId) {
    return TaskLease.newBuilder().setTaskId(taskId).setFrameId("f-" + taskId).setVersion(1).setReviewerId("ada")
        .setClaimedAt(Instant.EPOCH).setExpiresAt(Instant.EPOCH.plusSeconds(60)).setSkippedBy(List.of())
        .setWrittenBy("test").setWrittenAt(Instant.EPOCH).build();
  }
}
