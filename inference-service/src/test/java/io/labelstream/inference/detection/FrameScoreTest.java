package io.labelstream.inference.detection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class FrameScoreTest {

  private static FrameBox scored(double s) {
    return new FrameBox(0, (float) s, 0, 0, 10, 10);
  }

  @Test
  void shouldMultiplyTheChanceThatEachKeepOrDropDecisionIsRight() {
    FrameScore score = FrameScore.of(List.of(scored(0.9), scored(0.6), scored(0.1)));

    assertThat(score.score()).isCloseTo(0.9 * 0.6 * 0.9, within(1e-6));
    // The least certain candidate is 0.6.
    assertThat(score.margin()).isCloseTo(0.2, within(1e-6));
    assertThat(score.entropy()).isCloseTo(-0.6 * Math.log(0.6) - 0.4 * Math.log(0.4), within(1e-6));
  }

  @Test
  void shouldBeCertainOfAFrameWithoutCandidates() {
    assertThat(FrameScore.of(List.of())).isEqualTo(new FrameScore(1.0, 1.0, 0.0));
  }
}
