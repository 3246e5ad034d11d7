package io.labelstream.inference.worker;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Records collected across polls for one model call and one Kafka transaction, each already being decoded on the
 * decode pool. A batch is ready when it holds the maximum number of frames or its oldest record has waited the
 * maximum delay. Per partition it covers one contiguous run of offsets, so committing it never skips a record.
 */
final class FrameBatch {

  private final int maxSize;
  private final long maxDelayNanos;
  private final List<Future<DecodedFrame>> decoding = new ArrayList<>();
  private final Map<TopicPartition, Long> firstOffsets = new HashMap<>();
  private final Map<TopicPartition, Long> nextOffsets = new HashMap<>();
  private long openedAt;

  FrameBatch(int maxSize, long maxDelayNanos) {
    this.maxSize = maxSize;
    this.maxDelayNanos = maxDelayNanos;
  }

  void add(ConsumerRecord<String, byte[]> record, Future<DecodedFrame> decoded) {
    if (decoding.isEmpty()) {
      openedAt = System.nanoTime();
    }
    decoding.add(decoded);
    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
    firstOffsets.putIfAbsent(partition, record.offset());
    nextOffsets.put(partition, record.offset() + 1);
  }

  boolean isEmpty() {
    return decoding.isEmpty();
  }

  int size() {
    return decoding.size();
  }

  boolean full() {
    return decoding.size() >= maxSize;
  }

  boolean ready(long now) {
    return full() || (!isEmpty() && now - openedAt >= maxDelayNanos);
  }

  /** Nanoseconds until the batch is due, for the poll timeout; 0 if due now, -1 if empty. */
  long nanosUntilDue(long now) {
    return isEmpty() ? -1 : Math.max(0, openedAt + maxDelayNanos - now);
  }

  /** Waits for every frame of the batch to be decoded. */
  List<DecodedFrame> decoded() throws InterruptedException {
    List<DecodedFrame> frames = new ArrayList<>(decoding.size());
    for (Future<DecodedFrame> future : decoding) {
      try {
        frames.add(future.get());
      } catch (ExecutionException e) {
        throw new IllegalStateException("decoding cannot fail: it reports failures as values", e.getCause());
      }
    }
    return frames;
  }

  /** The offsets to commit with this batch: one past its last record in each partition. */
  Map<TopicPartition, OffsetAndMetadata> offsetsToCommit() {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    nextOffsets.forEach((partition, next) -> offsets.put(partition, new OffsetAndMetadata(next)));
    return offsets;
  }

  /** Where each partition of this batch starts: to rewind to when its transaction fails. */
  Map<TopicPartition, Long> firstOffsets() {
    return firstOffsets;
  }

  /** Waits for decoding to finish without using the result, so no pool task outlives the batch. */
  void discard() {
    for (Future<DecodedFrame> future : decoding) {
      try {
        future.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (ExecutionException e) {
        // nothing to keep
      }
    }
  }
}
