package io.labelstream.schemas.boxes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class FrameScoreTest {

  @Test
  void shouldMultiplyHowSureEachKeepOrDropDecisionAtTheCutOffIs() {
    FrameScore score = ofScores(List.of(0.9, 0.3, 0.1), 0.25);

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

  /** Candidates of these scores, each of class certainty 1 (an output that gives only the winning class). */
  private static FrameScore ofScores(List<Double> scores, double cut) {
    return FrameScore.of(scores, Double::doubleValue, s -> 1.0, cut);
  }

  /** A candidate: its score and its class certainty. */
  private record Candidate(double score, double classCertainty) {}

  @Test
  void shouldAlsoWeighTheClassCertaintyOfEveryKeptBoxButNotOfADroppedOne() {
    List<Candidate> candidates = List.of(new Candidate(0.9, 0.8), new Candidate(0.3, 0.5), new Candidate(0.1, 0.4));

    FrameScore score = FrameScore.of(candidates, Candidate::score, Candidate::classCertainty, 0.25);

    double kept = 0.5 + 0.5 * 0.65 / 0.75;
    double nearMiss = 0.5 + 0.5 * 0.05 / 0.75;
    double dropped = 0.5 + 0.5 * 0.15 / 0.25;
    assertThat(score.score()).isCloseTo(kept * 0.8 * nearMiss * 0.5 * dropped, within(1e-9));
    // margin and entropy still describe the least certain keep-or-drop decision, the class left out
    assertThat(score.margin()).isCloseTo(2 * nearMiss - 1, within(1e-9));
  }

  @Test
  void shouldTakeTheClassCertaintyAsTheWinningScoresShareOfTheAnchorsClassScores() {
    assertThat(FrameScore.classCertainty(0.6, 0.8)).isCloseTo(0.75, within(1e-12));
    assertThat(FrameScore.classCertainty(0.6, 0.0)).isEqualTo(1.0);
    assertThat(FrameScore.classCertainty(0.6, 0.5)).isEqualTo(1.0);
    assertThatThrownBy(() -> FrameScore.of(List.of(new Candidate(0.9, 0.0)), Candidate::score,
        Candidate::classCertainty, 0.25)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldBeTheChanceOfEachDecisionAtACutOffOfOneHalf() {
    FrameScore score = ofScores(List.of(0.9, 0.6, 0.1), 0.5);

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
    assertThat(ofScores(List.of(), 0.25)).isEqualTo(new FrameScore(1.0, 1.0, 0.0));
  }

  @Test
  void shouldLeaveOutBoxesBelowTheCandidateFloorAsAReplayFileKeepsThem() {
    List<Double> scores = List.of(0.9, 0.049, 0.01);

    assertThat(ofScores(scores, 0.5).score()).isCloseTo(0.9, within(1e-12));
    assertThat(ofScores(List.of(0.9, 0.05), 0.5).score())
        .isCloseTo(0.9 * 0.95, within(1e-12));
  }

  @Test
  void shouldRefuseACutOffOutsideTheScores() {
    assertThatThrownBy(() -> ofScores(List.of(), 1.0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
