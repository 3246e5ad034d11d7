package io.labelstream.tools.evaluate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.config.InferenceVariables;
import io.labelstream.platform.config.ReviewVariables;
import io.labelstream.platform.config.SharedVariables;
import io.labelstream.platform.model.DetectionReplay;
import io.labelstream.platform.model.ModelFolder;
import io.labelstream.platform.model.ModelIdentity;
import io.labelstream.review.ReviewToolkit;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * {@code ./labelstream evaluate --task detection}: replays the detector's test predictions ({@code
 * <model>.test.jsonl}: each test scene's true boxes and the model's candidates) in 20 seeded stream orders through
 * the production threshold controller, as the review service sets it up for the model (its validation scenes, its
 * target), with audits drawn as the worker draws them and a simulated reviewer who answers every review and audit
 * with the true boxes, so an answer says whether the model's boxes were exact ({@link DetectionReplay}). Checks the
 * frame-exactness targets of issue "Boxes".
 */
final class DetectionEvaluate {

  /** The bundled detector, in the repository's model/ folder beside the classifier. */
  static final Path BUNDLED = Path.of("model", "fashion-detector.onnx");

  static final double SHARE_OF_ORACLE = 0.9;
  static final double MAX_AUDIT_SHARE = 0.03;

  /**
   * @param target overrides the target the review service would work to (--target)
   * @param json where the figures also go as JSON (--json FILE)
   */
  record Options(OptionalDouble target, Optional<Path> json) {}

  /** One seed's figures. */
  record Seed(long seed, int frames, int modelLabelled, double exactness, double bound, double estimate,
      int warmup, double shareAfterWarmup, double oracleShareAfterWarmup, double auditShare, double modelShare) {}

  /** One target of the issue and whether it was met. */
  record Check(String target, boolean met) {}

  private DetectionEvaluate() {}

  static int run(Map<String, String> environment, Options options, PrintStream out) throws IOException {
    Env env = new Env(environment);
    ModelFolder model = ModelFolder.of(env.find(SharedVariables.LABELSTREAM_MODEL_DIR).orElse(BUNDLED));
    ModelIdentity identity = ModelIdentity.read(model);
    if (!identity.task().equals(ModelIdentity.DETECTION)) {
      throw new IOException("evaluate --task detection needs a detection model; " + model + " is a "
          + identity.task() + " model (its card's task)");
    }
    DetectionReplay replay = DetectionReplay.of(model);
    Path testFile = model.path(".test.jsonl").filter(Files::isRegularFile).orElseThrow(() -> new IOException(
        "the model " + model.baseName() + " has no " + model.baseName() + ".test.jsonl (its test scenes with true "
            + "and candidate boxes) in " + model.location()));
    List<TestPredictions.Row> rows = new ArrayList<>();
    for (DetectionReplay.Frame f : replay.read(Files.readAllBytes(testFile))) {
      // The one routing class is 0; an answer is class 0 when the model's boxes were exact, else -1 (as the review
      // service counts a boxes answer).
      rows.add(new TestPredictions.Row(f.scene(), f.exact() ? 0 : -1, 0, f.score()));
    }
    if (rows.size() < 10) {
      throw new IOException(testFile + " holds " + rows.size() + " scenes; a replay needs at least 10");
    }
    ReviewToolkit policy = ReviewToolkit.forModel(env, model, identity, options.target());
    ReviewToolkit.Targets settings = policy.targets();
    double target = settings.target();
    double auditRate = env.get(InferenceVariables.INFERENCE_AUDIT_RATE);
    // As classification: the share is judged after the first 2,000 frames (or half of a test set under 4,000).
    int warmup = Math.min(Evaluate.WARMUP, rows.size() / 2);
    StreamSimulation simulation = new StreamSimulation(policy, 1, auditRate, 200, warmup);
    long exactScenes = rows.stream().filter(TestPredictions.Row::correct).count();

    out.printf(Locale.ROOT, "Threshold controller on the %d test scenes of %s (%d exact at the card's scoreThreshold "
        + "%.2f, %.2f%%), %d seeded stream orders%n", rows.size(), testFile, exactScenes, replay.scoreThreshold(),
        100.0 * exactScenes / rows.size(), Evaluate.SEEDS);
    out.println(policy.hasValidation()
        ? "starting from the validation scenes in " + model.baseName() + ".validation.jsonl"
        : "no " + model.baseName() + ".validation.jsonl: the policy starts closed and earns its threshold from answers");
    out.printf(Locale.ROOT, "target frame exactness %.3f (%s) at confidence %.2f, audit rate %.3f, validation weight "
        + "%.2f%n", target, targetSource(env, options, replay), settings.confidence(), auditRate,
        settings.validationWeight());
    out.printf(Locale.ROOT, "initial threshold %.6f (2 = closed)%n%n", policy.newStream().initial().thresholds().get(0));
    printHeader(out, warmup);
    List<Seed> seeds = new ArrayList<>();
    for (long seed = 1; seed <= Evaluate.SEEDS; seed++) {
      StreamSimulation.Result r = simulation.run(rows, seed, (i, row) -> row);
      Seed s = new Seed(seed, r.frames(), r.modelLabelled(), r.realisedAccuracy(), r.finalBound(), r.finalEstimate(),
          warmup, r.shareAfterWarmup(), r.oracleShareAfterWarmup(), r.auditShare(), r.modelShare());
      seeds.add(s);
      printRow(out, s);
    }
    List<Check> checks = checks(seeds, target, warmup);
    long missed = printChecks(out, checks);
    if (options.json().isPresent()) {
      Map<String, Object> report = new LinkedHashMap<>();
      report.put("task", ModelIdentity.DETECTION);
      report.put("model", identity.name() + " " + identity.version());
      report.put("testFile", testFile.toString());
      report.put("scenes", rows.size());
      report.put("exactScenes", exactScenes);
      report.put("scoreThreshold", replay.scoreThreshold());
      report.put("target", target);
      report.put("targetSource", targetSource(env, options, replay));
      report.put("confidence", settings.confidence());
      report.put("auditRate", auditRate);
      report.put("validationWeight", settings.validationWeight());
      report.put("startsFromValidation", policy.hasValidation());
      report.put("seeds", seeds);
      report.put("targets", checks);
      report.put("allTargetsMet", missed == 0);
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(options.json().get().toFile(), report);
      out.println("figures written to " + options.json().get());
    }
    return missed == 0 ? 0 : 1;
  }

