package io.labelstream.inference.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class StoreBackoffTest {

  @Test
  void shouldDoubleEachPauseUpToTenSecondsAndStartAgainOnceABatchGoesThrough() {
    StoreBackoff backoff = new StoreBackoff();
    long now = 0;

    assertThat(backoff.pause(now)).isEqualTo(Duration.ofMillis(250));
    assertThat(backoff.paused()).isTrue();
    assertThat(backoff.due(now + Duration.ofMillis(249).toNanos())).isFalse();
    assertThat(backoff.due(now + Duration.ofMillis(250).toNanos())).isTrue();
    backoff.resumed();
    assertThat(backoff.paused()).isFalse();
    assertThat(backoff.due(now + Duration.ofHours(1).toNanos())).isFalse();

    for (long expected : new long[] {500, 1_000, 2_000, 4_000, 8_000, 10_000, 10_000}) {
      assertThat(backoff.pause(now)).isEqualTo(Duration.ofMillis(expected));
      backoff.resumed();
    }
    assertThat(backoff.succeeded()).as("an outage ended").isTrue();
    assertThat(backoff.succeeded()).as("nothing to end").isFalse();
    assertThat(backoff.pause(now)).isEqualTo(Duration.ofMillis(250));
  }
}
