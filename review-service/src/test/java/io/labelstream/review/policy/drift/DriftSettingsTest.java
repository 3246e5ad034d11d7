package io.labelstream.review.policy.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class DriftSettingsTest {

  @Test
  void shouldSplitTheFalseAlarmBudgetOverTheCusums() {
    // Ten CUSUMs, 0.02 false alarms per 10,000 frames: each may alarm falsely 0.002 times, h = ln(5,000,000).
    assertThat(DriftSettings.defaults().threshold(10)).isCloseTo(15.42, within(0.01));
    assertThat(DriftSettings.defaults().threshold(20) - DriftSettings.defaults().threshold(10))
        .isCloseTo(Math.log(2), within(1e-12));
  }

  @Test
  void shouldRefuseAnAlternativeThatIsNotAnIncrease() {
    assertThatThrownBy(() -> new DriftSettings(300, 0.1, 0.9, 1.0, 3.0, 0.02, 10_000, 1.0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