  static void printHeader(PrintStream out, int warmup) {
    out.printf(Locale.ROOT, " seed  exact   bound   model%%  after%d%%  oracle%%  ratio  audits%%%n", warmup);
  }

  static void printRow(PrintStream out, Seed s) {
    out.printf(Locale.ROOT, "%5d  %.4f  %.4f  %6.2f  %8.2f  %7.2f  %5.3f  %6.2f%n", s.seed(), s.exactness(), s.bound(),
        100 * s.modelShare(), 100 * s.shareAfterWarmup(), 100 * s.oracleShareAfterWarmup(), ratio(s),
        100 * s.auditShare());
  }

  /** Prints the targets and whether each was met; returns how many were missed. */
  static long printChecks(PrintStream out, List<Check> checks) {
    out.println();
    out.println("targets:");
    checks.forEach(c -> out.println("  [" + (c.met() ? "met" : "MISSED") + "] " + c.target()));
    long missed = checks.stream().filter(c -> !c.met()).count();
    out.println(missed == 0 ? "ALL TARGETS MET" : missed + " TARGET(S) MISSED");
    return missed;
  }

  private static double ratio(Seed s) {
    return s.oracleShareAfterWarmup() == 0 ? (s.shareAfterWarmup() == 0 ? 1.0 : Double.POSITIVE_INFINITY)
        : s.shareAfterWarmup() / s.oracleShareAfterWarmup();
  }

  /** Where the target came from, as the review service would choose it. */
  static String targetSource(Env env, Options options, DetectionReplay replay) {
    if (options.target().isPresent()) {
      return "--target";
    }
    if (env.isSet(ReviewVariables.REVIEW_POLICY_TARGET_ACCURACY)) {
      return "REVIEW_POLICY_TARGET_ACCURACY";
    }
    return replay.frameExactnessTarget().isPresent() ? "the card's frameExactnessTarget"
        : "REVIEW_POLICY_TARGET_ACCURACY's default: the card states no frameExactnessTarget";
  }

  /** The targets of issue "Boxes" over the seeds. */
  static List<Check> checks(List<Seed> seeds, double target, int warmup) {
    long exactMet = seeds.stream().filter(s -> s.exactness() >= target).count();
    long nothingLabelled = seeds.stream().filter(s -> s.modelLabelled() == 0).count();
    double lowest = seeds.stream().mapToDouble(Seed::exactness).min().orElse(0);
    long honest = seeds.stream().filter(s -> s.exactness() >= s.bound()).count();
    long honestNeeded = seeds.size() - seeds.size() / 20;
    long shareMet = seeds.stream().filter(s -> s.shareAfterWarmup() >= SHARE_OF_ORACLE * s.oracleShareAfterWarmup())
        .count();
    double lowestRatio = seeds.stream().mapToDouble(DetectionEvaluate::ratio).min().orElse(0);
    double together = HindsightOracle.sharesTogether(seeds, Seed::shareAfterWarmup, Seed::oracleShareAfterWarmup);
    long auditsMet = seeds.stream().filter(s -> s.auditShare() <= MAX_AUDIT_SHARE).count();
    double mostAudits = seeds.stream().mapToDouble(Seed::auditShare).max().orElse(0);
    return List.of(
        new Check(String.format(Locale.ROOT, "realised frame exactness of model labels >= %.3f in every seed "
            + "(%d of %d, lowest %.4f%s)", target, exactMet, seeds.size(), lowest, nothingLabelled == 0 ? ""
                : "; " + nothingLabelled + " seed(s) labelled no frame, counted as exact"), exactMet == seeds.size()),
        new Check(String.format(Locale.ROOT, "realised exactness >= published lower bound in >= %d of %d seeds (%d)",
            honestNeeded, seeds.size(), honest), honest >= honestNeeded),
        new Check(String.format(Locale.ROOT, "after %d frames model-labelled share >= %.1f x oracle in every seed "
            + "(%d of %d, lowest ratio %.3f; the %d seeds together %.3f)", warmup, SHARE_OF_ORACLE, shareMet,
            seeds.size(), lowestRatio, seeds.size(), together),
            shareMet == seeds.size()),
        new Check(String.format(Locale.ROOT, "audit tasks <= %.0f%% of frames in every seed (%d of %d, most %.2f%%)",
            100 * MAX_AUDIT_SHARE, auditsMet, seeds.size(), 100 * mostAudits), auditsMet == seeds.size()));
  }
}
