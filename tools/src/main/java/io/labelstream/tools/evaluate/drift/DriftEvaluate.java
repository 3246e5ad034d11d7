package io.labelstream.tools.evaluate.drift;

import static io.labelstream.tools.evaluate.drift.DriftFigures.count;
import static io.labelstream.tools.evaluate.drift.DriftFigures.honestNeeded;
import static io.labelstream.tools.evaluate.drift.DriftFigures.max;
import static io.labelstream.tools.evaluate.drift.DriftFigures.mean;
import static io.labelstream.tools.evaluate.drift.DriftFigures.min;
import static io.labelstream.tools.evaluate.drift.DriftFigures.sum;

import io.labelstream.inference.InferenceToolkit;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.config.InferenceVariables;
import io.labelstream.platform.config.ToolVariables;
import io.labelstream.platform.model.ModelFolder;
import io.labelstream.platform.model.ModelIdentity;
import io.labelstream.review.ReviewToolkit;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ./labelstream evaluate --drift}: the drift suite. Every {@link DriftScenario} over 20 seeded streams of one
 * half of the test images, through the production drift-aware policy with a simulated reviewer; first the tuning
 * half (what settings were chosen on), then the held-out half, whose figures are checked against the targets.
 */
public final class DriftEvaluate {

  static final int SEEDS = 20;
  static final double EVERY_RUN_FLOOR = 0.985;
  static final int MAX_LABELS_BEFORE_REACTION = 200;
  static final double MAX_EXTRA_AUDITS = 0.05;
  static final double MAX_FALSE_ALARM_COST = 0.01;

  private final DriftStreamRun streams;
  private final PrintStream out;
  private final boolean perSeed;

  /** @param perSeed also print each seed's figures under its scenario's row */
  DriftEvaluate(DriftStreamRun streams, PrintStream out, boolean perSeed) {
    this.streams = streams;
    this.out = out;
    this.perSeed = perSeed;
  }

  /** Where the model's answers on the drifted images are cached (git-ignored run-time data). */
  static final Path CACHE = Path.of("data", "drift-cache");

  /**
   * {@code ./labelstream evaluate --drift [--set tuning|held-out] [--only TEXT] [--per-seed]}, or with {@code
   * --recheck} the validation weights compared ({@link DriftRecheck}, one half, tuning unless named): the bundled
   * classifier (the kinds change 28x28 grey images), the review service's production settings read from {@code
   * environment}; both halves unless one is named, the held-out half checked against the targets.
   *
   * @return 0 when the held-out targets were met (or only the tuning half was run)
   */
  public static int run(Map<String, String> environment, ModelFolder classifier, List<String> args) throws IOException {
    Env env = new Env(environment);
    boolean recheck = args.contains("--recheck");
    // the recheck runs one half: the tuning one unless the held-out one is asked for by name
    String set = args.contains("--set") && args.indexOf("--set") + 1 < args.size()
        ? args.get(args.indexOf("--set") + 1) : recheck ? "tuning" : "both";
    if (!List.of("both", "tuning", "held-out").contains(set) || (recheck && set.equals("both"))) {
      System.err.println("--set is tuning or held-out, not " + set);
      return 2;
    }
    Path dataset = env.get(ToolVariables.LABELSTREAM_FASHION_MNIST);
    if (!Files.exists(dataset.resolve("t10k-images-idx3-ubyte.gz"))) {
      System.err.println("--drift needs the Fashion-MNIST test images at " + dataset
          + " (apt-get install dataset-fashion-mnist, or set LABELSTREAM_FASHION_MNIST)");
      return 1;
    }
    ModelIdentity identity = ModelIdentity.read(classifier);
    ReviewToolkit policies = ReviewToolkit.fromEnvironment(env, classifier, identity.classNames().size());
    DriftPredictions data;
    try (InferenceToolkit model = InferenceToolkit.model(classifier, env)) {
      data = DriftPredictions.load(model, dataset, CACHE);
    }
    double auditRate = env.get(InferenceVariables.INFERENCE_AUDIT_RATE);
    // --only TEXT keeps the scenarios whose name holds TEXT (and the unchanged ones the checks compare with); in the
    // recheck, the candidates whose name holds it
    String only = args.contains("--only") && args.indexOf("--only") + 1 < args.size()
        ? args.get(args.indexOf("--only") + 1) : "";
    if (recheck) {
      new DriftRecheck(new DriftStreamRun(policies, data, auditRate), System.out)
          .run(set.equals("tuning") ? DriftSplit.TUNING : DriftSplit.HELD_OUT, only);
      return 0;
    }
    DriftEvaluate suite = new DriftEvaluate(new DriftStreamRun(policies, data, auditRate), System.out,
        args.contains("--per-seed"));
    System.out.printf(Locale.ROOT, "Drift suite: %s, %d scenarios x %d seeds; each stream %d ordinary frames, then "
        + "the change (gradual: over %d frames); target %.3f, audit rate %.3f%n", identity.name(),
        DriftScenario.suite().size(), SEEDS, DriftScenario.ORDINARY_FRAMES, DriftScenario.RAMP_FRAMES,
        policies.targets().target(), auditRate);
    List<DriftScenario> scenarios = DriftScenario.suite().stream()
        .filter(s -> !s.drifts() || s.name().contains(only)).toList();
    int failed = 0;
    if (!set.equals("held-out")) {
      suite.run(DriftSplit.TUNING, scenarios, false);
    }
    if (!set.equals("tuning")) {
      failed = suite.run(DriftSplit.HELD_OUT, scenarios, true);
    }
    return failed == 0 ? 0 : 1;
  }

