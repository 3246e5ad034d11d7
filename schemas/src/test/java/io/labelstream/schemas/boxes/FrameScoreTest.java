package io.labelstream.schemas.boxes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.labelstream.schemas.avro.Box;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameScoreTest {

  private static Box scored(Float s) {
    return new Box("Bag", 8, 0f, 0f, 10f, 10f, s);
  }

  @Test
  void shouldMultiplyHowSureEachKeepOrDropDecisionAtTheCutOffIs() {
    FrameScore score = FrameScore.ofBoxes(List.of(scored(0.9f), scored(0.3f), scored(0.1f)), 0.25);

    // Kept 0.9 and 0.3 (just past the cut-off) are measured on the 0.75 above it, dropped 0.1 on the 0.25 below.
    double kept = 0.5 + 0.5 * 0.65 / 0.75;
    double nearMiss = 0.5 + 0.5 * 0.05 / 0.75;
    double dropped = 0.5 + 0.5 * 0.15 / 0.25;
    assertThat(score.score()).isCloseTo(kept * nearMiss * dropped, within(1e-6));
    // The least certain candidate is the near miss.
    assertThat(score.margin()).isCloseTo(2 * nearMiss - 1, within(1e-6));
    assertThat(score.entropy()).isCloseTo(-nearMiss * Math.log(nearMiss) - (1 - nearMiss) * Math.log(1 - nearMiss),
        within(1e-6));
  }

  @Test
  void shouldBeTheChanceOfEachDecisionAtACutOffOfOneHalf() {
    FrameScore score = FrameScore.of(List.of(0.9, 0.6, 0.1), Double::doubleValue, 0.5);

    assertThat(score.score()).isCloseTo(0.9 * 0.6 * 0.9, within(1e-12));
    assertThat(score.margin()).isCloseTo(0.2, within(1e-12));
  }

  @Test
  void shouldBeLeastSureAtTheCutOffAndSureAtEitherEnd() {
    assertThat(FrameScore.certainty(0.25, 0.25)).isEqualTo(0.5);
    assertThat(FrameScore.certainty(1.0, 0.25)).isEqualTo(1.0);
    assertThat(FrameScore.certainty(0.0, 0.25)).isEqualTo(1.0);
    assertThat(FrameScore.certainty(0.2, 0.25)).isGreaterThan(FrameScore.certainty(0.24, 0.25));
  }

  @Test
  void shouldBeCertainOfAFrameWithoutCandidates() {
    assertThat(FrameScore.ofBoxes(List.of(), 0.25)).isEqualTo(new FrameScore(1.0, 1.0, 0.0));
  }

  @Test
  void shouldLeaveOutBoxesBelowTheCandidateFloorAsAReplayFileKeepsThem() {
    List<Double> scores = List.of(0.9, 0.049, 0.01);

    assertThat(FrameScore.of(scores, Double::doubleValue, 0.5).score()).isCloseTo(0.9, within(1e-12));
    assertThat(FrameScore.of(List.of(0.9, 0.05), Double::doubleValue, 0.5).score())
        .isCloseTo(0.9 * 0.95, within(1e-12));
  }

  @Test
  void shouldRefuseBoxesPeopleDrewAndACutOffOutsideTheScores() {
    assertThatThrownBy(() -> FrameScore.ofBoxes(List.of(scored(null)), 0.25))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FrameScore.ofBoxes(List.of(), 1.0)).isInstanceOf(IllegalArgumentException.class);
  }
}
