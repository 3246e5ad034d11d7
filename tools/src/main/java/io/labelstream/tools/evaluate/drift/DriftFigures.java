package io.labelstream.tools.evaluate.drift;

import io.labelstream.tools.evaluate.HindsightOracle;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/** Figures over the seeded streams of one scenario, as the drift suite and its recheck print them. */
final class DriftFigures {

  private DriftFigures() {}

  /** Honest in all but one in twenty seeds: what the suite asks of a bound. */
  static long honestNeeded(int seeds) {
    return seeds - seeds / 20;
  }

  /** The published bound of the regime the changed camera ends in does not claim more than its labels achieved. */
  static boolean honest(DriftStreamRun.Result r) {
    return r.currentBound() <= r.currentRealised();
  }

  /**
   * The seeds' model-labelled shares against their hindsight oracles': how many reach {@code ofOracle} of theirs, the
   * lowest ratio, and the shares added up against the oracles' ({@link HindsightOracle#sharesTogether}).
   */
  static String shareAgainstOracle(List<DriftStreamRun.Result> results, double ofOracle) {
    return String.format(Locale.ROOT, "%d of %d, lowest ratio %.3f; the %d seeds together %.3f",
        count(results, r -> r.share() >= ofOracle * r.oracleShare()), results.size(),
        min(results, r -> r.share() / r.oracleShare()), results.size(),
        HindsightOracle.sharesTogether(results, DriftStreamRun.Result::share, DriftStreamRun.Result::oracleShare));
  }

  static double min(List<DriftStreamRun.Result> results, ToDoubleFunction<DriftStreamRun.Result> f) {
    return results.stream().mapToDouble(f).min().orElse(Double.NaN);
  }

  static double max(List<DriftStreamRun.Result> results, ToDoubleFunction<DriftStreamRun.Result> f) {
    return results.stream().mapToDouble(f).max().orElse(Double.NaN);
  }

  static double mean(List<DriftStreamRun.Result> results, ToDoubleFunction<DriftStreamRun.Result> f) {
    return results.stream().mapToDouble(f).average().orElse(Double.NaN);
  }

  static double sum(List<DriftStreamRun.Result> results, ToDoubleFunction<DriftStreamRun.Result> f) {
    return results.stream().mapToDouble(f).sum();
  }

  static long count(List<DriftStreamRun.Result> results, Predicate<DriftStreamRun.Result> p) {
    return results.stream().filter(p).count();
  }
}
