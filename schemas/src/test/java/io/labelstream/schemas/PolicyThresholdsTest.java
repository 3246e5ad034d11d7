package io.labelstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PolicyThresholdsTest {

  @Test
  void shouldCloseAClassWithAThresholdNoProbabilityReaches() {
    assertThat(PolicyThresholds.CLOSED).isGreaterThan(1.0);
    assertThat(PolicyThresholds.isClosed(PolicyThresholds.CLOSED)).isTrue();
  }

  @Test
  void shouldKeepAClassOpenAtAnyThresholdAScoreCanReach() {
    assertThat(PolicyThresholds.isClosed(1.0)).isFalse();
    assertThat(PolicyThresholds.isClosed(0.99)).isFalse();
    assertThat(PolicyThresholds.isClosed(0.0)).isFalse();
  }
}
