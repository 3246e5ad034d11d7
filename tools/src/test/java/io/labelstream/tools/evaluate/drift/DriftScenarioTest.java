package io.labelstream.tools.evaluate.drift;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The drift suite's streams: when the change starts, how it ramps, and the halves that keep tuning off held-out. */
class DriftScenarioTest {

  @Test
  void shouldLeaveTheOrdinaryFramesUnchangedThenChangeAtOnceOrRamp() {
    DriftScenario abrupt = new DriftScenario(DriftKind.NOISE, DriftSeverity.MODERATE, false, DriftScenario.Cameras.ONE);
    DriftScenario gradual = new DriftScenario(DriftKind.NOISE, DriftSeverity.SEVERE, true, DriftScenario.Cameras.ONE);
    int first = DriftScenario.ORDINARY_FRAMES;

    assertThat(abrupt.step(first - 1)).isZero();
    assertThat(abrupt.step(first)).isEqualTo(DriftSeverity.MODERATE.step());
    assertThat(gradual.step(first)).isEqualTo(1);
    assertThat(gradual.step(first + DriftScenario.RAMP_FRAMES / 2 - 1)).isEqualTo(3);
    assertThat(gradual.step(first + DriftScenario.RAMP_FRAMES / 2)).isEqualTo(4);
    assertThat(gradual.step(first + DriftScenario.RAMP_FRAMES + 10)).isEqualTo(DriftSeverity.SEVERE.step());
    assertThat(DriftScenario.none().step(first + 10)).isZero();
  }

  @Test
  void shouldSplitTheImagesIntoDisjointHalvesWithDisjointSeeds() {
    List<Integer> tuning = DriftSplit.TUNING.images(10_000);
    List<Integer> heldOut = DriftSplit.HELD_OUT.images(10_000);
    Set<Integer> both = new HashSet<>(tuning);
    both.addAll(heldOut);

    assertThat(tuning).hasSize(5_000).doesNotContainAnyElementsOf(heldOut);
    assertThat(both).hasSize(10_000);
    assertThat(DriftSplit.TUNING.seeds(20)).doesNotContainAnyElementsOf(DriftSplit.HELD_OUT.seeds(20));
    assertThat(DriftSplit.TUNING.images(10_000)).isEqualTo(tuning);
  }

  @Test
  void shouldBringMoreHardClassesAfterAClassMixChangeAndKeepEveryImageOnce() {
    List<Integer> images = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      images.add(i);
    }
    DriftScenario mix = new DriftScenario(DriftKind.CLASS_MIX, DriftSeverity.SEVERE, false, DriftScenario.Cameras.ONE);

    List<Integer> order = ClassMix.reorder(images, mix, image -> image % 10, new Random(1));

    assertThat(new HashSet<>(order)).hasSize(images.size());
    assertThat(order.subList(0, DriftScenario.ORDINARY_FRAMES)).isEqualTo(images.subList(0, DriftScenario.ORDINARY_FRAMES));
    long hardAfter = order.subList(DriftScenario.ORDINARY_FRAMES, DriftScenario.ORDINARY_FRAMES + 1_000).stream()
        .filter(image -> ClassMix.isHard(image % 10)).count();
    // 40% of the classes are hard; weighted 4x they make 4*0.4/(4*0.4+0.6) = 73% of the draws at first
    assertThat(hardAfter).isGreaterThan(600);
  }
}
