package io.labelstream.review.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ActiveReviewersTest {

  private Instant now = Instant.parse("2026-11-26T08:00:00Z");
  private final Clock clock = new Clock() {
    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  };

  @Test
  void shouldCountEachReviewerOnceWhileTheyWereSeenWithinTheWindow() {
    ActiveReviewers active = new ActiveReviewers(clock);
    active.seen("ada");
    active.seen("ada");
    now = now.plus(Duration.ofMinutes(3));
    active.seen("grace");

    assertThat(active.count()).isEqualTo(2);

    now = now.plus(Duration.ofMinutes(3)); // ada last seen 6 minutes ago, grace 3
    assertThat(active.count()).isEqualTo(1);

    now = now.plus(Duration.ofMinutes(3));
    assertThat(active.count()).isZero();
  }
}
