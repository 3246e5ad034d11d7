package io.labelstream.review.policy.drift;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import org.apache.commons.math3.distribution.BetaDistribution;

/**
 * What a signal (a routing score, an image's brightness) looked like before any change: learnt from its first
 * {@code size} observations, then cut at its lower and upper q-quantiles, so that afterwards "below the lower cut"
 * (or "above the upper cut") is a Bernoulli event of rate about q while nothing changes. A {@link BernoulliCusum}
 * on that event detects the tail getting heavier without assuming any shape for the signal.
 *
 * <h2>The empirical-quantile caveat</h2>
 * The cut is the k-th of B baseline values, k = ⌊q(B+1)⌋ (the (k)/(B+1) rank convention). A new value from the
 * same distribution falls below it with probability exactly k/(B+1) on average over baselines, but for one given
 * baseline the tail mass F(cut) is Beta(k, B+1-k) distributed: with B = 300 and q = 0.1, about 0.10 ± 0.017. A
 * CUSUM told 0.10 when its baseline's mass is 0.13 drifts upwards and raises false alarms. The null rate given to
 * the CUSUM ({@link #tailRate()}) is therefore the {@code confidence} quantile of that Beta distribution: with
 * the defaults (0.9) 0.122, which the tail mass exceeds for only one baseline in ten, and then by little. Ties
 * make the strict "below"/"above" events rarer, so they only err on the safe side. Not thread-safe.
 */
public final class TailBaseline {

  private final double[] sample;
  private final double quantile;
  private final double confidence;
  private int size;
  private double lowerCut = Double.NaN;
  private double upperCut = Double.NaN;
  private double tailRate = Double.NaN;

  /**
   * @param size observations to learn from (B)
   * @param quantile tail mass of each cut (q)
   * @param confidence how sure the stated tail rate is to be at or above the true mass of the cut
   */
  public TailBaseline(int size, double quantile, double confidence) {
    if (!(quantile > 0 && quantile < 0.5)) {
      throw new IllegalArgumentException("quantile must be in (0, 0.5), got " + quantile);
    }
    if (size < Math.ceil(1 / quantile)) {
      throw new IllegalArgumentException("a baseline of " + size + " has no " + quantile + " quantile");
    }
    if (!(confidence >= 0.5 && confidence < 1)) {
      throw new IllegalArgumentException("confidence must be in [0.5, 1), got " + confidence);
    }
    this.sample = new double[size];
    this.quantile = quantile;
    this.confidence = confidence;
  }

  /** Adds a baseline value; NaN (not measured) and values after completion are ignored. True when it was taken. */
  public boolean add(double value) {
    if (Double.isNaN(value) || complete()) {
      return false;
    }
    sample[size++] = value;
    if (complete()) {
      cut();
    }
    return true;
  }

  private void cut() {
    double[] sorted = sample.clone();
    Arrays.sort(sorted);
    int b = sorted.length;
    int k = Math.max(1, (int) Math.floor(quantile * (b + 1)));
    lowerCut = sorted[k - 1];
    upperCut = sorted[b - k];
    tailRate = new BetaDistribution(null, k, b + 1 - k).inverseCumulativeProbability(confidence);
  }

  public boolean complete() {
    return size == sample.length;
  }

  /** True for a value strictly below the lower cut. */
  public boolean below(double value) {
    return value < lowerCut();
  }

  /** True for a value strictly above the upper cut. */
  public boolean above(double value) {
    return value > upperCut();
  }

  public double lowerCut() {
    requireComplete();
    return lowerCut;
  }

  public double upperCut() {
    requireComplete();
    return upperCut;
  }

  /**
   * The values this signal may take and still look like its baseline: the cuts widened by {@code widen} times the
   * distance between them (the inter-quantile range, a robust scale). With widen 1 and q 0.1, a Gaussian signal
   * leaves it once in about 4,000 frames per side; a camera that changed sharply (noise, a lost contrast) leaves it
   * from its first frame.
   */
  public double lowestUsual(double widen) {
    return lowerCut() - widen * (upperCut() - lowerCut());
  }

  /** See {@link #lowestUsual}. */
  public double highestUsual(double widen) {
    return upperCut() + widen * (upperCut() - lowerCut());
  }

  /** The null rate of each tail event, set slightly high (see the class comment). */
  public double tailRate() {
    requireComplete();
    return tailRate;
  }

  private void requireComplete() {
    if (!complete()) {
      throw new IllegalStateException("baseline has " + size + " of " + sample.length + " values");
    }
  }

  /** Forgets the baseline, to learn a new one. */
  public void clear() {
    size = 0;
    lowerCut = Double.NaN;
    upperCut = Double.NaN;
    tailRate = Double.NaN;
  }
  /** Writes the values learnt so far; the cuts follow from them. */
  public void save(DataOutput out) throws IOException {
    out.writeInt(sample.length);
    out.writeInt(size);
    for (int i = 0; i < size; i++) {
      out.writeDouble(sample[i]);
    }
  }

  /** Reads back what {@link #save} wrote into a baseline of the same size. */
  public void restore(DataInput in) throws IOException {
    int length = in.readInt();
    if (length != sample.length) {
      throw new IOException("a baseline of " + length + " values saved, " + sample.length + " configured");
    }
    clear();
    int saved = in.readInt();
    for (int i = 0; i < saved; i++) {
      add(in.readDouble());
    }
  }

}
