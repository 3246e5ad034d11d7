package io.labelstream.schemas.boxes;

import io.labelstream.schemas.avro.Box;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One-to-one matching of two sets of boxes of the same frame, the one rule behind everything LabelStream says about
 * boxes: whether a frame's model boxes are exact (a reviewer would change nothing), whether two reviewers agree, and a
 * reviewer's box F1 against gold.
 *
 * <p>Two boxes can match when they have the same class and an IoU of at least {@link #MATCH_IOU}. Among those pairs,
 * the highest IoU is matched first and neither box is matched again (greedy; with the overlaps of real annotations it
 * gives the same result as an optimal assignment in all but contrived cases, and it is what COCO's evaluation does per
 * detection).
 */
public final class BoxMatching {

  /** The IoU at or above which two boxes of one class are the same object. */
  public static final double MATCH_IOU = 0.5;

  private BoxMatching() {}

  /** The pairs matched between {@code expected} and {@code actual}, by index, and what was left on either side. */
  public record Result(List<int[]> pairs, int expected, int actual) {

    public Result {
      pairs = List.copyOf(pairs);
    }

    public int matched() {
      return pairs.size();
    }

    /** Expected boxes nothing in {@code actual} matched: missing objects. */
    public int missing() {
      return expected - pairs.size();
    }

    /** Actual boxes that match nothing expected: extra objects. */
    public int extra() {
      return actual - pairs.size();
    }

    /** True when every box on each side matched one on the other: none missing, none extra. */
    public boolean exact() {
      return missing() == 0 && extra() == 0;
    }

    /** F1 of {@code actual} against {@code expected}; 1 when both are empty. */
    public double f1() {
      int total = expected + actual;
      return total == 0 ? 1.0 : 2.0 * pairs.size() / total;
    }
  }

  /** Matches {@code actual} against {@code expected} at {@link #MATCH_IOU}, same class only. */
  public static Result match(List<Box> expected, List<Box> actual) {
    return match(expected, actual, MATCH_IOU);
  }

  /** Matches {@code actual} against {@code expected} at {@code minIou}, same class only. */
  public static Result match(List<Box> expected, List<Box> actual, double minIou) {
    List<double[]> candidates = new ArrayList<>();
    for (int e = 0; e < expected.size(); e++) {
      for (int a = 0; a < actual.size(); a++) {
        Box want = expected.get(e);
        Box got = actual.get(a);
        if (want.getClassIndex() != got.getClassIndex()) {
          continue;
        }
        double overlap = iou(want, got);
        if (overlap >= minIou) {
          candidates.add(new double[] {overlap, e, a});
        }
      }
    }
    candidates.sort(Comparator.comparingDouble((double[] c) -> -c[0]).thenComparingDouble(c -> c[1])
        .thenComparingDouble(c -> c[2]));
    boolean[] expectedTaken = new boolean[expected.size()];
    boolean[] actualTaken = new boolean[actual.size()];
    List<int[]> pairs = new ArrayList<>();
    for (double[] candidate : candidates) {
      int e = (int) candidate[1];
      int a = (int) candidate[2];
      if (!expectedTaken[e] && !actualTaken[a]) {
        expectedTaken[e] = true;
        actualTaken[a] = true;
        pairs.add(new int[] {e, a});
      }
    }
    return new Result(pairs, expected.size(), actual.size());
  }

  /** Intersection over union of two boxes; 0 when either has no area. */
  public static double iou(Box a, Box b) {
    return iou(a.getX(), a.getY(), a.getW(), a.getH(), b.getX(), b.getY(), b.getW(), b.getH());
  }

  /** Intersection over union of two boxes given as top-left corner and size. */
  public static double iou(double ax, double ay, double aw, double ah, double bx, double by, double bw, double bh) {
    if (aw <= 0 || ah <= 0 || bw <= 0 || bh <= 0) {
      return 0;
    }
    double iw = Math.min(ax + aw, bx + bw) - Math.max(ax, bx);
    double ih = Math.min(ay + ah, by + bh) - Math.max(ay, by);
    if (iw <= 0 || ih <= 0) {
      return 0;
    }
    double intersection = iw * ih;
    return intersection / (aw * ah + bw * bh - intersection);
  }
}
