package io.labelstream.review.policy;

import org.apache.commons.math3.distribution.BetaDistribution;
import org.apache.commons.math3.distribution.BinomialDistribution;

/**
 * Exact (Clopper-Pearson) binomial bounds. They hold for every sample size, not just asymptotically, which is
 * what a published accuracy guarantee needs.
 */
public final class ExactBinomial {

  private ExactBinomial() {}

  /**
   * The one-sided upper confidence bound on an error rate after {@code errors} errors in {@code n} independent
   * trials: the true rate is at or below it with probability at least {@code confidence}.
   */
  public static double upperBound(long errors, long n, double confidence) {
    return upperBound((double) errors, n, confidence);
  }

  /**
   * The same for a weighted error count (validation errors scaled for a shift): the Beta quantile that defines the
   * Clopper-Pearson bound, continued to non-integer counts; equal to the integer bound at whole numbers.
   */
  public static double upperBound(double errors, long n, double confidence) {
    if (n <= 0 || errors >= n) {
      return 1.0;
    }
    return new BetaDistribution(null, errors + 1.0, n - errors).inverseCumulativeProbability(confidence);
  }

  /** P(X ≥ k) for X ~ Binomial(n, p): how surprising {@code k} errors are if the error rate really is {@code p}. */
  public static double atLeast(long k, long n, double p) {
    if (k <= 0) {
      return 1.0;
    }
    if (n <= 0 || k > n) {
      return 0.0;
    }
    return 1.0 - new BinomialDistribution(null, (int) n, Math.min(1.0, Math.max(0.0, p))).cumulativeProbability((int) k - 1);
  }
}
