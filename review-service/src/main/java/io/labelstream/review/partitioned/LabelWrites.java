package io.labelstream.review.partitioned;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Tells a submit waiting for its frame's final label that this instance's processor has just written one, so it reads
 * the store once more instead of every few milliseconds. With 200 reviewers the polling was most of the instance's
 * CPU (each read also asks Kafka Streams which partition and instance hold the frame), and took it from the stream
 * thread that writes the labels the submits wait for.
 *
 * <p>A wake-up only says "read again": the waiter reads the store itself, and still reads now and then without one
 * (the label may come from another instance's processor, or while partitions move).
 */
final class LabelWrites {

  private final Map<String, CompletableFuture<Void>> waiting = new ConcurrentHashMap<>();

  /** The processor here wrote the frame's final label. */
  void written(String frameId) {
    CompletableFuture<Void> waiters = waiting.remove(frameId);
    if (waiters != null) {
      waiters.complete(null);
    }
  }

  /**
   * What to wait on for the frame's next label: take it before reading the store, so a label written in between is
   * not missed.
   */
  CompletableFuture<Void> next(String frameId) {
    return waiting.computeIfAbsent(frameId, f -> new CompletableFuture<>());
  }

  /** Waits for {@code next} at most {@code millis}; true when a label was written meanwhile. */
  static boolean await(CompletableFuture<Void> next, long millis) throws InterruptedException {
    try {
      next.get(millis, TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      throw new IllegalStateException(e); // never completed exceptionally
    }
  }

  /**
   * A waiter stops waiting (it saw the label, or gave up): nobody need be woken for it. Another waiter for the same
   * frame, rare, then reads again at its own pace.
   */
  void done(String frameId, CompletableFuture<Void> next) {
    waiting.remove(frameId, next);
  }

  /** Frames someone waits for (for tests). */
  int waiting() {
    return waiting.size();
  }
}
