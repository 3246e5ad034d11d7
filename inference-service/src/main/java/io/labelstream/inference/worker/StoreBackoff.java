package io.labelstream.inference.worker;

import java.time.Duration;

/**
 * How long the worker holds back after the frame store did not answer: a quarter of a second at first, doubling up to
 * ten seconds while the outage lasts, and back to the start once a batch goes through. A store that is back is found
 * within ten seconds; a store that stays down costs one attempt per ten seconds, not a busy loop. Used by the poll
 * loop's thread only.
 */
final class StoreBackoff {

  static final Duration FIRST = Duration.ofMillis(250);
  static final Duration LONGEST = Duration.ofSeconds(10);

  private Duration next = FIRST;
  private boolean paused;
  private long resumeAt;

  /** Starts a pause at {@code now} (nanoTime) and says how long it lasts. */
  Duration pause(long now) {
    Duration wait = next;
    next = next.multipliedBy(2).compareTo(LONGEST) > 0 ? LONGEST : next.multipliedBy(2);
    paused = true;
    resumeAt = now + wait.toNanos();
    return wait;
  }

  boolean paused() {
    return paused;
  }

  /** True when a pause is over at {@code now}: the caller resumes consumption and calls {@link #resumed()}. */
  boolean due(long now) {
    return paused && now - resumeAt >= 0;
  }

  void resumed() {
    paused = false;
  }

  /**
   * A batch went through.
   *
   * @return true when that ends an outage (the previous attempt had paused)
   */
  boolean succeeded() {
    boolean ended = !next.equals(FIRST);
    next = FIRST;
    return ended;
  }
}
