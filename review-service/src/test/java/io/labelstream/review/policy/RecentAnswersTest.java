package io.labelstream.review.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RecentAnswersTest {

  @Test
  void shouldMeasureTheLatestAnswersUndilutedByTheEarlierOnes() {
    RecentAnswers recent = new RecentAnswers(100);
    recent.update(new ConfidentAnswers(100, 1, 1.0));

    ConfidentAnswers cumulative = new ConfidentAnswers(200, 21, 2.0);
    ConfidentAnswers latest = recent.update(cumulative);

    assertThat(latest).isEqualTo(new ConfidentAnswers(100, 20, 1.0));
    assertThat(latest.shift()).isCloseTo(10.5, within(1e-9));
    assertThat(cumulative.shift()).isCloseTo(22.0 / 3.0, within(1e-9));
  }

  @Test
  void shouldKeepWholeDecisionsUntilTheWindowIsFullAndForgetTheRest() {
    RecentAnswers recent = new RecentAnswers(100);
    recent.update(new ConfidentAnswers(60, 6, 1.0));
    recent.update(new ConfidentAnswers(120, 6, 2.0));
    // a decision without new answers changes nothing
    recent.update(new ConfidentAnswers(120, 6, 2.0));

    // 60 + 60 reach the window; the first decision's 60 are forgotten once 70 newer ones follow
    assertThat(recent.update(new ConfidentAnswers(190, 13, 3.0))).isEqualTo(new ConfidentAnswers(130, 7, 2.0));
  }

  @Test
  void shouldUseEverythingWhileTheStreamHoldsFewerAnswersThanTheWindow() {
    RecentAnswers recent = new RecentAnswers(1_000);
    recent.update(new ConfidentAnswers(300, 3, 3.0));

    assertThat(recent.update(new ConfidentAnswers(500, 10, 5.0))).isEqualTo(new ConfidentAnswers(500, 10, 5.0));
  }

  @Test
  void shouldNotShiftBelowOneOrWithoutAnswers() {
    assertThat(ConfidentAnswers.NONE.shift()).isEqualTo(1.0);
    assertThat(new ConfidentAnswers(1_000, 0, 5.0).shift()).isEqualTo(1.0);
  }
}
