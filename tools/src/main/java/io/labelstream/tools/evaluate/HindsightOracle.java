package io.labelstream.tools.evaluate;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/**
 * What the threshold controller is compared with: the largest share of frames one single threshold could have
 * labelled at the target, chosen with hindsight on the frames' true outcomes.
 */
public final class HindsightOracle {

  private HindsightOracle() {}

  /**
   * Runs' model-labelled shares added up against their oracles' shares added up: the other reading of a share target
   * judged run by run. Each run's oracle cut is chosen on that run's own frames, so it is luckier than any policy can
   * be; summed over the runs, that luck averages out.
   */
  public static <T> double sharesTogether(List<T> runs, ToDoubleFunction<T> share, ToDoubleFunction<T> oracleShare) {
    return runs.stream().mapToDouble(share).sum() / runs.stream().mapToDouble(oracleShare).sum();
  }

  /** The share of {@code frames} the best single cut labels with realised accuracy at or above {@code target}. */
  public static <T> double share(List<T> frames, ToDoubleFunction<T> score, Predicate<T> correct, double target) {
    List<T> sorted = new ArrayList<>(frames);
    sorted.sort((a, b) -> Double.compare(score.applyAsDouble(b), score.applyAsDouble(a)));
    int right = 0;
    int best = 0;
    for (int i = 0; i < sorted.size(); i++) {
      right += correct.test(sorted.get(i)) ? 1 : 0;
      boolean cutHere = i + 1 == sorted.size()
          || score.applyAsDouble(sorted.get(i + 1)) < score.applyAsDouble(sorted.get(i));
      if (cutHere && (double) right / (i + 1) >= target) {
        best = i + 1;
      }
    }
    return frames.isEmpty() ? 0.0 : (double) best / frames.size();
  }
}
