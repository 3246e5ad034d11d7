package io.labelstream.ingest.store;

import io.labelstream.ingest.metrics.IngestMetrics;
import io.labelstream.platform.store.FrameStore;
import io.labelstream.platform.store.FrameStoreException;
import io.labelstream.platform.store.FrameStoreException.Kind;
import io.labelstream.schemas.avro.Frame;
import io.labelstream.schemas.avro.ImageRef;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The claim check: an accepted frame's image goes to the frame store first, and the frame becomes the record Kafka
 * carries, with the reference always and the bytes only up to the inline limit. Puts run on the store's own
 * threads, never on the HTTP request threads; what waits for them is bounded by ingest's in-flight byte budget.
 */
public final class ClaimCheck {

  private final FrameStore store;
  private final Executor storeThreads;
  private final long inlineMaxBytes;
  private final Duration timeout;
  private final IngestMetrics metrics;

  /**
   * @param inlineMaxBytes frames up to this size keep their bytes in the record too (FRAME_STORE_INLINE_MAX_BYTES)
   * @param timeout how long an answer waits for the store before it is a 503
   */
  public ClaimCheck(FrameStore store, Executor storeThreads, long inlineMaxBytes, Duration timeout,
      IngestMetrics metrics) {
    this.store = store;
    this.storeThreads = storeThreads;
    this.inlineMaxBytes = inlineMaxBytes;
    this.timeout = timeout;
    this.metrics = metrics;
  }

  /**
   * Starts putting the frame's image in the store. The future completes, on a store thread, once the object is
   * durable, with {@code frame} itself turned into its record (changed in place: the bytes are not copied); or with a
   * {@link FrameStoreException} when the store did not take it.
   */
  public CompletableFuture<Frame> store(Frame frame) {
    try {
      return CompletableFuture.supplyAsync(() -> put(frame), storeThreads);
    } catch (RejectedExecutionException closing) {
      return CompletableFuture.failedFuture(new FrameStoreException(Kind.UNAVAILABLE, "ingest is shutting down"));
    }
  }

  /**
   * {@code stored} as an answer may wait for it: failed with {@link FrameStoreException} {@code UNAVAILABLE} once the
   * store took longer than the timeout. The put itself goes on; if it ends well its object is an orphan, which the
   * store's collector deletes after its grace period.
   */
  public CompletableFuture<Frame> inTime(CompletableFuture<Frame> stored) {
    return stored.copy().orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).exceptionallyCompose(error -> {
      Throwable cause = error instanceof CompletionException ? error.getCause() : error;
      if (cause instanceof TimeoutException) {
        metrics.storeTimedOut();
        return CompletableFuture.failedFuture(new FrameStoreException(Kind.UNAVAILABLE, "the frame store "
            + store.location() + " did not answer within " + timeout.toMillis() + " ms"));
      }
      return CompletableFuture.failedFuture(cause);
    });
  }

  public String location() {
    return store.location();
  }

  private Frame put(Frame frame) {
    byte[] image = bytes(frame.getImage());
    long start = System.nanoTime();
    ImageRef ref;
    try {
      ref = store.put(image, frame.getContentType());
    } catch (FrameStoreException e) {
      metrics.storeWrite("unavailable", System.nanoTime() - start);
      throw new CompletionException(e);
    } catch (RuntimeException e) {
      // A client library's own failure (a broken connection, a refused request) is the store not taking it now.
      metrics.storeWrite("unavailable", System.nanoTime() - start);
      throw new CompletionException(new FrameStoreException(Kind.UNAVAILABLE, "the frame store " + store.location()
          + " failed: " + e, e));
    }
    metrics.storeWrite("stored", System.nanoTime() - start);
    frame.setImageRef(ref);
    if (image.length > inlineMaxBytes) {
      frame.setImage(ByteBuffer.allocate(0));
    }
    return frame;
  }

  /** The image's bytes: the array ingest read them into when it wraps them whole, else a copy. */
  private static byte[] bytes(ByteBuffer image) {
    if (image.hasArray() && image.arrayOffset() == 0 && image.position() == 0
        && image.remaining() == image.array().length) {
      return image.array();
    }
    byte[] copy = new byte[image.remaining()];
    image.duplicate().get(copy);
    return copy;
  }
}