  /** Runs the suite on one half; prints a row per scenario and, when {@code checked}, the targets. */
  int run(DriftSplit split, List<DriftScenario> scenarios, boolean checked) {
    double target = streams.target();
    List<Integer> images = streams.images(split);
    out.printf(Locale.ROOT, "%n%s set: %d test images, seeds %d-%d%s%n", split.label(), images.size(),
        split.seeds(SEEDS).get(0), split.seeds(SEEDS).get(SEEDS - 1),
        checked ? " (the targets are checked on these)" : " (settings were chosen on these; not checked)");
    out.println("scenario                                    min-acc  >=tgt  honest  react-max  alarms  false  "
        + "share%  extra-aud%  recalled  written-min");
    out.println("  (min-acc: the least accuracy over seeds of the model labels standing after the change, recalled ones "
        + "having gone back to people; written-min: the same over every model label as written; honest: seeds whose "
        + "final regime's bound for the labels it wrote is at or below their accuracy; recalled: labels sent back per "
        + "stream)");
    Map<DriftScenario, List<DriftStreamRun.Result>> all = new LinkedHashMap<>();
    for (DriftScenario scenario : scenarios) {
      List<DriftStreamRun.Result> results = streams.runAll(scenario, images, split.seeds(SEEDS));
      all.put(scenario, results);
      printRow(scenario, results, target);
      if (perSeed) {
        results.forEach(this::printSeed);
      }
    }
    return checked ? check(all, target) : 0;
  }

  private void printRow(DriftScenario scenario, List<DriftStreamRun.Result> results, double target) {
    out.printf(Locale.ROOT, "%-42s  %7.4f  %5d  %6d  %9d  %6.1f  %5d  %6.2f  %10.2f  %8.1f  %11.4f%n",
        scenario.name(),
        min(results, DriftStreamRun.Result::realisedAfterChange),
        count(results, r -> r.realisedAfterChange() >= target), count(results, DriftFigures::honest),
        (int) max(results, DriftStreamRun.Result::labelledBeforeReaction),
        mean(results, DriftStreamRun.Result::changesDetected), (int) sum(results, DriftStreamRun.Result::falseAlarms),
        100 * mean(results, DriftStreamRun.Result::share), 100 * max(results, DriftStreamRun.Result::extraAuditShare),
        mean(results, DriftStreamRun.Result::recalled), min(results, DriftStreamRun.Result::writtenAccuracyAfterChange));
  }

