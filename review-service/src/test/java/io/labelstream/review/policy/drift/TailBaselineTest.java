package io.labelstream.review.policy.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class TailBaselineTest {

  @Test
  void shouldCutAtTheRankOfTheQuantileAndSkipUnmeasuredValues() {
    TailBaseline baseline = new TailBaseline(19, 0.1, 0.9);
    for (int i = 19; i >= 1; i--) {
      baseline.add(i);
      baseline.add(Double.NaN);
    }
    // k = floor(0.1 * 20) = 2: the 2nd smallest and the 2nd largest.
    assertThat(baseline.complete()).isTrue();
    assertThat(baseline.lowerCut()).isEqualTo(2.0);
    assertThat(baseline.upperCut()).isEqualTo(18.0);
    assertThat(baseline.below(1.5)).isTrue();
    assertThat(baseline.below(2.0)).isFalse();
    assertThat(baseline.above(18.5)).isTrue();
    assertThat(baseline.add(100)).isFalse();
  }

  @Test
  void shouldRefuseCutsBeforeTheBaselineIsComplete() {
    TailBaseline baseline = new TailBaseline(300, 0.1, 0.9);
    baseline.add(1.0);
    assertThatThrownBy(baseline::lowerCut).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void shouldStateATailRateThatTheCutsTrueMassExceedsOnlyAsOftenAsAllowed() {
    // Uniform values: the true tail mass of a cut is the cut itself. Over many baselines the lower cut's mass
    // exceeds the stated rate in about 1 - confidence of them; the nominal k/(B+1) would be exceeded in about half.
    Random random = new Random(11);
    int baselines = 4000;
    int exceeded = 0;
    double rate = Double.NaN;
    for (int s = 0; s < baselines; s++) {
      TailBaseline baseline = new TailBaseline(300, 0.1, 0.9);
      while (!baseline.complete()) {
        baseline.add(random.nextDouble());
      }
      rate = baseline.tailRate();
      if (baseline.lowerCut() > rate) {
        exceeded++;
      }
    }
    double share = (double) exceeded / baselines;
    System.out.printf("tail rate stated %.4f; true mass above it in %.3f of baselines%n", rate, share);
    assertThat(rate).isCloseTo(0.122, within(0.002));
    assertThat(share).isBetween(0.08, 0.12);
  }
}
