package io.labelstream.review.policy;

import org.apache.commons.math3.distribution.BetaDistribution;
import org.apache.commons.math3.distribution.BinomialDistribution;
import org.apache.commons.math3.special.Gamma;

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

  /**
   * An upper prediction bound on the errors among {@code future} further trials of the same rate, after {@code
   * errors} errors in {@code n}: the exact binomial prediction limit (Thatcher 1964). Given that sample and future
   * together hold t errors, the sample's share of them is hypergeometric whatever the rate; the bound is the largest
   * future count x for which seeing at most {@code errors} in the sample is still at least 1 − {@code confidence}
   * likely. A rate bound tells how often the model errs on frames like these; this tells how many of a given number
   * of its labels can be wrong, which for a few hundred labels is more than the rate suggests (their own luck counts
   * too). As {@code future} grows, x / future falls to the Clopper-Pearson {@link #upperBound}.
   */
  public static long predictedErrorsUpperBound(long errors, long n, long future, double confidence) {
    if (future <= 0) {
      return 0;
    }
    if (n <= 0 || errors >= n) {
      return future;
    }
    double alpha = 1.0 - confidence;
    long low = 0;  // P(sample <= errors) falls as x grows; x = 0 always passes (the sample's errors are all there are)
    long high = future;
    if (sampleAtMostAsLikely(errors, n, future, high) >= alpha) {
      return future;
    }
    while (high - low > 1) {
      long mid = (low + high) >>> 1;
      if (sampleAtMostAsLikely(errors, n, future, mid) >= alpha) {
        low = mid;
      } else {
        high = mid;
      }
    }
    return low;
  }

  /**
   * P(the n-item sample holds at most {@code errors} of the errors + x errors among n + future items): the
   * hypergeometric distribution's lower tail, each term its neighbour times their ratio, in logs (commons-math's
   * distribution computes every term afresh; the policy asks for this a dozen times per bound, at every decision).
   */
  static double sampleAtMostAsLikely(long errors, long n, long future, long x) {
    long population = n + future;
    long marked = errors + x;
    long first = Math.max(0, n + marked - population);
    if (first > errors) {
      return 0.0;
    }
    double[] logTerms = new double[(int) (errors - first + 1)];
    double log = logChoose(marked, first) + logChoose(population - marked, n - first) - logChoose(population, n);
    double max = log;
    for (long k = first; k <= errors; k++) {
      logTerms[(int) (k - first)] = log;
      max = Math.max(max, log);
      log += Math.log((double) (marked - k) * (n - k)) - Math.log((double) (k + 1) * (population - marked - n + k + 1));
    }
    double sum = 0;
    for (double term : logTerms) {
      sum += Math.exp(term - max);
    }
    return Math.min(1.0, Math.exp(max) * sum);
  }

  private static double logChoose(long from, long chosen) {
    return Gamma.logGamma(from + 1.0) - Gamma.logGamma(chosen + 1.0) - Gamma.logGamma(from - chosen + 1.0);
  }
}
