package io.labelstream.review.state;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Counts the review service keeps about the whole pipeline, for {@code /v1/stats}. Which frames were seen is kept
 * in {@link FrameBytes} ({@code Kind.SEEN}), so that a frame predicted again counts once without a set of
 * every frameId in the heap.
 */
public final class PipelineCounts implements Checkpointed {

  private static final byte[] SEEN = new byte[0];

  private final FrameBytes seen;
  private long framesSeen;
  private long deadLettered;
  private long unreadable;

  /** @param seen where the frames seen are noted; it is the caller's to close */
  public PipelineCounts(FrameBytes seen) {
    this.seen = seen;
  }

  public synchronized void predicted(String frameId) {
    String key = FrameBytes.key(frameId, FrameBytes.Kind.SEEN);
    if (seen.get(key) == null) {
      seen.put(key, SEEN);
      framesSeen++;
    }
  }

  public synchronized void deadLettered() {
    deadLettered++;
  }

  /** A record on a topic this service reads that it could not decode (logged, and dead-lettered where it can). */
  public synchronized void unreadable() {
    unreadable++;
  }

  public synchronized long framesSeen() {
    return framesSeen;
  }

  public synchronized long deadLetteredCount() {
    return deadLettered;
  }

  public synchronized long unreadableCount() {
    return unreadable;
  }

  /** Writes the counts; which frames were seen is in the state store. */
  @Override
  public synchronized void save(DataOutput out) throws IOException {
    out.writeLong(framesSeen);
    out.writeLong(deadLettered);
    out.writeLong(unreadable);
  }

  @Override
  public synchronized void restore(DataInput in) throws IOException {
    framesSeen = in.readLong();
    deadLettered = in.readLong();
    unreadable = in.readLong();
  }
}