  /** One seed: the model labels standing after the change and their errors, as written, recalled; share and bound. */
  private void printSeed(DriftStreamRun.Result r) {
    out.printf(Locale.ROOT, "    seed %3d: standing %4d (%d wrong, %.4f), written %4d (%d wrong), recalled %4d, share "
            + "%.4f, final regime's bound %.4f and accuracy %.4f, alarms %d%n", r.seed(), r.labelledAfterChange(),
        r.labelledAfterChange() - r.correctAfterChange(), r.realisedAfterChange(), r.writtenAfterChange(),
        r.writtenAfterChange() - r.correctWrittenAfterChange(), r.recalled(), r.share(), r.currentBound(),
        r.currentRealised(), r.changesDetected());
  }

  private int check(Map<DriftScenario, List<DriftStreamRun.Result>> all, double target) {
    int failed = 0;
    long honestNeeded = honestNeeded(SEEDS);
    out.println();
    out.println("targets (held-out):");
    for (Map.Entry<DriftScenario, List<DriftStreamRun.Result>> entry : all.entrySet()) {
      DriftScenario scenario = entry.getKey();
      List<DriftStreamRun.Result> results = entry.getValue();
      if (scenario.drifts()) {
        failed += check(scenario.name() + ": realised accuracy after the change >= " + EVERY_RUN_FLOOR + " every run",
            min(results, DriftStreamRun.Result::realisedAfterChange) >= EVERY_RUN_FLOOR, false);
        failed += check(scenario.name() + ": >= target in >= " + honestNeeded + " of " + SEEDS,
            count(results, r -> r.realisedAfterChange() >= target) >= honestNeeded, false);
        failed += check(scenario.name() + ": extra audits <= 5% of the affected regime's frames",
            max(results, DriftStreamRun.Result::extraAuditShare) <= MAX_EXTRA_AUDITS, false);
      }
      failed += check(scenario.name() + ": current-regime bound <= realised in >= " + honestNeeded,
          count(results, DriftFigures::honest) >= honestNeeded, false);
      if (scenario.drifts() && scenario.severity() == DriftSeverity.SEVERE && !scenario.gradual()
          && scenario.kind() != DriftKind.CLASS_MIX) {
        failed += check(scenario.name() + ": <= " + MAX_LABELS_BEFORE_REACTION + " model labels before the reaction",
            max(results, DriftStreamRun.Result::labelledBeforeReaction) <= MAX_LABELS_BEFORE_REACTION, false);
      }
      if (scenario.drifts() && scenario.cameras() == DriftScenario.Cameras.ONE_OF_TWO) {
        List<DriftStreamRun.Result> steady = all.get(DriftScenario.noneOnTwoCameras());
        long kept = 0;
        for (int i = 0; i < results.size(); i++) {
          kept += results.get(i).secondCameraShare() >= 0.95 * steady.get(i).secondCameraShare() ? 1 : 0;
        }
        failed += check(String.format(Locale.ROOT, "%s: the camera that did not change keeps >= 0.95 of its share "
            + "in every seed (%d of %d)", scenario.name(), kept, results.size()), kept == results.size(), true);
      }
      if (!scenario.drifts()) {
        failed += check(scenario.name() + ": share after " + DriftStreamRun.WARMUP + " frames >= 0.95 x oracle every seed ("
            + DriftFigures.shareAgainstOracle(results, 0.95) + ")",
            count(results, r -> r.share() >= 0.95 * r.oracleShare()) == results.size(), true);
        failed += check(scenario.name() + ": audits <= 2% of frames every seed",
            max(results, DriftStreamRun.Result::auditShare) <= 0.02 + 1e-9, true);
        double cost = mean(results, r -> r.plainShare() - r.share());
        failed += check(String.format(Locale.ROOT, "%s: false alarms cost <= 1 point of share (%.2f points, %d alarms)",
            scenario.name(), 100 * cost, (int) sum(results, DriftStreamRun.Result::falseAlarms)),
            cost <= MAX_FALSE_ALARM_COST, true);
      }
    }
    out.println(failed == 0 ? "ALL DRIFT TARGETS MET (held-out)" : failed + " DRIFT TARGET(S) MISSED (held-out)");
    return failed;
  }

  /** Prints failures always and successes only when {@code always}: the suite has a few hundred checks. */
  private int check(String what, boolean ok, boolean always) {
    if (!ok || always) {
      out.println("  [" + (ok ? "met" : "MISSED") + "] " + what);
    }
    return ok ? 0 : 1;
  }
}
