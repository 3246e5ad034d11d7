package io.labelstream.ingest.kafka;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Remembers the writes of recent Idempotency-Keys, so a retry is answered with the first attempt's outcome and
 * never written twice. A retry that arrives while the first write is still waiting for Kafka waits for the same
 * write. A failed write is forgotten, so the next retry tries again.
 *
 * <p>The window is the last {@code capacity} keys of this process. Beyond it (or after a restart) a retry is
 * written again under the same frameId, which every downstream store treats as the same frame.
 */
public final class RecentFrames {

  private final Map<String, CompletableFuture<?>> byFrameId;

  public RecentFrames(int capacity) {
    this.byFrameId = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, CompletableFuture<?>> eldest) {
        return size() > capacity;
      }
    };
  }

  /** What happened to a write: whether this call started it, and the write itself. */
  public record Write<T>(boolean first, CompletableFuture<T> result) {}

  /**
   * The write already made for this frameId, or a new one started by {@code start}. The write is started outside
   * the lock, so a slow Kafka never serialises unrelated requests.
   *
   * @param start begins the write; returns null to refuse it (nothing is remembered then)
   * @return null when {@code start} refused
   */
  @SuppressWarnings("unchecked")
  public <T> Write<T> writeOnce(String frameId, Supplier<CompletableFuture<T>> start) {
    CompletableFuture<T> mine = new CompletableFuture<>();
    synchronized (this) {
      CompletableFuture<T> previous = (CompletableFuture<T>) byFrameId.get(frameId);
      if (previous != null && !previous.isCompletedExceptionally()) {
        return new Write<>(false, previous);
      }
      byFrameId.put(frameId, mine);
    }
    CompletableFuture<T> started;
    try {
      started = start.get();
    } catch (RuntimeException e) {
      forget(frameId, mine);
      mine.completeExceptionally(e);
      throw e;
    }
    if (started == null) {
      forget(frameId, mine);
      mine.completeExceptionally(new IllegalStateException("the write was refused: ingest is at capacity"));
      return null;
    }
    started.whenComplete((ok, error) -> {
      if (error != null) {
        forget(frameId, mine);
        mine.completeExceptionally(error);
      } else {
        mine.complete(ok);
      }
    });
    return new Write<>(true, mine);
  }

  private synchronized void forget(String frameId, CompletableFuture<?> failed) {
    byFrameId.remove(frameId, failed);
  }
}
