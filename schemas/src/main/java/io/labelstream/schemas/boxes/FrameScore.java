package io.labelstream.schemas.boxes;

import io.labelstream.schemas.avro.Box;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The score a detection frame is routed on (docs/detection.md), in one place for the worker that routes on it, the
 * review service that reads a detector's validation evidence and the tools that replay a detector's predictions: the
 * product over the candidate boxes (after NMS, score at least {@link #CANDIDATE_FLOOR}) of {@code max(s, 1 - s)},
 * the chance, if scores were calibrated, that every keep-or-drop decision at the cut-off is right. A frame with no
 * candidate scores 1.
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

  /**
   * The frame score of boxes with these scores; boxes below {@link #CANDIDATE_FLOOR} are not candidates and are
   * left out (a replay file keeps lower ones), so every caller weighs the same decisions.
   */
  public static <T> FrameScore of(List<T> boxes, ToDoubleFunction<T> scoreOf) {
    double product = 1.0;
    double leastCertain = 1.0;
    double closestToHalf = Double.POSITIVE_INFINITY;
    for (T box : boxes) {
      double s = scoreOf.applyAsDouble(box);
      if (s < CANDIDATE_FLOOR) {
        continue;
      }
      product *= Math.max(s, 1.0 - s);
      if (Math.abs(s - 0.5) < closestToHalf) {
        closestToHalf = Math.abs(s - 0.5);
        leastCertain = s;
      }
    }
    return new FrameScore(product, Math.abs(2 * leastCertain - 1), binaryEntropy(leastCertain));
  }

  /** The frame score of a model's Avro boxes, by their confidence (a box people drew has none and is refused). */
  public static FrameScore ofBoxes(List<Box> boxes) {
    return of(boxes, box -> {
      if (box.getConfidence() == null) {
        throw new IllegalArgumentException("a box without confidence (drawn by a person) has no frame score");
      }
      return box.getConfidence();
    });
  }

  private static double binaryEntropy(double p) {
    double h = 0;
    if (p > 0 && p < 1) {
      h = -p * Math.log(p) - (1 - p) * Math.log(1 - p);
    }
    return h;
  }
}
