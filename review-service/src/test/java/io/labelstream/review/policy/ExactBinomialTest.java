package io.labelstream.review.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.apache.commons.math3.distribution.HypergeometricDistribution;
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

  @Test
  void shouldSumTheHypergeometricTailAsCommonsMathDoes() {
    long[][] cases = {{0, 50, 10, 3}, {3, 300, 200, 4}, {12, 3000, 900, 40}, {150, 3000, 100_000, 6_000}};
    for (long[] c : cases) {
      double expected = new HypergeometricDistribution(null, (int) (c[1] + c[2]), (int) (c[0] + c[3]), (int) c[1])
          .cumulativeProbability((int) c[0]);
      assertThat(ExactBinomial.sampleAtMostAsLikely(c[0], c[1], c[2], c[3])).isCloseTo(expected, within(1e-9));
    }
  }

  @Test
  void shouldPredictTheRateBoundsShareOfManyFutureLabels() {
    long future = 1_000_000;
    double rate = ExactBinomial.upperBound(12, 3000, 0.95);
    long predicted = ExactBinomial.predictedErrorsUpperBound(12, 3000, future, 0.95);
    assertThat((double) predicted / future).isCloseTo(rate, within(rate * 0.01));
    assertThat(ExactBinomial.predictedErrorsUpperBound(12, 3000, 0, 0.95)).isZero();
    assertThat(ExactBinomial.predictedErrorsUpperBound(0, 0, 40, 0.95)).isEqualTo(40);
  }

  @Test
  void shouldAllowMoreThanTheRateForAFewLabelsAndFallToItAsTheyGrow() {
    double rate = ExactBinomial.upperBound(12, 3000, 0.95);
    double previous = Double.MAX_VALUE;
    for (long future : new long[] {100, 300, 1_000, 10_000, 100_000}) {
      double share = (double) ExactBinomial.predictedErrorsUpperBound(12, 3000, future, 0.95) / future;
      assertThat(share).isGreaterThan(rate).isLessThanOrEqualTo(previous);
      previous = share;
    }
  }

  /**
   * Seeded draws at a true error rate of 1%: a sample of 1,000 and 200 labels to come. The prediction bound is
   * exceeded at most 5% of the time (the confidence); the rate's bound times the count, far more often.
   */
  @Test
  void shouldHoldForTheLabelsWrittenWhereTheRateBoundDoesNot() {
    SplittableRandom random = new SplittableRandom(16);
    int draws = 4000;
    int predictionMissed = 0;
    int rateMissed = 0;
    for (int d = 0; d < draws; d++) {
      long sampleErrors = errors(random, 1000, 0.01);
      long futureErrors = errors(random, 200, 0.01);
      predictionMissed += futureErrors > ExactBinomial.predictedErrorsUpperBound(sampleErrors, 1000, 200, 0.95) ? 1 : 0;
      rateMissed += futureErrors > 200 * ExactBinomial.upperBound(sampleErrors, 1000, 0.95) ? 1 : 0;
    }
    assertThat((double) predictionMissed / draws).isLessThanOrEqualTo(0.05);
    assertThat((double) rateMissed / draws).isGreaterThan(0.10);
  }

  private static long errors(SplittableRandom random, int n, double p) {
    long errors = 0;
    for (int i = 0; i < n; i++) {
      errors += random.nextDouble() < p ? 1 : 0;
    }
    return errors;
  }
}
