package io.labelstream.schemas.boxes;

import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The score a detection frame is routed on (docs/detection.md), in one place for the worker that routes on it, the
 * review service that reads a detector's validation evidence and the tools that replay a detector's predictions.
 *
 * <p>A frame is exact when every keep-or-drop decision at the card's cut-off ({@code output.scoreThreshold}) is
 * right, so the frame score weighs how far each candidate box (after NMS, score at least {@link #CANDIDATE_FLOOR})
 * is from that cut-off: its <em>certainty</em> is 0.5 at the cut-off and rises linearly to 1 at score 1 for a kept
 * box and at score 0 for a dropped one; the frame score is the product of the certainties. A frame with no candidate
 * scores 1. At a cut-off of 0.5 the certainty is {@code max(s, 1 - s)}. Why the cut-off and not 0.5: with the
 * bundled detector's cut-off of 0.25, a box scoring 0.3 is kept on a near miss, and {@code max(s, 1 - s)} called it
 * fairly sure (0.7). Compared on the detector's validation scenes only (model/detector_eval.py), the certainty about
 * the cut-off separated exact from other frames better: AUROC 0.856 against 0.809, and the exactness the policy can
 * guarantee from that evidence alone rose from 0.60 to 0.65 at the same share.
 *
 * <p>A kept box must also carry the right class, so its certainty is multiplied by its <em>class certainty</em>: its
 * class's score over the sum of all class scores of its anchor (1 where the output gives only the winning class:
 * {@code yolo-nms}, {@code boxes}). Measured on the validation scenes of fashion-detector 1.2.0 only, AUROC 0.860
 * against 0.848 without it, and the share of frames a single cut labels at 0.9 exact rose from 25.3% to 27.9%; the
 * class certainty squared or square-rooted separated less well (AUROC 0.858, 0.859; model/detector_eval.py). A
 * dropped box's class is never written, so it is not weighed.
 *
 * <p>A prediction also carries a margin and an entropy. For a frame they describe its least certain keep-or-drop
 * decision (the certainty c about the cut-off, class left out): {@code margin = 2c - 1} (0 at the cut-off, 1 at a
 * sure decision) and {@code entropy} the binary entropy of c in nats; 1 and 0 without candidates.
 *
 * @param score the routing score, 0-1
 * @param margin of the least certain candidate
 * @param entropy of the least certain candidate, nats
 */
public record FrameScore(double score, double margin, double entropy) {

  /** Boxes after NMS scoring at least this are candidates: the decisions the frame score weighs. */
  public static final double CANDIDATE_FLOOR = 0.05;

  /**
   * The frame score of boxes with these scores and class certainties, kept or dropped at {@code cut}; boxes below
   * {@link #CANDIDATE_FLOOR} are not candidates and are left out (a replay file keeps lower ones), so every caller
   * weighs the same decisions.
   *
   * @param classCertaintyOf a box's class score over the sum of its anchor's class scores, in (0, 1]
   * @param cut the card's {@code output.scoreThreshold}, in (0, 1)
   */
  public static <T> FrameScore of(List<T> boxes, ToDoubleFunction<T> scoreOf, ToDoubleFunction<T> classCertaintyOf,
      double cut) {
    if (!(cut > 0 && cut < 1)) {
      throw new IllegalArgumentException("a cut-off must be in (0, 1), got " + cut);
    }
    double product = 1.0;
    double leastCertain = 1.0;
    for (T box : boxes) {
      double s = scoreOf.applyAsDouble(box);
      if (s < CANDIDATE_FLOOR) {
        continue;
      }
      double c = certainty(s, cut);
      product *= s >= cut ? c * checked(classCertaintyOf.applyAsDouble(box)) : c;
      leastCertain = Math.min(leastCertain, c);
    }
    return new FrameScore(product, 2 * leastCertain - 1, binaryEntropy(leastCertain));
  }

  /**
   * A box's class score over the sum of its anchor's class scores, from those scores (1 when there is only one, or
   * they sum to nothing).
   */
  public static double classCertainty(double winning, double sum) {
    return sum > 0 && winning > 0 ? Math.min(1.0, winning / sum) : 1.0;
  }

  private static double checked(double classCertainty) {
    if (!(classCertainty > 0 && classCertainty <= 1)) {
      throw new IllegalArgumentException("a class certainty must be in (0, 1], got " + classCertainty);
    }
    return classCertainty;
  }

  /** How sure the keep-or-drop decision at {@code cut} is for a box scoring {@code s}: 0.5 at the cut, 1 at 0 or 1. */
  static double certainty(double s, double cut) {
    double clamped = Math.min(1.0, Math.max(0.0, s));
    return 0.5 + 0.5 * (clamped >= cut ? (clamped - cut) / (1 - cut) : (cut - clamped) / cut);
  }

  private static double binaryEntropy(double p) {
    double h = 0;
    if (p > 0 && p < 1) {
      h = -p * Math.log(p) - (1 - p) * Math.log(1 - p);
    }
    return h;
  }
}
