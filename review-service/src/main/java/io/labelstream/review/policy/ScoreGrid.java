package io.labelstream.review.policy;

import io.labelstream.platform.model.ModelIdentity;
import java.util.Arrays;
import java.util.stream.DoubleStream;

/**
 * The thresholds the controller may choose, highest first, and the score bands between them. Band {@code j} holds
 * scores in {@code [threshold(j), threshold(j-1))}; the last band holds scores below the lowest threshold.
 *
 * <p>The standard grid is dense near 1 ({@code 1 - 10^-x} for x from 0.3 to 4 in steps of 0.02) because an
 * ensemble's confident scores crowd there; its lowest threshold is 0.499, where a classifier's top class is a coin
 * toss. A detector's frame score ({@code FrameScore}) is a product over the frame's candidate boxes, so a frame
 * whose every box is a fair call can score well below 0.5: the frame grid goes on below 0.499 by the same log steps
 * ({@code 10^-y} for y from 0.32 to 3, down to 0.001). With the standard grid the bundled detector's policy could
 * never label a frame scoring below 0.499, 21% of the test scenes, where the hindsight cut at the target took 28%.
 */
public final class ScoreGrid {

  private static final ScoreGrid STANDARD = new ScoreGrid(nearOne());
  private static final ScoreGrid FRAMES = new ScoreGrid(
      DoubleStream.concat(Arrays.stream(nearOne()), Arrays.stream(belowOneHalf())).toArray());

  private final double[] thresholds;

  private ScoreGrid(double[] thresholds) {
    this.thresholds = thresholds;
  }

  /** The grid of a classifier's scores. */
  public static ScoreGrid standard() {
    return STANDARD;
  }

  /** The grid of a detector's frame scores: the standard grid, then on below 0.499 down to 0.001. */
  public static ScoreGrid frames() {
    return FRAMES;
  }

  /** The grid a model of this task ({@code ModelIdentity.task()}) is routed on. */
  public static ScoreGrid forTask(String task) {
    return ModelIdentity.DETECTION.equals(task) ? FRAMES : STANDARD;
  }

  /** 1 - 10^-x for x from 4 down to 0.3 in steps of 0.02, rounded to 1e-6: 0.9999 ... 0.498813. */
  private static double[] nearOne() {
    double[] values = new double[186];
    for (int i = 0; i < values.length; i++) {
      double x = 4.0 - 0.02 * i;
      values[i] = Math.round((1.0 - Math.pow(10, -x)) * 1e6) / 1e6;
    }
    return Arrays.stream(values).distinct().toArray();
  }

  /** 10^-y for y from 0.32 up to 3 in steps of 0.02, rounded to 1e-6: 0.478630 ... 0.001. */
  private static double[] belowOneHalf() {
    double[] values = new double[135];
    for (int i = 0; i < values.length; i++) {
      double y = 0.32 + 0.02 * i;
      values[i] = Math.round(Math.pow(10, -y) * 1e6) / 1e6;
    }
    return Arrays.stream(values).distinct().toArray();
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
