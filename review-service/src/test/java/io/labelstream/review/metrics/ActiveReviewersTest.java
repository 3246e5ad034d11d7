package io.labelstream.review.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelstream.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ActiveReviewersTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T08:00:00Z"));

  @Test
  void shouldCountEachReviewerOnceWhileTheyWereSeenWithinTheWindow() {
    ActiveReviewers active = new ActiveReviewers(clock);
    active.seen("ada");
    active.seen("ada");
    clock.advance(Duration.ofMinutes(3));
    active.seen("grace");

    assertThat(active.count()).isEqualTo(2);

    clock.advance(Duration.ofMinutes(3)); // ada last seen 6 minutes ago, grace 3
    assertThat(active.count()).isEqualTo(1);

    clock.advance(Duration.ofMinutes(3));
    assertThat(active.count()).isZero();
  }
}
