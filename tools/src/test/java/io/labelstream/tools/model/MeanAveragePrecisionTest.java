package io.labelstream.tools.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.labelstream.tools.model.MeanAveragePrecision.Box;
import io.labelstream.tools.model.MeanAveragePrecision.ClassAp;
import java.util.List;
import org.junit.jupiter.api.Test;

/** COCO's AP on cases small enough to work out by hand. */
class MeanAveragePrecisionTest {

  private static final Box TRUE_A = Box.truth(0, 0, 0, 10, 10);
  private static final Box TRUE_B = Box.truth(0, 100, 100, 10, 10);

  @Test
  void shouldGiveOneToExactBoxesAndLeaveClassesWithoutTruthOutOfTheMean() {
    MeanAveragePrecision map = new MeanAveragePrecision(2);
    map.add(List.of(TRUE_A), List.of(new Box(0, 0.9, 0, 0, 10, 10)));
    map.add(List.of(TRUE_B), List.of(new Box(0, 0.4, 100, 100, 10, 10)));

    ClassAp a = map.of(0);
    assertThat(a.trueBoxes()).isEqualTo(2);
    assertThat(a.ap50().getAsDouble()).isEqualTo(1.0);
    assertThat(a.ap50to95().getAsDouble()).isEqualTo(1.0);
    assertThat(map.of(1).ap50()).isEmpty();
    assertThat(MeanAveragePrecision.meanAp50(map.perClass()).getAsDouble()).isEqualTo(1.0);
  }

  @Test
  void shouldReadTheNonIncreasingPrecisionAtEveryRecallPoint() {
    // Ranked: a false box (0.9), then both true ones: precision 0, 1/2, 2/3 at recall 0, 1/2, 1; made non-increasing
    // from the right it is 2/3 everywhere.
    MeanAveragePrecision map = new MeanAveragePrecision(1);
    map.add(List.of(TRUE_A), List.of(new Box(0, 0.9, 50, 50, 10, 10), new Box(0, 0.8, 0, 0, 10, 10)));
    map.add(List.of(TRUE_B), List.of(new Box(0, 0.7, 100, 100, 10, 10)));

    assertThat(map.of(0).ap50().getAsDouble()).isCloseTo(2.0 / 3, within(1e-12));
  }

  @Test
  void shouldCountAMissedBoxAsRecallNeverReachedAndASecondBoxOnOneTruthAsFalse() {
    MeanAveragePrecision map = new MeanAveragePrecision(1);
    map.add(List.of(TRUE_A, TRUE_B), List.of(new Box(0, 0.9, 0, 0, 10, 10), new Box(0, 0.8, 0, 0, 10, 10)));

    // Recall 1/2 at precision 1 (points 0 to 0.50: 51 of 101), the duplicate is false, recall 1 is never reached.
    assertThat(map.of(0).ap50().getAsDouble()).isCloseTo(51.0 / 101, within(1e-12));
  }

  @Test
  void shouldMatchOnlyTheSameClassAndOnlyFromEachIouThresholdItReaches() {
    MeanAveragePrecision map = new MeanAveragePrecision(2);
    // IoU 60/100 = 0.6 with TRUE_A: a match at 0.50, 0.55 and 0.60, not from 0.65 on.
    map.add(List.of(TRUE_A), List.of(new Box(0, 0.9, 0, 0, 10, 6), new Box(1, 0.95, 0, 0, 10, 10)));

    ClassAp a = map.of(0);
    assertThat(a.ap50().getAsDouble()).isEqualTo(1.0);
    assertThat(a.ap50to95().getAsDouble()).isCloseTo(0.3, within(1e-12));
    assertThat(map.of(1).ap50()).as("class 1 has no true box: its box counts nowhere").isEmpty();
  }
}
