package io.labelstream.inference.detection;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Greedy non-maximum suppression within each class (as torchvision's {@code batched_nms} and Ultralytics do): boxes
 * are taken by descending score, and a box whose IoU with an already kept box of its class exceeds the threshold is
 * dropped. Boxes of different classes never suppress each other.
 */
final class ClassAwareNms {

  private ClassAwareNms() {}

  /**
   * @param byScore proposals sorted by descending score
   * @return the kept proposals, still by descending score
   */
  static List<Proposal> suppress(List<Proposal> byScore, double iouThreshold) {
    Map<Integer, List<Proposal>> keptByClass = new HashMap<>();
    List<Proposal> kept = new ArrayList<>();
    for (Proposal p : byScore) {
      List<Proposal> sameClass = keptByClass.computeIfAbsent(p.classIndex(), c -> new ArrayList<>());
      boolean suppressed = false;
      for (Proposal k : sameClass) {
        if (k.iou(p) > iouThreshold) {
          suppressed = true;
          break;
        }
      }
      if (!suppressed) {
        sameClass.add(p);
        kept.add(p);
      }
    }
    return kept;
  }
}
