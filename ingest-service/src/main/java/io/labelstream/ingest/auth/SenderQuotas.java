package io.labelstream.ingest.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * At most {@code framesPerDay} frames per sender per UTC day, so one fleet (or one stolen token) that keeps within
 * its rate still cannot fill the pipeline day after day. Like {@link SenderRates}, the counts live in this process:
 * with several ingest replicas each grants the quota, and a restart forgets the day's count.
 */
public final class SenderQuotas {

  /**
   * Whether frames may go today; if not, how long until the next UTC day. {@code day} is the day they were counted
   * on, so {@link #giveBack} never credits a day they were not taken from.
   */
  public record Decision(boolean allowed, long retryAfterSeconds, LocalDate day) {}

  private final long framesPerDay;
  private final Clock clock;
  private final Map<String, DayCount> counts = new ConcurrentHashMap<>();

  /** @param framesPerDay frames per sender per UTC day; 0 means no quota */
  public SenderQuotas(long framesPerDay) {
    this(framesPerDay, Clock.systemUTC());
  }

  /** Widened for tests: a clock they move. */
  SenderQuotas(long framesPerDay, Clock clock) {
    this.framesPerDay = framesPerDay;
    this.clock = clock;
  }

  /** Counts {@code frames} against the sender's day if they all fit in its quota; counts nothing otherwise. */
  public Decision take(Sender sender, int frames) {
    LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
    if (framesPerDay == 0) {
      return new Decision(true, 0, today);
    }
    // Senders are the configured ones, so the map is bounded by INGEST_TOKENS.
    return counts.computeIfAbsent(sender.name(), name -> new DayCount()).take(today, frames);
  }

  /** Uncounts frames {@link #take} allowed but that did not go after all (the rate refused them). */
  public void giveBack(Sender sender, Decision taken, int frames) {
    DayCount count = counts.get(sender.name());
    if (count != null && taken.allowed()) {
      count.giveBack(taken.day(), frames);
    }
  }

  private long secondsUntilTomorrow(LocalDate today) {
    long until = Duration.between(clock.instant(), today.plusDays(1).atStartOfDay(ZoneOffset.UTC)).toMillis();
    return Math.max(1, (until + 999) / 1000);
  }

  private final class DayCount {
    private LocalDate day;
    private long taken;

    synchronized Decision take(LocalDate today, int frames) {
      if (!today.equals(day)) {
        day = today;
        taken = 0;
      }
      if (taken + frames <= framesPerDay) {
        taken += frames;
        return new Decision(true, 0, today);
      }
      return new Decision(false, secondsUntilTomorrow(today), today);
    }

    synchronized void giveBack(LocalDate takenOn, int frames) {
      if (takenOn.equals(day)) {
        taken = Math.max(0, taken - frames);
      }
    }
  }
}
