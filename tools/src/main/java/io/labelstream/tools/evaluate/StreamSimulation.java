package io.labelstream.tools.evaluate;

import io.labelstream.inference.InferenceToolkit;
import io.labelstream.review.ReviewToolkit;
import io.labelstream.review.ReviewToolkit.Policy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
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
      int audits, double oracleShareAfterWarmup, List<Policy> history) {

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

  StreamSimulation(ReviewToolkit policies, int classes, double auditRate, int recomputeEvery, int warmup) {
    this.policies = policies;
    this.classes = classes;
    this.auditRate = auditRate;
    this.recomputeEvery = recomputeEvery;
    this.warmup = warmup;
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
    ReviewToolkit.PolicyStream ledger = policies.newStream();
    Predicate<String> auditDraw = InferenceToolkit.auditDraw(auditRate);
    Policy policy = ledger.initial();
    List<Policy> history = new ArrayList<>(List.of(policy));
    int modelLabelled = 0;
    int modelCorrect = 0;
    int afterWarmup = 0;
    int audits = 0;
    int[] classLabelled = new int[classes];
    int[] classCorrect = new int[classes];
    List<TestPredictions.Row> seen = new ArrayList<>();
    for (int i = 0; i < order.size(); i++) {
      TestPredictions.Row row = drift.apply(i, order.get(i));
      seen.add(row);
      String frameId = "seed-" + seed + "-frame-" + row.index();
      boolean toModel = row.score() >= policy.thresholds().get(row.predicted());
      boolean audited = toModel && auditDraw.test(frameId);
      ledger.routed(frameId, row.score(), row.predicted(), toModel, audited);
      if (toModel) {
        modelLabelled++;
        modelCorrect += row.correct() ? 1 : 0;
        classLabelled[row.predicted()]++;
        classCorrect[row.predicted()] += row.correct() ? 1 : 0;
        if (i >= warmup) {
          afterWarmup++;
        }
      }
      if (audited) {
        audits++;
      }
      if (!toModel || audited) {
        ledger.answered(frameId, row.label());
      }
      if ((i + 1) % recomputeEvery == 0) {
        policy = ledger.decide();
        history.add(policy);
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
    List<TestPredictions.Row> tail = seen.subList(Math.min(warmup, seen.size()), seen.size());
    return new Result(seed, order.size(), modelLabelled, modelCorrect, afterWarmup, tail.size(), worst, worstClass,
        policy.lowerBound(), policy.estimate(), audits, oracleShare(tail, policies.targets().target()), history);
  }

  /** The largest share one single threshold could have labelled on these frames at the target, with hindsight. */
  static double oracleShare(List<TestPredictions.Row> rows, double target) {
    return HindsightOracle.share(rows, TestPredictions.Row::score, TestPredictions.Row::correct, target);
  }

  static UnaryOperator<TestPredictions.Row> none() {
    return row -> row;
  }
}
