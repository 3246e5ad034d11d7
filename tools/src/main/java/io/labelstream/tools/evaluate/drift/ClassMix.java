package io.labelstream.tools.evaluate.drift;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntUnaryOperator;

/**
 * A class-mix change: the pixels stay, the stream brings more of the classes the model finds hard (a new route with
 * other objects). After the ordinary frames each frame is drawn from the images left, the hard classes weighted by
 * {@link DriftKind#CLASS_MIX}'s parameter at the change's step (4 times at full severity).
 */
final class ClassMix {

  /** T-shirt/top, Pullover, Coat, Shirt: the classes the bundled model confuses most. */
  static final int[] HARD_CLASSES = {0, 2, 4, 6};

  private ClassMix() {}

  static List<Integer> reorder(List<Integer> shuffled, DriftScenario scenario, IntUnaryOperator label, Random random) {
    List<Integer> ordinary = new ArrayList<>(shuffled.subList(0, Math.min(DriftScenario.ORDINARY_FRAMES, shuffled.size())));
    List<Integer> hard = new ArrayList<>();
    List<Integer> easy = new ArrayList<>();
    for (int image : shuffled.subList(ordinary.size(), shuffled.size())) {
      (isHard(label.applyAsInt(image)) ? hard : easy).add(image);
    }
    List<Integer> order = new ArrayList<>(ordinary);
    while (!hard.isEmpty() || !easy.isEmpty()) {
      double weight = DriftKind.CLASS_MIX.parameter(DriftKind.severity(scenario.step(order.size())));
      double hardMass = weight * hard.size();
      boolean takeHard = !hard.isEmpty() && (easy.isEmpty() || random.nextDouble() * (hardMass + easy.size()) < hardMass);
      // both pools are already in shuffled order: taking from the end is a uniform draw within the pool
      order.add(takeHard ? hard.remove(hard.size() - 1) : easy.remove(easy.size() - 1));
    }
    return order;
  }

  static boolean isHard(int label) {
    for (int c : HARD_CLASSES) {
      if (c == label) {
        return true;
      }
    }
    return false;
  }
}
