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
  void shouldMultiplyTheChanceThatEachKeepOrDropDecisionIsRight() {
    FrameScore score = FrameScore.ofBoxes(List.of(scored(0.9f), scored(0.6f), scored(0.1f)));

    assertThat(score.score()).isCloseTo(0.9 * 0.6 * 0.9, within(1e-6));
    // The least certain candidate is 0.6.
    assertThat(score.margin()).isCloseTo(0.2, within(1e-6));
    assertThat(score.entropy()).isCloseTo(-0.6 * Math.log(0.6) - 0.4 * Math.log(0.4), within(1e-6));
  }

  @Test
  void shouldBeCertainOfAFrameWithoutCandidates() {
    assertThat(FrameScore.ofBoxes(List.of())).isEqualTo(new FrameScore(1.0, 1.0, 0.0));
  }

  @Test
  void shouldLeaveOutBoxesBelowTheCandidateFloorAsAReplayFileKeepsThem() {
    List<Double> scores = List.of(0.9, 0.049, 0.01);

    assertThat(FrameScore.of(scores, Double::doubleValue).score()).isCloseTo(0.9, within(1e-12));
    assertThat(FrameScore.of(List.of(0.9, 0.05), Double::doubleValue).score()).isCloseTo(0.9 * 0.95, within(1e-12));
  }

  @Test
  void shouldRefuseBoxesPeopleDrew() {
    assertThatThrownBy(() -> FrameScore.ofBoxes(List.of(scored(null)))).isInstanceOf(IllegalArgumentException.class);
  }
}
