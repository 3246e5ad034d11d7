package io.labelstream.review.state;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * Keeps the rebuild's partitions in step by record time, as Kafka Streams does within a task: a partition read more
 * than a {@code window} past the slowest one still being read waits until that one catches up.
 *
 * <p>Why: the topics are read side by side, and a small topic runs ahead of a large one. People's answers
 * ({@code review.results.v1}, one record per reviewed frame) then arrive long before the predictions they answer
 * ({@code predictions.v1}, one per frame), and whatever waits for its other half (the policy's early answers, leases
 * read before their requests) piles up in the heap: most of the answers of a ten-million-frame stream at once. Read in
 * step, a record's other half is at most a window away.
 *
 * <p>The slowest partition is never held back, so reading always goes on. A partition not read yet counts as the
 * slowest (its first record may be the oldest of all). Not thread-safe: the state reader's thread only.
 */
final class ReadingInStep {

  private final long windowMillis;
  /** The timestamp of the last record read from each partition. */
  private final Map<TopicPartition, Long> readUpTo = new HashMap<>();

  ReadingInStep(Duration window) {
    this.windowMillis = window.toMillis();
  }

  /** A record with {@code timestamp} was read from {@code partition}. */
  void read(TopicPartition partition, long timestamp) {
    readUpTo.merge(partition, timestamp, Math::max);
  }

  /**
   * The partitions of {@code reading} (those with records still to read and free to read them) that are more than the
   * window past the slowest of them.
   */
  Set<TopicPartition> ahead(Collection<TopicPartition> reading) {
    long slowest = Long.MAX_VALUE;
    for (TopicPartition partition : reading) {
      slowest = Math.min(slowest, readUpTo.getOrDefault(partition, Long.MIN_VALUE));
    }
    Set<TopicPartition> ahead = new HashSet<>();
    if (slowest == Long.MAX_VALUE) {
      return ahead;
    }
    for (TopicPartition partition : reading) {
      Long upTo = readUpTo.get(partition);
      if (upTo != null && (slowest == Long.MIN_VALUE || upTo - slowest > windowMillis)) {
        ahead.add(partition);
      }
    }
    return ahead;
  }
}
