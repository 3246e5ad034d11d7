package io.labelstream.ingest.kafka;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Remembers the writes of recent Idempotency-Keys, so a retry is answered with the first attempt's outcome and
 * never written twice. A retry that arrives while the first write is still waiting for Kafka waits for the same
 * write. A failed write is forgotten, so the next retry tries again. A key that comes back with other bytes is not
 * a retry: {@link Write#sameBytes()} says so, and nothing is written (the caller answers 409).
 *
 * <p>The window is the last {@code capacity} keys of this process. Beyond it (or after a restart) a retry is
 * written again under the same frameId, which every downstream store treats as the same frame; other bytes are then
 * not recognised as a reused key.
 */
public final class RecentFrames {

  /** A remembered write and the digest of the bytes it wrote (32 bytes a key, never the image). */
  private record Remembered(byte[] digest, CompletableFuture<?> write) {}

  private final Map<String, Remembered> byFrameId;

  public RecentFrames(int capacity) {
    this.byFrameId = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Remembered> eldest) {
        return size() > capacity;
      }
    };
  }

  /**
   * What happened to a write: whether this call started it, whether an earlier write under the frameId had the same
   * bytes (always true for the first), and the write itself (the earlier one unless first).
   */
  public record Write<T>(boolean first, boolean sameBytes, CompletableFuture<T> result) {}

  /** True when a remembered, not failed write under this frameId had other bytes than {@code digest}. */
  public synchronized boolean reusedWithOtherBytes(String frameId, byte[] digest) {
    Remembered previous = byFrameId.get(frameId);
    return previous != null && !previous.write().isCompletedExceptionally() && !Arrays.equals(previous.digest(), digest);
  }

  /**
   * The write already made for this frameId, or a new one started by {@code start}. The write is started outside
   * the lock, so a slow Kafka never serialises unrelated requests.
   *
   * @param digest a digest of the bytes to write, to tell a retry from a reused key
   * @param start begins the write; returns null to refuse it (nothing is remembered then)
   * @return null when {@code start} refused
   */
  @SuppressWarnings("unchecked")
  public <T> Write<T> writeOnce(String frameId, byte[] digest, Supplier<CompletableFuture<T>> start) {
    CompletableFuture<T> mine = new CompletableFuture<>();
    synchronized (this) {
      Remembered previous = byFrameId.get(frameId);
      if (previous != null && !previous.write().isCompletedExceptionally()) {
        return new Write<>(false, Arrays.equals(previous.digest(), digest), (CompletableFuture<T>) previous.write());
      }
      byFrameId.put(frameId, new Remembered(digest.clone(), mine));
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
    return new Write<>(true, true, mine);
  }

  private synchronized void forget(String frameId, CompletableFuture<?> failed) {
    Remembered remembered = byFrameId.get(frameId);
    if (remembered != null && remembered.write() == failed) {
      byFrameId.remove(frameId);
    }
  }
}
