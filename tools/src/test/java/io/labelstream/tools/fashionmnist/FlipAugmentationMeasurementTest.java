package io.labelstream.tools.fashionmnist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class FlipAugmentationMeasurementTest {

  @Test
  void shouldGiveAurocOneWhenEveryRightAnswerOutscoresEveryWrongOneAndAHalfForTies() {
    boolean[] right = {false, false, true, true};

    assertThat(FlipAugmentationMeasurement.auroc(new double[] {0.1, 0.2, 0.8, 0.9}, right)).isEqualTo(1.0);
    assertThat(FlipAugmentationMeasurement.auroc(new double[] {0.9, 0.8, 0.2, 0.1}, right)).isEqualTo(0.0);
    assertThat(FlipAugmentationMeasurement.auroc(new double[] {0.5, 0.5, 0.5, 0.5}, right)).isEqualTo(0.5);
    // one of four right-wrong pairs in the wrong order
    assertThat(FlipAugmentationMeasurement.auroc(new double[] {0.1, 0.7, 0.6, 0.9}, right)).isCloseTo(0.75, within(1e-12));
  }

  @Test
  void shouldCoverTheLargestMostConfidentShareThatMeetsTheTargetCuttingOnlyBetweenDistinctScores() {
    boolean[] right = new boolean[200];
    double[] scores = new double[200];
    for (int i = 0; i < 200; i++) {
      scores[i] = i / 200.0;
      right[i] = i != 150 && i != 20 && i != 10;
    }

    // From the top, one mistake (score 0.75) in the 179 best is 99.4 % right; the 180th frame is the second mistake.
    assertThat(FlipAugmentationMeasurement.coverageAt(scores, right)).isEqualTo(179 / 200.0);
    assertThat(FlipAugmentationMeasurement.coverageAt(new double[] {0.9, 0.9}, new boolean[] {true, false})).isZero();
  }
}
