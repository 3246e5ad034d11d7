package io.labelstream.review.state;

import java.util.HashSet;
import java.util.Set;

/** Counts the review service keeps about the whole pipeline, for {@code /v1/stats}. */
public final class PipelineCounts {

  private final Set<String> framesSeen = new HashSet<>();
  private long deadLettered;
  private long unreadable;

  public synchronized void predicted(String frameId) {
    framesSeen.add(frameId);
  }

  public synchronized void deadLettered() {
    deadLettered++;
  }

  /** A record on a topic this service reads that it could not decode (logged, and dead-lettered where it can). */
  public synchronized void unreadable() {
    unreadable++;
  }

  public synchronized long framesSeen() {
    return framesSeen.size();
  }

  public synchronized long deadLetteredCount() {
    return deadLettered;
  }

  public synchronized long unreadableCount() {
    return unreadable;
  }
}
