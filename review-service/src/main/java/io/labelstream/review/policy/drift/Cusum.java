package io.labelstream.review.policy.drift;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Page's CUSUM on log-likelihood-ratio increments: S_t = max(0, S_{t-1} + llr_t), alarm when S_t ≥ h. It answers
 * "has the stream, from some point on, looked more like the alternative than the null?" without knowing the point.
 *
 * <h2>Why CUSUM</h2>
 * exp(S_t) is an e-detector: it is the largest of the likelihood-ratio products started at each earlier
 * observation, each a nonnegative martingale of mean 1 under no change. With exact likelihood ratios, Ville's
 * inequality and a union over start points give P(false alarm within n observations) ≤ n·e^{-h}, and the average
 * run length to a false alarm is at least e^h (Lorden 1971). So h = ln(ARL0) is chosen from the false alarms one can
 * afford, not tuned. It is simple, its bound is classical, and it resets itself: after an excursion that the
 * evidence later contradicts, S returns to 0 and old evidence stops counting, so a change late in a long stream is
 * not diluted by everything before it (which is what a test pooled since the start suffers from). Among procedures
 * with the same ARL0 it minimises the worst-case detection delay for the alternative it is built for (Moustakides
 * 1986). A betting martingale would adapt to unknown alternatives, but needs a betting strategy and gives no
 * simpler guarantee here; the alternatives below are fixed multiples of the null rate, which is what CUSUM is for.
 *
 * <p>The estimated change point is the index of the first observation of the current excursion (the one just
 * after S was last 0): the maximum-likelihood change point for the fixed alternative. Not thread-safe.
 */
public final class Cusum {

  private final double threshold;
  private double statistic;
  private long observations;
  private long changePoint;

  /** @param threshold h, e.g. ln(ARL0); the alarm fires when the statistic reaches it */
  public Cusum(double threshold) {
    if (!(threshold > 0)) {
      throw new IllegalArgumentException("threshold must be positive, got " + threshold);
    }
    this.threshold = threshold;
  }

  /** Adds one observation, indexed by the count of observations so far; true when the statistic reaches h. */
  public boolean observe(double logLikelihoodRatio) {
    return observe(logLikelihoodRatio, observations);
  }

  /**
   * Adds one observation on the caller's own clock (e.g. a frame index when some frames carry no observation), so
   * that {@link #changePoint()} is on that clock too.
   */
  public boolean observe(double logLikelihoodRatio, long index) {
    if (Double.isNaN(logLikelihoodRatio)) {
      throw new IllegalArgumentException("log-likelihood ratio is NaN");
    }
    if (statistic == 0) {
      changePoint = index;
    }
    observations++;
    statistic = Math.max(0.0, statistic + logLikelihoodRatio);
    return alarmed();
  }

  public boolean alarmed() {
    return statistic >= threshold;
  }

  public double statistic() {
    return statistic;
  }

  public double threshold() {
    return threshold;
  }

  /** Observations since construction or the last {@link #reset()}. */
  public long observations() {
    return observations;
  }

  /**
   * The index of the first observation of the current excursion above 0: where the change most likely began.
   * Meaningful while the statistic is positive.
   */
  public long changePoint() {
    return changePoint;
  }

  /** Starts afresh, e.g. after an alarm was handled. */
  public void reset() {
    statistic = 0;
    observations = 0;
    changePoint = 0;
  }
  /** Writes the statistic, its observations and change point, for a checkpoint of the review state. */
  public void save(DataOutput out) throws IOException {
    out.writeDouble(statistic);
    out.writeLong(observations);
    out.writeLong(changePoint);
  }

  /** Reads back what {@link #save} wrote. */
  public void restore(DataInput in) throws IOException {
    statistic = in.readDouble();
    observations = in.readLong();
    changePoint = in.readLong();
  }

}
