package io.labelstream.tools.evaluate;

import io.labelstream.launcher.SampleScenes;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.config.InferenceVariables;
import io.labelstream.platform.config.SharedVariables;
import io.labelstream.platform.config.ToolVariables;
import io.labelstream.platform.model.ModelFolder;
import io.labelstream.platform.model.ModelIdentity;
import io.labelstream.review.ReviewToolkit;
import io.labelstream.tools.evaluate.drift.DriftEvaluate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * {@code ./labelstream evaluate}: replays the bundled model's real predictions for the 10,000 test images in 20
 * seeded random orders through the production routing and threshold-controller code, with a simulated reviewer
 * who answers with the true label, and checks the accuracy-guarantee targets.
 */
public final class Evaluate {

  static final int SEEDS = 20;
  static final int WARMUP = 2_000;
  /** Test scenes the detection e2e generates without --scenes. */
  static final int DETECTION_E2E_SCENES = 2_000;
  static final Path CLASSIFIER = Path.of("model", "fashion-mnist-ensemble.onnx");

  private Evaluate() {}

  /**
   * {@code ./labelstream evaluate [--e2e]} for the classifier, {@code --drift [--set tuning|held-out] [--recheck] [--only TEXT]} for the drift
   * suite ({@link DriftEvaluate}), {@code --task detection [--target T] [--json FILE]
   * [--e2e [--scenes DIR | --count N]]} for the detector ({@link DetectionEvaluate}, {@link DetectionEndToEnd}).
   */
  public static int main(Map<String, String> environment, String[] args) throws IOException {
    List<String> given = List.of(args);
    if (given.contains("--drift")) {
      return DriftEvaluate.run(environment, ModelFolder.of(CLASSIFIER), given);
    }
    String task = option(given, "--task").orElse(ModelIdentity.CLASSIFICATION);
    if (task.equals(ModelIdentity.DETECTION)) {
      OptionalDouble target = option(given, "--target").map(t -> OptionalDouble.of(Double.parseDouble(t)))
          .orElse(OptionalDouble.empty());
      if (target.isPresent() && !(target.getAsDouble() > 0 && target.getAsDouble() < 1)) {
        System.err.println("--target must be a frame exactness in (0, 1), got " + target.getAsDouble());
        return 2;
      }
      boolean endToEnd = given.contains("--e2e");
      Optional<Path> scenes = option(given, "--scenes").map(Path::of);
      int count = option(given, "--count").map(Integer::parseInt).orElse(DETECTION_E2E_SCENES);
      if (!endToEnd && (scenes.isPresent() || given.contains("--count"))) {
        System.err.println("--scenes and --count choose the scenes of --e2e; the replay uses the model's test scenes");
        return 2;
      }
      if (count < 2) {
        System.err.println("--count must be at least 2 scenes, got " + count);
        return 2;
      }
      int replay = DetectionEvaluate.run(environment, new DetectionEvaluate.Options(target,
          option(given, "--json").map(Path::of)), System.out);
      if (!endToEnd) {
        return replay;
      }
      return detectionEndToEnd(environment, target, scenes, count) == 0 && replay == 0 ? 0 : 1;
    }
    if (!task.equals(ModelIdentity.CLASSIFICATION)) {
      System.err.println("--task is classification or detection, not " + task);
      return 2;
    }
    return run(environment, given.contains("--e2e"));
  }

  /**
   * The detection e2e on {@code --scenes DIR}, else on {@code count} test scenes generated now.
   *
   * @return 0 when every target was met
   */
  private static int detectionEndToEnd(Map<String, String> environment, OptionalDouble target, Optional<Path> scenes,
      int count) {
    Path generated = null;
    try {
      List<SampleScenes.Scene> loaded;
      if (scenes.isPresent()) {
        loaded = SampleScenes.load(scenes.get());
      } else {
        generated = Files.createTempDirectory("labelstream-scenes-");
        System.out.printf(Locale.ROOT, "%ngenerating %d test scenes with %s %s…%n", count, GeneratedScenes.PYTHON,
            GeneratedScenes.SCRIPT);
        loaded = GeneratedScenes.write(count, generated);
      }
      return DetectionEndToEnd.run(environment, target, loaded, System.out) == 0 ? 0 : 1;
    } catch (Exception e) {
      System.err.println("the end-to-end run failed: " + e.getMessage());
      return 1;
    } finally {
      if (generated != null) {
        try {
          EvaluationServices.deleteRecursively(generated);
        } catch (IOException e) {
          System.err.println("could not delete the generated scenes in " + generated + ": " + e.getMessage());
        }
      }
    }
  }

