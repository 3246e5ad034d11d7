package io.labelstream.review.partitioned;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** When the records that were in the inputs at start are in this instance's stores. */
class InputCatchUpTest {

  private static final TopicPartition LABELS_0 = new TopicPartition("labels.v1", 0);
  private static final TopicPartition LABELS_1 = new TopicPartition("labels.v1", 1);

  private final Map<TopicPartition, Long> committed = new HashMap<>();
  private final InputCatchUp catchUp = new InputCatchUp(Map.of(LABELS_0, 100L, LABELS_1, 50L),
      partitions -> {
        Map<TopicPartition, Long> asked = new HashMap<>(committed);
        asked.keySet().retainAll(partitions);
        return asked;
      });

  @Test
  void shouldBeCaughtUpOnceEveryLocalPartitionIsProcessedToWhereItEndedAtStart() {
    catchUp.processed("labels.v1", 0, 98);
    assertThat(catchUp.caughtUp(Set.of(LABELS_0))).isFalse();

    catchUp.processed("labels.v1", 0, 99);

    assertThat(catchUp.caughtUp(Set.of(LABELS_0))).as("labels.v1-1 is another instance's").isTrue();
    assertThat(catchUp.caughtUp(Set.of(LABELS_0, LABELS_1))).as("once true, it stays true").isTrue();
  }

  /**
   * Records fetched but not yet processed (the consumer has no lag, Kafka Streams holds them) do not count: only the
   * offset the application committed after processing them does.
   */
  @Test
  void shouldTakeACommittedOffsetAtTheEndAsCaughtUpAndNothingLess() {
    committed.put(LABELS_0, 99L);
    assertThat(catchUp.caughtUp(Set.of(LABELS_0))).isFalse();

    committed.put(LABELS_0, 100L); // processed elsewhere before the partition moved here, or a marker ends it
    assertThat(catchUp.behind()).containsKey("labels.v1-0");
    await().until(() -> catchUp.caughtUp(Set.of(LABELS_0)));
    assertThat(catchUp.behind()).containsOnlyKeys("labels.v1-1");
  }
}
