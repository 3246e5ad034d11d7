package io.labelstream.tools.evaluate;

import io.labelstream.inference.InferenceToolkit;
import io.labelstream.review.ReviewToolkit;
import io.labelstream.review.ReviewToolkit.Policy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * One seeded stream of the test predictions through the production routing and controller code, with a simulated
 * reviewer who answers every review and audit task with the true label.
 */
final class StreamSimulation {

  /** What one stream produced. */
  record Result(long seed, int frames, int modelLabelled, int modelCorrect, int modelLabelledAfterWarmup,
      int framesAfterWarmup, double worstClassAccuracy, int worstClass, double finalBound, double finalEstimate,
      int audits, double oracleShareAfterWarmup, List<Policy> history, int changesDetected) {

    double modelShare() {
      return (double) modelLabelled / frames;
    }

    double shareAfterWarmup() {
      return (double) modelLabelledAfterWarmup / framesAfterWarmup;
    }

    double realisedAccuracy() {
      return modelLabelled == 0 ? 1.0 : (double) modelCorrect / modelLabelled;
    }

    double auditShare() {
      return (double) audits / frames;
    }
  }

  private final ReviewToolkit policies;
  private final int classes;
  private final double auditRate;
  private final int recomputeEvery;
  private final int warmup;
  private final boolean driftAware;

  /** Streams through the drift-aware policy the review service runs (what {@code evaluate} measures). */
  StreamSimulation(ReviewToolkit policies, int classes, double auditRate, int recomputeEvery, int warmup) {
    this(policies, classes, auditRate, recomputeEvery, warmup, true);
  }

  private StreamSimulation(ReviewToolkit policies, int classes, double auditRate, int recomputeEvery, int warmup,
      boolean driftAware) {
    this.policies = policies;
    this.classes = classes;
    this.auditRate = auditRate;
    this.recomputeEvery = recomputeEvery;
    this.warmup = warmup;
    this.driftAware = driftAware;
  }

  /** The same streams through the plain controller alone: one regime, no change detection, nothing recalled. */
  StreamSimulation plain() {
    return new StreamSimulation(policies, classes, auditRate, recomputeEvery, warmup, false);
  }

  /**
   * Runs one stream.
   *
   * @param drift changes a row as it arrives (the frame index in the stream is the second argument's position);
   *     identity for the plain scenario
   */
  Result run(List<TestPredictions.Row> rows, long seed, java.util.function.BiFunction<Integer, TestPredictions.Row, TestPredictions.Row> drift) {
    List<TestPredictions.Row> order = new ArrayList<>(rows);
    Collections.shuffle(order, new Random(seed));
    Router router = driftAware ? new DriftAware(policies.newDriftStream()) : new Plain(policies.newStream());
    Predicate<String> auditDraw = InferenceToolkit.auditDraw(auditRate);
    List<Policy> history = new ArrayList<>(List.of(router.policy()));
    Map<String, Integer> positions = new HashMap<>();
    boolean[] toModelAt = new boolean[order.size()];
    int audits = 0;
    List<TestPredictions.Row> seen = new ArrayList<>();
    for (int i = 0; i < order.size(); i++) {
      TestPredictions.Row row = drift.apply(i, order.get(i));
      seen.add(row);
      String frameId = "seed-" + seed + "-frame-" + row.index();
      positions.put(frameId, i);
      boolean toModel = row.score() >= router.policy().thresholds().get(row.predicted());
      boolean audited = toModel && auditDraw.test(frameId);
      // an audited frame is counted as the model's here, as the plain simulation always did: the audit's answer
      // confirms or corrects it, and the realised accuracy counts what the model said
      toModelAt[i] = toModel;
      audits += audited ? 1 : 0;
      boolean changed = router.routed(frameId, row, toModel, audited);
      if (!toModel || audited) {
        changed |= router.answered(frameId, row.label());
      }
      // a label a detected change recalled goes back to people: the simulated reviewer's answer supersedes it
      for (String recalled : router.takeRecalled()) {
        toModelAt[positions.get(recalled)] = false;
      }
      if (changed || (i + 1) % recomputeEvery == 0) {
        history.add(router.decide());
      }
    }
    int modelLabelled = 0;
    int modelCorrect = 0;
    int afterWarmup = 0;
    int[] classLabelled = new int[classes];
    int[] classCorrect = new int[classes];
    for (int i = 0; i < seen.size(); i++) {
      TestPredictions.Row row = seen.get(i);
      if (toModelAt[i]) {
        modelLabelled++;
        modelCorrect += row.correct() ? 1 : 0;
        classLabelled[row.predicted()]++;
        classCorrect[row.predicted()] += row.correct() ? 1 : 0;
        afterWarmup += i >= warmup ? 1 : 0;
      }
    }
    double worst = 1.0;
    int worstClass = -1;
    for (int c = 0; c < classes; c++) {
      if (classLabelled[c] > 0 && (double) classCorrect[c] / classLabelled[c] < worst) {
        worst = (double) classCorrect[c] / classLabelled[c];
        worstClass = c;
      }
    }
    Policy last = router.policy();
    List<TestPredictions.Row> tail = seen.subList(Math.min(warmup, seen.size()), seen.size());
    return new Result(seed, order.size(), modelLabelled, modelCorrect, afterWarmup, tail.size(), worst, worstClass,
        router.boundOfAllModelLabels(), last.estimate(), audits, oracleShare(tail, policies.targets().target()),
        history, router.changesDetected());
  }

