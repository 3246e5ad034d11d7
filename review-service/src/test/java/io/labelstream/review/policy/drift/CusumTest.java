package io.labelstream.review.policy.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class CusumTest {

  @Test
  void shouldForgetEvidenceThatWasContradictedAndAlarmAtTheThreshold() {
    Cusum cusum = new Cusum(3.0);
    assertThat(cusum.observe(2.0)).isFalse();
    assertThat(cusum.observe(-5.0)).isFalse();
    assertThat(cusum.statistic()).isZero();
    assertThat(cusum.observe(1.5)).isFalse();
    assertThat(cusum.observe(1.5)).isTrue();
    assertThat(cusum.statistic()).isEqualTo(3.0);
    assertThat(cusum.observations()).isEqualTo(4);
  }

  @Test
  void shouldEstimateTheChangeAtTheFirstObservationOfTheLastExcursion() {
    Cusum cusum = new Cusum(10.0);
    double[] increments = {1, -2, -1, 0.5, -1, 2, 3, -1, 4};
    for (double llr : increments) {
      cusum.observe(llr);
    }
    // S: 1, 0, 0, 0.5, 0, 2, 5, 4, 8: the excursion that is still running began at observation 5.
    assertThat(cusum.statistic()).isEqualTo(8.0);
    assertThat(cusum.changePoint()).isEqualTo(5);
  }

  @Test
  void shouldReportTheChangePointOnTheCallersClock() {
    Cusum cusum = new Cusum(10.0);
    cusum.observe(-1, 100);
    cusum.observe(1, 107);
    cusum.observe(1, 110);
    assertThat(cusum.changePoint()).isEqualTo(107);
  }

  @Test
  void shouldStartAfreshOnReset() {
    Cusum cusum = new Cusum(1.0);
    cusum.observe(5.0);
    cusum.reset();
    assertThat(cusum.alarmed()).isFalse();
    assertThat(cusum.observations()).isZero();
  }

  @Test
  void shouldUseTheExactBernoulliLikelihoodRatioAndStopAtTheCap() {
    assertThat(BernoulliCusum.logLikelihoodRatio(true, 0.1, 2.0, 0.5)).isCloseTo(Math.log(2), within(1e-12));
    assertThat(BernoulliCusum.logLikelihoodRatio(false, 0.1, 2.0, 0.5)).isCloseTo(Math.log(0.8 / 0.9), within(1e-12));
    assertThat(BernoulliCusum.logLikelihoodRatio(true, 0.3, 3.0, 0.5)).isCloseTo(Math.log(0.5 / 0.3), within(1e-12));
    assertThat(BernoulliCusum.logLikelihoodRatio(true, 0.6, 3.0, 0.5)).isZero();
  }

  @Test
  void shouldObserveAtTheFixedRateOnlyWhenMadeForOne() {
    BernoulliCusum fixed = BernoulliCusum.forRate(Math.log(4), 0.1, 2.0, 0.5);
    assertThat(fixed.observe(true)).isFalse();
    assertThat(fixed.observe(true)).isTrue();
    assertThatThrownBy(() -> new BernoulliCusum(1.0, 2.0, 0.5).observe(true))
        .isInstanceOf(IllegalStateException.class);
  }
}
