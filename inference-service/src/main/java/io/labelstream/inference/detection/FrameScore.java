package io.labelstream.inference.detection;

import java.util.List;

/**
 * The score a detection frame is routed on (docs/detection.md), until measurement (issue "Boxes", part 3) picks
 * another: the product over the candidate boxes of {@code max(s, 1 - s)}, the chance, if scores were calibrated,
 * that every keep-or-drop decision at the cut-off is right. A frame with no candidate scores 1.
 *
 * <p>A prediction also carries a margin and an entropy. For a frame they describe its least certain candidate (the
 * one whose score is nearest 0.5): {@code margin = |2s - 1|} (keep minus drop probability), {@code entropy} the
 * binary entropy of s in nats; 1 and 0 without candidates.
 *
 * @param score the routing score, 0-1
 * @param margin of the least certain candidate
 * @param entropy of the least certain candidate, nats
 */
public record FrameScore(double score, double margin, double entropy) {

  /** Boxes after NMS scoring at least this are candidates: the decisions the frame score weighs. */
  public static final double CANDIDATE_FLOOR = 0.05;

  public static FrameScore of(List<FrameBox> candidates) {
    double product = 1.0;
    double leastCertain = 1.0;
    double closestToHalf = Double.POSITIVE_INFINITY;
    for (FrameBox box : candidates) {
      double s = box.score();
      product *= Math.max(s, 1.0 - s);
      if (Math.abs(s - 0.5) < closestToHalf) {
        closestToHalf = Math.abs(s - 0.5);
        leastCertain = s;
      }
    }
    return new FrameScore(product, Math.abs(2 * leastCertain - 1), binaryEntropy(leastCertain));
  }

  private static double binaryEntropy(double p) {
    double h = 0;
    if (p > 0 && p < 1) {
      h = -p * Math.log(p) - (1 - p) * Math.log(1 - p);
    }
    return h;
  }
}