  /** What a stream is routed by: the drift-aware policy the review service runs, or the plain controller alone. */
  private interface Router {

    /** The policy frames are routed with now. */
    Policy policy();

    /** @return true when the frame revealed a change (the policy is then decided again at once, as the service does) */
    boolean routed(String frameId, TestPredictions.Row row, boolean toModel, boolean audited);

    boolean answered(String frameId, int label);

    /** The frames whose model labels a detected change sent back to people since the last call. */
    List<String> takeRecalled();

    Policy decide();

    /** The published bound for every model label written so far. */
    double boundOfAllModelLabels();

    int changesDetected();
  }

  /** One camera: the test predictions carry no input statistics, so its scores and people's answers are watched. */
  private static final class DriftAware implements Router {
    private static final String DEVICE = "device-0";
    private static final double[] NO_STATISTICS = new double[0];
    private final ReviewToolkit.DriftStream stream;
    private ReviewToolkit.DriftPolicy decision;

    DriftAware(ReviewToolkit.DriftStream stream) {
      this.stream = stream;
      this.decision = stream.decide();
    }

    @Override
    public Policy policy() {
      return decision.cameras().getOrDefault(DEVICE, decision.common());
    }

    @Override
    public boolean routed(String frameId, TestPredictions.Row row, boolean toModel, boolean audited) {
      return stream.routed(frameId, DEVICE, null, row.score(), NO_STATISTICS, row.predicted(), toModel, audited)
          .isPresent();
    }

    @Override
    public boolean answered(String frameId, int label) {
      return stream.answered(frameId, label).isPresent();
    }

    @Override
    public List<String> takeRecalled() {
      return stream.takeRecalled();
    }

    @Override
    public Policy decide() {
      decision = stream.decide();
      return policy();
    }

    @Override
    public double boundOfAllModelLabels() {
      return decision.cumulativeLowerBound();
    }

    @Override
    public int changesDetected() {
      return decision.changes().size();
    }
  }

  private static final class Plain implements Router {
    private final ReviewToolkit.PolicyStream stream;
    private Policy policy;

    Plain(ReviewToolkit.PolicyStream stream) {
      this.stream = stream;
      this.policy = stream.initial();
    }

    @Override
    public Policy policy() {
      return policy;
    }

    @Override
    public boolean routed(String frameId, TestPredictions.Row row, boolean toModel, boolean audited) {
      stream.routed(frameId, row.score(), row.predicted(), toModel, audited);
      return false;
    }

    @Override
    public boolean answered(String frameId, int label) {
      stream.answered(frameId, label);
      return false;
    }

    @Override
    public List<String> takeRecalled() {
      return List.of();
    }

    @Override
    public Policy decide() {
      policy = stream.decide();
      return policy;
    }

    @Override
    public double boundOfAllModelLabels() {
      return policy.writtenBound();
    }

    @Override
    public int changesDetected() {
      return 0;
    }
  }

  /** The largest share one single threshold could have labelled on these frames at the target, with hindsight. */
  static double oracleShare(List<TestPredictions.Row> rows, double target) {
    return HindsightOracle.share(rows, TestPredictions.Row::score, TestPredictions.Row::correct, target);
  }

  static UnaryOperator<TestPredictions.Row> none() {
    return row -> row;
  }
}
