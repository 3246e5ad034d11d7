package io.labelstream.ingest.http;

import io.labelstream.platform.http.ApiException;
import java.util.concurrent.Semaphore;

/**
 * Bytes of upload bodies being read at once. A body is in the heap before its frame reaches the in-flight budget
 * ({@link io.labelstream.ingest.kafka.FrameWriter}); with 50 MB frames, a few hundred request threads reading at once
 * could otherwise hold gigabytes. A request whose body does not fit is refused before a byte of it is read.
 */
final class BodyBudget {

  private final int capacity;
  private final Semaphore bytes;

  BodyBudget(long capacity) {
    this.capacity = (int) Math.min(Integer.MAX_VALUE, capacity);
    this.bytes = new Semaphore(this.capacity);
  }

  /**
   * Takes room for a body of {@code length} bytes; hand it back with {@link #give} once the body's frames are
   * submitted (they then count against the in-flight budget) or refused.
   *
   * @throws ApiException 503 {@code ingest_busy} when the room is not there now
   */
  int take(long length) {
    int room = (int) Math.min(capacity, length);
    if (!bytes.tryAcquire(room)) {
      throw ApiException.unavailable("ingest_busy", "too many frames are being received at once; retry shortly", 1);
    }
    return room;
  }

  void give(int room) {
    bytes.release(room);
  }

  /** Room taken now by bodies being read. */
  int taken() {
    return capacity - bytes.availablePermits();
  }
}
