package io.labelstream.review.policy;

import java.util.Arrays;

/**
 * The thresholds the controller may choose, highest first, and the score bands between them. Band {@code j} holds
 * scores in {@code [threshold(j), threshold(j-1))}; the last band holds scores below the lowest threshold.
 *
 * <p>The grid is dense near 1 ({@code 1 - 10^-x} for x from 0.3 to 4 in steps of 0.02) because an ensemble's
 * confident scores crowd there.
 */
public final class ScoreGrid {

  private static final ScoreGrid STANDARD = standardGrid();

  private final double[] thresholds;

  private ScoreGrid(double[] thresholds) {
    this.thresholds = thresholds;
  }

  public static ScoreGrid standard() {
    return STANDARD;
  }

  private static ScoreGrid standardGrid() {
    double[] values = new double[186];
    for (int i = 0; i < values.length; i++) {
      double x = 4.0 - 0.02 * i;
      values[i] = Math.round((1.0 - Math.pow(10, -x)) * 1e6) / 1e6;
    }
    return new ScoreGrid(Arrays.stream(values).distinct().toArray());
  }

  public int size() {
    return thresholds.length;
  }

  public double threshold(int index) {
    return thresholds[index];
  }

  /** Number of bands: one per threshold plus the band below the lowest. */
  public int bands() {
    return thresholds.length + 1;
  }

  /** The band of a score: the index of the highest threshold it reaches, or {@code size()} if none. */
  public int band(double score) {
    // thresholds are descending; find the first index whose threshold is <= score
    int lo = 0;
    int hi = thresholds.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (thresholds[mid] <= score) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }

  /** The index of a threshold value on the grid, or the index of the next higher grid value. */
  public int indexAtOrAbove(double threshold) {
    int index = band(threshold);
    if (index < thresholds.length && thresholds[index] == threshold) {
      return index;
    }
    return Math.max(0, index - 1);
  }
}