  private static Optional<String> option(List<String> args, String name) {
    int at = args.indexOf(name);
    return at >= 0 && at + 1 < args.size() ? Optional.of(args.get(at + 1)) : Optional.empty();
  }

  public static int run(Map<String, String> environment) throws IOException {
    return run(environment, false);
  }

  /**
   * @param endToEnd also run seed 1 through the real services (needs the Fashion-MNIST test images:
   *     LABELSTREAM_FASHION_MNIST, default /usr/share/datasets/fashion-mnist from the Debian package)
   */
  public static int run(Map<String, String> environment, boolean endToEnd) throws IOException {
    Env env = new Env(environment);
    // The test predictions are not bundled in the jar: unset means the classifier in the repository's model/ folder
    // (the folder also holds the bundled detector).
    ModelFolder model = ModelFolder.of(env.find(SharedVariables.LABELSTREAM_MODEL_DIR).orElse(CLASSIFIER));
    ModelIdentity identity = ModelIdentity.read(model);
    List<String> classes = identity.classNames();
    double auditRate = env.get(InferenceVariables.INFERENCE_AUDIT_RATE);
    Path testCsv = model.path(".test.csv").filter(Files::isRegularFile).orElseThrow(() -> new IOException(
        "the model " + model.baseName() + " has no " + model.baseName() + ".test.csv (labelled test predictions) in "
            + model.location()));
    TestPredictions test = TestPredictions.read(testCsv);
    // The production settings, read as the review service reads them.
    ReviewToolkit policy = ReviewToolkit.fromEnvironment(env, model, classes.size());
    ReviewToolkit.Targets settings = policy.targets();
    double target = settings.target();
    double confidence = settings.confidence();
    StreamSimulation simulation = new StreamSimulation(policy, classes.size(), auditRate, 200, WARMUP);

    System.out.printf(Locale.ROOT, "The routing policy as the review service runs it on %d test predictions of %s, %d "
        + "seeded stream orders (one camera; the predictions carry no input statistics, so its scores and people's "
        + "answers are watched for change; changes: how many it detected where none happened)%n",
        test.rows().size(), testCsv, SEEDS);
    System.out.println(policy.hasValidation()
        ? "starting from the validation predictions in " + model.baseName() + ".validation.csv"
        : "no " + model.baseName() + ".validation.csv: the policy starts closed and earns its thresholds from answers");
    System.out.printf(Locale.ROOT, "target accuracy %.3f at confidence %.2f, class floor %.2f, audit rate %.3f, "
        + "validation weight %.2f%n%n", target, confidence, settings.classTarget(), auditRate, settings.validationWeight());
    ScoreComparison.print(test.rows(), target);
    printHeader();
    List<StreamSimulation.Result> results = new ArrayList<>();
    for (long seed = 1; seed <= SEEDS; seed++) {
      StreamSimulation.Result r = simulation.run(test.rows(), seed, (i, row) -> row);
      results.add(r);
      printRow(r);
    }
    int failed = summarise(results, target, settings.classTarget(), auditRate);
    if (endToEnd) {
      failed += endToEnd(env, environment, classes, target, settings.classTarget(), auditRate);
    }
    return failed == 0 ? 0 : 1;
  }

  private static int endToEnd(Env env, Map<String, String> environment, List<String> classes, double target,
      double classTarget, double auditRate) {
    Path dataset = env.get(ToolVariables.LABELSTREAM_FASHION_MNIST);
    if (!Files.exists(dataset.resolve("t10k-images-idx3-ubyte.gz"))) {
      System.err.println("--e2e needs the Fashion-MNIST test images at " + dataset
          + " (apt-get install dataset-fashion-mnist, or set LABELSTREAM_FASHION_MNIST)");
      return 1;
    }
    System.out.println();
    System.out.println("End to end through the real services, seed 1 (10,000 frames over HTTP, reviews through the API):");
    try {
      StreamSimulation.Result r = new EndToEndEvaluation(classes).run(dataset, 1, WARMUP, target, environment);
      printHeader();
      printRow(r);
      return summarise(List.of(r), target, classTarget, auditRate);
    } catch (Exception e) {
      System.err.println("the end-to-end run failed: " + e);
      return 1;
    }
  }

