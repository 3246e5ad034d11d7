package io.labelstream.review.stats;

import java.util.Locale;
import java.util.Optional;

/**
 * How finely the statistics' time series are bucketed, and how much of them is kept: a day of minutes for what is
 * happening now, 90 days of hours for trends. Both are always recorded; a reader picks one.
 */
public enum Resolution {
  MINUTE(1, 1_440),
  HOUR(60, 2_160);

  /** The automatic choice shows minutes while the data spans at most this long, hours beyond (a readable chart). */
  static final long AUTO_MINUTES_UP_TO = 6 * 60;

  private final long minutes;
  private final int capacity;

  Resolution(long minutes, int capacity) {
    this.minutes = minutes;
    this.capacity = capacity;
  }

  /** Length of one bucket. */
  public long minutes() {
    return minutes;
  }

  /** Buckets kept, the newest ones. */
  public int capacity() {
    return capacity;
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** {@code minute} or {@code hour}, any case; empty for anything else. */
  public static Optional<Resolution> parse(String raw) {
    for (Resolution r : values()) {
      if (r.wireName().equalsIgnoreCase(raw.strip())) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  /** Minutes if the data spans at most {@link #AUTO_MINUTES_UP_TO} minutes, else hours. */
  static Resolution auto(long spanMinutes) {
    return spanMinutes <= AUTO_MINUTES_UP_TO ? MINUTE : HOUR;
  }
}
