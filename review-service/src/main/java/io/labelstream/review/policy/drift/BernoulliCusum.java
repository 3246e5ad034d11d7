package io.labelstream.review.policy.drift;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * A {@link Cusum} for a rate rising: each observation is a hit or not, with its own null rate p0 (e.g. the expected
 * error rate of an answered frame's score band, or the tail mass below a baseline cut), against the alternative
 * p1 = min(cap, ratio·p0). The increment is the exact log-likelihood ratio, ln(p1/p0) for a hit and
 * ln((1-p1)/(1-p0)) otherwise, so the CUSUM's false-alarm bound holds whenever the p0 given is the true rate (or
 * higher: an overstated p0 only makes false alarms rarer). Where p0 is already at the cap the observation cannot
 * favour a higher rate and adds nothing. Not thread-safe.
 */
public final class BernoulliCusum {

  /** Rates above one half are not "more errors" any more but a broken model; the alternative stops there. */
  public static final double DEFAULT_CAP = 0.5;

  private final Cusum cusum;
  private final double ratio;
  private final double cap;
  private final double fixedRate;

  /** A CUSUM whose null rate comes with each observation. */
  public BernoulliCusum(double threshold, double ratio, double cap) {
    this(threshold, ratio, cap, Double.NaN);
  }

  private BernoulliCusum(double threshold, double ratio, double cap, double fixedRate) {
    if (!(ratio > 1)) {
      throw new IllegalArgumentException("ratio must be above 1, got " + ratio);
    }
    if (!(cap > 0 && cap < 1)) {
      throw new IllegalArgumentException("cap must be in (0, 1), got " + cap);
    }
    this.cusum = new Cusum(threshold);
    this.ratio = ratio;
    this.cap = cap;
    this.fixedRate = fixedRate;
  }

  /** A CUSUM for one null rate, observed with {@link #observe(boolean)}. */
  public static BernoulliCusum forRate(double threshold, double p0, double ratio, double cap) {
    checkRate(p0);
    return new BernoulliCusum(threshold, ratio, cap, p0);
  }

  /** For a CUSUM made by {@link #forRate}: one observation at its fixed null rate. */
  public boolean observe(boolean hit) {
    if (Double.isNaN(fixedRate)) {
      throw new IllegalStateException("this CUSUM takes the null rate with each observation");
    }
    return observe(hit, fixedRate);
  }

  public boolean observe(boolean hit, double p0) {
    return cusum.observe(logLikelihoodRatio(hit, p0, ratio, cap));
  }

  /** One observation on the caller's clock (see {@link Cusum#observe(double, long)}). */
  public boolean observe(boolean hit, double p0, long index) {
    return cusum.observe(logLikelihoodRatio(hit, p0, ratio, cap), index);
  }

  static double logLikelihoodRatio(boolean hit, double p0, double ratio, double cap) {
    checkRate(p0);
    double p1 = Math.min(cap, ratio * p0);
    if (p1 <= p0) {
      return 0.0;
    }
    return hit ? Math.log(p1 / p0) : Math.log((1 - p1) / (1 - p0));
  }

  private static void checkRate(double p0) {
    if (!(p0 > 0 && p0 < 1)) {
      throw new IllegalArgumentException("null rate must be in (0, 1), got " + p0);
    }
  }

  public boolean alarmed() {
    return cusum.alarmed();
  }

  /** How far the statistic is towards an alarm: 0 at rest, 1 at the threshold. */
  public double level() {
    return cusum.statistic() / cusum.threshold();
  }

  public double statistic() {
    return cusum.statistic();
  }

  public long changePoint() {
    return cusum.changePoint();
  }

  public long observations() {
    return cusum.observations();
  }

  public void reset() {
    cusum.reset();
  }
  /** See {@link Cusum#save}. */
  public void save(DataOutput out) throws IOException {
    cusum.save(out);
  }

  public void restore(DataInput in) throws IOException {
    cusum.restore(in);
  }

}