  private static void printHeader() {
    System.out.println(" seed  model%  after2k%  oracle%  ratio  realised  worst-class  bound  audits%  changes");
  }

  private static void printRow(StreamSimulation.Result r) {
    System.out.printf(Locale.ROOT, "%5d  %6.2f  %8.2f  %7.2f  %5.3f  %8.4f  %6.4f (%d)  %6.4f  %6.2f  %7d%n", r.seed(),
        100 * r.modelShare(), 100 * r.shareAfterWarmup(), 100 * r.oracleShareAfterWarmup(),
        r.shareAfterWarmup() / r.oracleShareAfterWarmup(), r.realisedAccuracy(), r.worstClassAccuracy(), r.worstClass(),
        r.finalBound(), 100 * r.auditShare(), r.changesDetected());
  }

  private static int summarise(List<StreamSimulation.Result> results, double target, double classTarget, double auditRate) {
    long accuracyMet = results.stream().filter(r -> r.realisedAccuracy() >= target).count();
    long boundHonest = results.stream().filter(r -> r.realisedAccuracy() >= r.finalBound()).count();
    long honestNeeded = results.size() == 1 ? 1 : results.size() - results.size() / 20;
    long classesMet = results.stream().filter(r -> r.worstClassAccuracy() >= classTarget).count();
    long shareMet = results.stream().filter(r -> r.shareAfterWarmup() >= 0.95 * r.oracleShareAfterWarmup()).count();
    long auditsMet = results.stream().filter(r -> r.auditShare() <= auditRate + 1e-9 || r.auditShare() <= 0.02).count();
    double meanShare = results.stream().mapToDouble(StreamSimulation.Result::modelShare).average().orElse(0);
    double meanAfter = results.stream().mapToDouble(StreamSimulation.Result::shareAfterWarmup).average().orElse(0);
    double meanOracle = results.stream().mapToDouble(StreamSimulation.Result::oracleShareAfterWarmup).average().orElse(0);
    double minAccuracy = results.stream().mapToDouble(StreamSimulation.Result::realisedAccuracy).min().orElse(0);
    double worstClass = results.stream().mapToDouble(StreamSimulation.Result::worstClassAccuracy).min().orElse(0);
    System.out.println();
    System.out.printf(Locale.ROOT, "mean model-labelled share %.2f%% (after the first %d frames %.2f%%, oracle %.2f%%)%n",
        100 * meanShare, WARMUP, 100 * meanAfter, 100 * meanOracle);
    System.out.println("targets:");
    int failed = 0;
    failed += check(String.format(Locale.ROOT, "realised model-label accuracy >= %.3f in every seed (lowest %.4f)", target, minAccuracy),
        accuracyMet == results.size());
    failed += check(String.format(Locale.ROOT, "realised accuracy >= published lower bound in >= %d of %d seeds (%d)",
        honestNeeded, results.size(), boundHonest), boundHonest >= honestNeeded);
    failed += check(String.format(Locale.ROOT, "no class below %.2f realised accuracy (lowest %.4f)", classTarget, worstClass),
        classesMet == results.size());
    failed += check(String.format(Locale.ROOT, "after %d frames model-labelled share >= 0.95 x oracle in every seed (%d of %d)",
        WARMUP, shareMet, results.size()), shareMet == results.size());
    failed += check(String.format(Locale.ROOT, "audit tasks <= 2%% of frames in every seed (%d of %d)", auditsMet, results.size()),
        auditsMet == results.size());
    System.out.println(failed == 0 ? "ALL TARGETS MET" : failed + " TARGET(S) MISSED");
    return failed;
  }

  private static int check(String what, boolean ok) {
    System.out.println("  [" + (ok ? "met" : "MISSED") + "] " + what);
    return ok ? 0 : 1;
  }
}
