package io.labelstream.ingest.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SenderRatesTest {

  private final AtomicLong nanos = new AtomicLong();
  private final SenderRates rates = new SenderRates(10, 20, nanos::get);
  private final Sender fleet = new Sender("fleet");
  private final Sender other = new Sender("other");

  @Test
  void shouldLetASenderSpendItsBurstThenRefuseWithTheSecondsUntilItRefills() {
    assertThat(rates.take(fleet, 15).allowed()).isTrue();
    assertThat(rates.take(fleet, 5).allowed()).isTrue();

    SenderRates.Decision refused = rates.take(fleet, 1);
    assertThat(refused.allowed()).isFalse();
    assertThat(refused.retryAfterSeconds()).isEqualTo(1);
    assertThat(rates.take(fleet, 20).retryAfterSeconds()).isEqualTo(2);

    nanos.addAndGet(1_000_000_000L);
    assertThat(rates.take(fleet, 10).allowed()).isTrue();
    assertThat(rates.take(fleet, 1).allowed()).isFalse();
  }

  @Test
  void shouldKeepEachSendersBucketItsOwn() {
    assertThat(rates.take(fleet, 20).allowed()).isTrue();
    assertThat(rates.take(fleet, 1).allowed()).isFalse();

    assertThat(rates.take(other, 20).allowed()).isTrue();
  }

  @Test
  void shouldTakeNothingFromARefusedBatchAndNeverStoreMoreThanTheBurst() {
    nanos.addAndGet(3_600_000_000_000L);
    assertThat(rates.take(fleet, 21).allowed()).isFalse();
    assertThat(rates.take(fleet, 20).allowed()).isTrue();
  }
}
