package io.labelstream.ingest.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelstream.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SenderQuotasTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-02T23:59:00Z"));
  private final SenderQuotas quotas = new SenderQuotas(10, clock);
  private final Sender fleet = new Sender("fleet");
  private final Sender other = new Sender("other");

  @Test
  void shouldRefuseASenderOverItsDailyQuotaUntilTheNextUtcMidnight() {
    assertThat(quotas.take(fleet, 6).allowed()).isTrue();
    assertThat(quotas.take(fleet, 4).allowed()).isTrue();

    SenderQuotas.Decision refused = quotas.take(fleet, 1);
    assertThat(refused.allowed()).isFalse();
    assertThat(refused.retryAfterSeconds()).isEqualTo(60);
    clock.advance(Duration.ofMillis(59_500));
    assertThat(quotas.take(fleet, 1).retryAfterSeconds()).as("rounded up, never 0").isEqualTo(1);
  }

  @Test
  void shouldGiveEverySenderItsWholeQuotaAgainOnTheNextUtcDay() {
    assertThat(quotas.take(fleet, 10).allowed()).isTrue();
    assertThat(quotas.take(fleet, 1).allowed()).isFalse();

    clock.advance(Duration.ofMinutes(1));

    assertThat(quotas.take(fleet, 10).allowed()).isTrue();
    assertThat(quotas.take(fleet, 1).allowed()).isFalse();
    assertThat(quotas.take(fleet, 1).retryAfterSeconds()).isEqualTo(Duration.ofDays(1).toSeconds());
  }

  @Test
  void shouldCountNothingForARefusedRequest() {
    assertThat(quotas.take(fleet, 8).allowed()).isTrue();
    assertThat(quotas.take(fleet, 3).allowed()).isFalse();

    assertThat(quotas.take(fleet, 2).allowed()).isTrue();
  }

  @Test
  void shouldKeepOneSendersQuotaFromSpendingAnothers() {
    assertThat(quotas.take(fleet, 10).allowed()).isTrue();
    assertThat(quotas.take(fleet, 1).allowed()).isFalse();

    assertThat(quotas.take(other, 10).allowed()).isTrue();
  }

  @Test
  void shouldUncountFramesGivenBackOnlyOnTheDayTheyWereTaken() {
    SenderQuotas.Decision taken = quotas.take(fleet, 10);
    quotas.giveBack(fleet, taken, 10);
    SenderQuotas.Decision takenAgain = quotas.take(fleet, 10);
    assertThat(takenAgain.allowed()).isTrue();

    clock.advance(Duration.ofMinutes(1));
    assertThat(quotas.take(fleet, 10).allowed()).isTrue();
    quotas.giveBack(fleet, takenAgain, 10);

    assertThat(quotas.take(fleet, 1).allowed()).as("yesterday's frames never credit today").isFalse();
  }

  @Test
  void shouldLetEverythingThroughWhenTheQuotaIsZero() {
    SenderQuotas unlimited = new SenderQuotas(0, clock);

    assertThat(unlimited.take(fleet, Integer.MAX_VALUE).allowed()).isTrue();
    assertThat(unlimited.take(fleet, Integer.MAX_VALUE).allowed()).isTrue();
  }
}
