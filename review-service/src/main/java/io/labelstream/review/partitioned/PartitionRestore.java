package io.labelstream.review.partitioned;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;

/**
 * How far this instance has restored the partitions it was given from their changelogs, for {@code /readyz}: a
 * partition that moves here (a start without its state folder, an instance that died) is served once restored.
 */
final class PartitionRestore implements StateRestoreListener {

  /** Per partition being restored: records to restore, and restored so far. */
  private final Map<TopicPartition, long[]> restoring = new ConcurrentHashMap<>();

  @Override
  public void onRestoreStart(TopicPartition partition, String store, long startingOffset, long endingOffset) {
    restoring.put(partition, new long[] {Math.max(0, endingOffset - startingOffset), 0});
  }

  @Override
  public void onBatchRestored(TopicPartition partition, String store, long batchEndOffset, long numRestored) {
    long[] progress = restoring.get(partition);
    if (progress != null) {
      progress[1] += numRestored;
    }
  }

  @Override
  public void onRestoreEnd(TopicPartition partition, String store, long totalRestored) {
    restoring.remove(partition);
  }

  @Override
  public void onRestoreSuspended(TopicPartition partition, String store, long totalRestored) {
    restoring.remove(partition);
  }

  /** Partitions being restored now, records restored and still to restore in them. */
  Map<String, Object> detail() {
    long toRestore = 0;
    long restored = 0;
    for (long[] progress : restoring.values()) {
      toRestore += progress[0];
      restored += progress[1];
    }
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("partitionsRestoring", restoring.size());
    detail.put("recordsRestored", restored);
    detail.put("recordsToRestore", toRestore);
    return detail;
  }
}
