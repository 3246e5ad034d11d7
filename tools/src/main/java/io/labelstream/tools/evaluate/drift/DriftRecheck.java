package io.labelstream.tools.evaluate.drift;

import static io.labelstream.tools.evaluate.drift.DriftFigures.count;
import static io.labelstream.tools.evaluate.drift.DriftFigures.honestNeeded;
import static io.labelstream.tools.evaluate.drift.DriftFigures.mean;
import static io.labelstream.tools.evaluate.drift.DriftFigures.min;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code ./labelstream evaluate --drift --recheck [--set tuning|held-out] [--only TEXT]}: the validation weight
 * re-checked on the drift suite's streams instead of the test predictions {@code evaluate} reports on (issue 16).
 * A few candidate weights, each through the same {@link DriftStreamRun}: the unchanged
 * streams (what a candidate costs or gains in share, and whether its bound is honest) and the changes the detectors
 * miss or catch late (mild and moderate, abrupt, of the kinds that change pixels), where only the controller's own
 * shift estimate stands between the model and a wrong label.
 */
final class DriftRecheck {

  /** One validation weight under test. */
  record Candidate(double validationWeight) {

    String name() {
      return String.format(Locale.ROOT, "weight %.1f", validationWeight);
    }
  }

  /** The weights around the default (0.5 since this re-check; 0.7 before) and 1.0. */
  static final List<Candidate> CANDIDATES = List.of(new Candidate(0.5), new Candidate(0.6), new Candidate(0.7),
      new Candidate(0.8), new Candidate(1.0));

  /** The changes the detectors miss or catch late: what the controller's shift estimate alone has to absorb. */
  static List<DriftScenario> undetected() {
    List<DriftKind> kinds = List.of(DriftKind.JPEG, DriftKind.TRANSLATION, DriftKind.BRIGHTNESS, DriftKind.BLUR,
        DriftKind.NOISE);
    return DriftScenario.suite().stream()
        .filter(s -> s.drifts() && kinds.contains(s.kind()) && s.severity() != DriftSeverity.SEVERE && !s.gradual()
            && s.cameras() == DriftScenario.Cameras.ONE)
        .toList();
  }

  static List<DriftScenario> unchanged() {
    return List.of(DriftScenario.none(), DriftScenario.noneOnTwoCameras());
  }

  private final DriftStreamRun streams;
  private final PrintStream out;

  /** @param streams the suite's streams through the production policy, whose validation weight the recheck varies */
  DriftRecheck(DriftStreamRun streams, PrintStream out) {
    this.streams = streams;
    this.out = out;
  }

  /**
   * Runs the candidates whose name holds {@code only} ("" for all) on one half and prints their rows, then one
   * summary line per candidate.
   */
  void run(DriftSplit split, String only) {
    double target = streams.target();
    List<Integer> images = streams.images(split);
    List<Long> seeds = split.seeds(DriftEvaluate.SEEDS);
    out.printf(Locale.ROOT, "%nRecheck of the validation weight, %s set: %d test images, seeds "
        + "%d-%d%n", split.label(), images.size(), seeds.get(0), seeds.get(seeds.size() - 1));
    out.println("  unchanged: share% = mean model-labelled share after " + DriftStreamRun.WARMUP + " frames, "
        + "/oracle = least share / hindsight oracle over seeds, honest = current-regime bound <= realised (of "
        + seeds.size() + ")");
    out.println("  changed (mild, moderate; abrupt): min-acc = least realised accuracy after the change, >=tgt = "
        + "seeds at or above " + target + ", honest as above");
    List<String> summary = new ArrayList<>();
    for (Candidate candidate : CANDIDATES.stream().filter(c -> c.name().contains(only)).toList()) {
      DriftStreamRun runner = streams.withValidationWeight(candidate.validationWeight());
      out.printf(Locale.ROOT, "%n%s%n", candidate.name());
      double share = 0;
      double oracle = Double.MAX_VALUE;
      long honestUnchanged = Long.MAX_VALUE;
      for (DriftScenario scenario : unchanged()) {
        List<DriftStreamRun.Result> results = runner.runAll(scenario, images, seeds);
        double mean = mean(results, DriftStreamRun.Result::share);
        double least = min(results, r -> r.share() / r.oracleShare());
        long honest = count(results, DriftFigures::honest);
        out.printf(Locale.ROOT, "  %-28s share%% %6.2f  /oracle %6.4f  honest %2d%n", scenario.name(), 100 * mean,
            least, honest);
        share += mean / unchanged().size();
        oracle = Math.min(oracle, least);
        honestUnchanged = Math.min(honestUnchanged, honest);
      }
      double worst = 1.0;
      long aboveTarget = 0;
      int honestScenarios = 0;
      for (DriftScenario scenario : undetected()) {
        List<DriftStreamRun.Result> results = runner.runAll(scenario, images, seeds);
        double least = min(results, DriftStreamRun.Result::realisedAfterChange);
        long above = count(results, r -> r.realisedAfterChange() >= target);
        long honest = count(results, DriftFigures::honest);
        out.printf(Locale.ROOT, "  %-28s min-acc %6.4f  >=tgt %2d  honest %2d%n", scenario.name(), least, above,
            honest);
        worst = Math.min(worst, least);
        aboveTarget += above;
        honestScenarios += honest >= honestNeeded(seeds.size()) ? 1 : 0;
      }
      summary.add(String.format(Locale.ROOT, "%-10s %6.2f  %7.4f  %6d  %11.4f  %7d/%d  %8d/%d", candidate.name(),
          100 * share, oracle, honestUnchanged, worst, aboveTarget, seeds.size() * undetected().size(),
          honestScenarios, undetected().size()));
    }
    out.printf(Locale.ROOT, "%nsummary (%s): unchanged share%% (mean of both), least /oracle, least honest count; "
        + "changed: least min-acc, seeds >= target, scenarios honest in >= %d of %d%n", split.label(),
        honestNeeded(seeds.size()), seeds.size());
    out.println("candidate   share%  /oracle  honest  min-acc(chg)  >=tgt(chg)  honest(chg)");
    summary.forEach(out::println);
  }

}
