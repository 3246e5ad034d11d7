package io.labelstream.inference.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class FrameBatchTest {

  private static final long NEVER = Long.MAX_VALUE / 4;

  private static ConsumerRecord<String, byte[]> record(int partition, long offset) {
    return new ConsumerRecord<>("frames.v1", partition, offset, "k" + offset, new byte[0]);
  }

  private static void add(FrameBatch batch, int partition, long offset) {
    batch.add(record(partition, offset), CompletableFuture.completedFuture(null));
  }

  @Test
  void shouldBeReadyWhenFullButNotBefore() {
    FrameBatch batch = new FrameBatch(3, NEVER);
    add(batch, 0, 10);
    add(batch, 0, 11);
    assertThat(batch.ready(System.nanoTime())).isFalse();
    add(batch, 1, 4);
    assertThat(batch.full()).isTrue();
    assertThat(batch.ready(System.nanoTime())).isTrue();
  }

  @Test
  void shouldBeReadyOnceTheOldestFrameHasWaitedTheMaximumDelay() {
    FrameBatch batch = new FrameBatch(100, 1_000_000);
    assertThat(batch.ready(System.nanoTime() + 10_000_000)).as("an empty batch is never due").isFalse();
    assertThat(batch.nanosUntilDue(System.nanoTime())).isEqualTo(-1);
    add(batch, 0, 1);
    long now = System.nanoTime();
    assertThat(batch.nanosUntilDue(now)).isBetween(0L, 1_000_000L);
    assertThat(batch.ready(now + 2_000_000)).isTrue();
  }

  @Test
  void shouldCommitOnePastTheLastRecordOfEachPartitionAndRewindToTheFirst() {
    FrameBatch batch = new FrameBatch(10, NEVER);
    add(batch, 0, 10);
    add(batch, 2, 7);
    add(batch, 0, 11);
    add(batch, 0, 12);

    assertThat(batch.offsetsToCommit()).containsOnly(
        org.assertj.core.api.Assertions.entry(new TopicPartition("frames.v1", 0), new OffsetAndMetadata(13)),
        org.assertj.core.api.Assertions.entry(new TopicPartition("frames.v1", 2), new OffsetAndMetadata(8)));
    assertThat(batch.firstOffsets()).containsOnly(
        org.assertj.core.api.Assertions.entry(new TopicPartition("frames.v1", 0), 10L),
        org.assertj.core.api.Assertions.entry(new TopicPartition("frames.v1", 2), 7L));
  }
}
