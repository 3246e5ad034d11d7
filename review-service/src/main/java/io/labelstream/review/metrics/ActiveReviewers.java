package io.labelstream.review.metrics;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Reviewers who asked for or answered a task recently: an open review page asks for work even when the queue is
 * empty, so a reviewer counts as active while their page is open and for {@link #WINDOW} after.
 */
public final class ActiveReviewers {

  static final Duration WINDOW = Duration.ofMinutes(5);

  private final Clock clock;
  private final Map<String, Instant> lastSeen = new HashMap<>();

  public ActiveReviewers(Clock clock) {
    this.clock = clock;
  }

  public synchronized void seen(String reviewer) {
    lastSeen.put(reviewer, clock.instant());
  }

  public synchronized int count() {
    return names().size();
  }

  public synchronized java.util.Set<String> names() {
    Instant since = clock.instant().minus(WINDOW);
    lastSeen.values().removeIf(seen -> seen.isBefore(since));
    return java.util.Set.copyOf(lastSeen.keySet());
  }
}
