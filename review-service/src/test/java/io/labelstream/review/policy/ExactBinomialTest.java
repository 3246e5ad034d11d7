package io.labelstream.review.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ExactBinomialTest {

  @Test
  void shouldMatchTheClosedFormBoundWhenNoErrorWasSeen() {
    // With 0 errors in n trials the Clopper-Pearson bound is 1 - (1 - confidence)^(1/n).
    assertThat(ExactBinomial.upperBound(0, 10, 0.95)).isCloseTo(1 - Math.pow(0.05, 0.1), within(1e-9));
    assertThat(ExactBinomial.upperBound(0, 300, 0.95)).isCloseTo(1 - Math.pow(0.05, 1.0 / 300), within(1e-9));
  }

  @Test
  void shouldMatchPublishedClopperPearsonValues() {
    // One-sided 95% upper limits from standard tables: 1/100 -> 0.0466, 5/50 -> 0.1988.
    assertThat(ExactBinomial.upperBound(1, 100, 0.95)).isCloseTo(0.0466, within(5e-4));
    assertThat(ExactBinomial.upperBound(5, 50, 0.95)).isCloseTo(0.1988, within(5e-4));
  }

  @Test
  void shouldBeVacuousWithoutDataAndNeverBelowTheObservedRate() {
    assertThat(ExactBinomial.upperBound(0, 0, 0.95)).isEqualTo(1.0);
    assertThat(ExactBinomial.upperBound(7, 7, 0.95)).isEqualTo(1.0);
    assertThat(ExactBinomial.upperBound(30, 1000, 0.95)).isGreaterThan(0.03);
  }

  @Test
  void shouldGiveTheBinomialUpperTail() {
    assertThat(ExactBinomial.atLeast(0, 10, 0.3)).isEqualTo(1.0);
    assertThat(ExactBinomial.atLeast(10, 10, 0.5)).isCloseTo(Math.pow(0.5, 10), within(1e-12));
    assertThat(ExactBinomial.atLeast(1, 5, 0.2)).isCloseTo(1 - Math.pow(0.8, 5), within(1e-12));
  }
}
