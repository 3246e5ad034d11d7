package io.labelstream.tools.evaluate;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * Compares candidate routing scores on the test predictions: the share a single best cut could label at the target
 * accuracy, and the AUROC of telling right answers from wrong ones. This is the measurement behind the choice of
 * the ensemble's max mean probability as the routing score.
 */
final class ScoreComparison {

  private ScoreComparison() {}

  static void print(List<TestPredictions.Row> rows, double target) {
    System.out.printf(Locale.ROOT, "routing score candidates on %d test predictions:%n", rows.size());
    System.out.printf(Locale.ROOT, "  %-22s %14s %8s%n", "score", "best-cut share", "AUROC");
    row(rows, target, "max mean probability", TestPredictions.Row::score);
    row(rows, target, "margin", TestPredictions.Row::margin);
    row(rows, target, "-entropy", r -> -r.entropy());
    row(rows, target, "-mutual information", r -> -r.mutualInformation());
    System.out.println();
  }

  private static void row(List<TestPredictions.Row> rows, double target, String name, ToDoubleFunction<TestPredictions.Row> score) {
    System.out.printf(Locale.ROOT, "  %-22s %13.2f%% %8.4f%n", name, 100 * bestCutShare(rows, target, score), auroc(rows, score));
  }

  static double bestCutShare(List<TestPredictions.Row> rows, double target, ToDoubleFunction<TestPredictions.Row> score) {
    TestPredictions.Row[] sorted = rows.toArray(new TestPredictions.Row[0]);
    Arrays.sort(sorted, (a, b) -> Double.compare(score.applyAsDouble(b), score.applyAsDouble(a)));
    int correct = 0;
    int best = 0;
    for (int i = 0; i < sorted.length; i++) {
      correct += sorted[i].correct() ? 1 : 0;
      boolean cut = i + 1 == sorted.length || score.applyAsDouble(sorted[i + 1]) < score.applyAsDouble(sorted[i]);
      if (cut && (double) correct / (i + 1) >= target) {
        best = i + 1;
      }
    }
    return (double) best / sorted.length;
  }

  /** P(a right answer scores above a wrong one), ties counted half. */
  static double auroc(List<TestPredictions.Row> rows, ToDoubleFunction<TestPredictions.Row> score) {
    TestPredictions.Row[] sorted = rows.toArray(new TestPredictions.Row[0]);
    Arrays.sort(sorted, (a, b) -> Double.compare(score.applyAsDouble(a), score.applyAsDouble(b)));
    double rankSum = 0;
    long right = 0;
    int i = 0;
    while (i < sorted.length) {
      int j = i;
      while (j + 1 < sorted.length && score.applyAsDouble(sorted[j + 1]) == score.applyAsDouble(sorted[i])) {
        j++;
      }
      double rank = (i + j) / 2.0 + 1;
      for (int k = i; k <= j; k++) {
        if (sorted[k].correct()) {
          rankSum += rank;
          right++;
        }
      }
      i = j + 1;
    }
    long wrong = sorted.length - right;
    return right == 0 || wrong == 0 ? 0.5 : (rankSum - right * (right + 1) / 2.0) / ((double) right * wrong);
  }
}
