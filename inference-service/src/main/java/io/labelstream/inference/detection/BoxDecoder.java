package io.labelstream.inference.detection;

import io.labelstream.schemas.boxes.FrameScore;
import io.labelstream.inference.image.FramePlacement;
import io.labelstream.inference.model.DetectionOutput;
import io.labelstream.inference.model.DetectorOutput;
import io.labelstream.inference.model.DetectorOutput.Tensor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Turns a detection graph's raw answer into boxes on the frame, for each of the card's output layouts
 * (docs/detection.md):
 *
 * <ol>
 *   <li>proposals scoring at least the lower of scoreThreshold and {@link FrameScore#CANDIDATE_FLOOR} are read
 *       ({@code yolo}: per anchor the best class, the first on a tie, and its share of the anchor's class scores,
 *       the class certainty; {@code yolo-nms} and {@code boxes}: each row, up to {@code count}, class certainty 1);
 *       a class index outside classNames is dropped;
 *   <li>{@code yolo} only: class-aware NMS at iouThreshold, in input pixels, as Ultralytics does it;
 *   <li>by descending score, each is put back on the frame ({@link FramePlacement}), clipped, and dropped if nothing of
 *       it is left;
 *   <li>the boxes are those scoring at least scoreThreshold, at most maxDetections; the candidates those scoring at
 *       least {@link FrameScore#CANDIDATE_FLOOR}.
 * </ol>
 * Suppressing among the lower-scoring proposals as well changes nothing above the threshold: a box is only ever
 * suppressed by a more confident one.
 */
public final class BoxDecoder {

  private static final Comparator<Proposal> BY_SCORE = Comparator.comparingDouble(Proposal::score).reversed();

  private final DetectionOutput spec;
  private final int classes;
  private final int inputWidth;
  private final int inputHeight;
  private final double candidateFloor;

  /**
   * @param classes the number of classNames
   * @param inputWidth the model input's width in pixels ({@code boxes} are normalised to it)
   */
  public BoxDecoder(DetectionOutput spec, int classes, int inputWidth, int inputHeight) {
    this.spec = spec;
    this.classes = classes;
    this.inputWidth = inputWidth;
    this.inputHeight = inputHeight;
    this.candidateFloor = Math.min(spec.limits().scoreThreshold(), FrameScore.CANDIDATE_FLOOR);
  }

  public Detections decode(DetectorOutput output, FramePlacement placement) {
    return onFrame(proposals(output, candidateFloor, false), placement);
  }

  /**
   * The model's whole ranked answer, as detection benchmarks score it: every proposal scoring at least {@code floor},
   * class-aware NMS at the card's iouThreshold, on the frame, the {@code limit} most confident. With
   * {@code everyClass} a {@code yolo} anchor is a proposal once for each class scoring at least {@code floor}
   * (Ultralytics' validation, {@code multi_label=True}), so a garment whose right class came second still counts, at
   * its lower score (class certainty 1: no frame score is made from this view); without it, once for its best
   * class, as the worker writes boxes. The other layouts give one class per row either way.
   */
  public List<FrameBox> ranked(DetectorOutput output, FramePlacement placement, double floor, int limit,
      boolean everyClass) {
    List<FrameBox> out = new ArrayList<>();
    for (Proposal p : proposals(output, floor, everyClass)) {
      double[] xywh = placement.toFrame(p.x1(), p.y1(), p.x2(), p.y2());
      if (xywh != null && out.size() < limit) {
        out.add(new FrameBox(p.classIndex(), p.score(), p.classCertainty(), xywh[0], xywh[1], xywh[2], xywh[3]));
      }
    }
    return out;
  }

  /** Steps 1 and 2 of the class comment, down to {@code floor}: the proposals by descending score. */
  private List<Proposal> proposals(DetectorOutput output, double floor, boolean everyClass) {
    if (spec instanceof DetectionOutput.Yolo yolo) {
      Tensor t = output.get(yolo.name());
      return ClassAwareNms.suppress(sorted(everyClass ? yoloEveryClass(t, floor) : yolo(t, floor)),
          spec.limits().iouThreshold());
    } else if (spec instanceof DetectionOutput.YoloNms nms) {
      return sorted(yoloNms(output.get(nms.name()), floor));
    }
    return sorted(boxes((DetectionOutput.Boxes) spec, output, floor));
  }

  /** {@code [4+C, A]}: each anchor once per class scoring at least {@code floor}. */
  private List<Proposal> yoloEveryClass(Tensor t, double floor) {
    int anchors = checkedAnchors(t);
    float[] v = t.values();
    List<Proposal> out = new ArrayList<>();
    for (int c = 0; c < classes; c++) {
      int row = (4 + c) * anchors;
      for (int a = 0; a < anchors; a++) {
        float score = v[row + a];
        if (score >= floor) {
          double cx = v[a];
          double cy = v[anchors + a];
          double w = v[2 * anchors + a];
          double h = v[3 * anchors + a];
          out.add(new Proposal(c, score, 1.0, cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2));
        }
      }
    }
    return out;
  }

  private int checkedAnchors(Tensor t) {
    int rows = t.shape()[0];
    if (rows != 4 + classes) {
      throw new IllegalStateException("the yolo output has " + rows + " rows per anchor; the card's " + classes
          + " classNames make " + (4 + classes));
    }
    return t.shape()[1];
  }

  /** {@code [4+C, A]}: per anchor cx, cy, w, h, then the class scores. */
  private List<Proposal> yolo(Tensor t, double floor) {
    int anchors = checkedAnchors(t);
    float[] v = t.values();
    float[] best = new float[anchors];
    int[] bestClass = new int[anchors];
    System.arraycopy(v, 4 * anchors, best, 0, anchors);
    // Class by class over all anchors: the tensor is read in memory order.
    for (int c = 1; c < classes; c++) {
      int row = (4 + c) * anchors;
      for (int a = 0; a < anchors; a++) {
        if (v[row + a] > best[a]) {
          best[a] = v[row + a];
          bestClass[a] = c;
        }
      }
    }
    int[] kept = IntStream.range(0, anchors).filter(a -> best[a] >= floor).toArray();
    // The class certainty's sum, over the proposals only and again row by row: on yolo11n's reference scene this
    // costs nothing measurable (0.5 ms a frame with or without it), summing all 8,400 anchors took 1.1 ms and each
    // proposal's column across the rows 0.8 ms (BoxDecodingCost).
    double[] sum = new double[kept.length];
    for (int c = 0; c < classes; c++) {
      int row = (4 + c) * anchors;
      for (int i = 0; i < kept.length; i++) {
        sum[i] += v[row + kept[i]];
      }
    }
    List<Proposal> out = new ArrayList<>(kept.length);
    for (int i = 0; i < kept.length; i++) {
      int a = kept[i];
      double cx = v[a];
      double cy = v[anchors + a];
      double w = v[2 * anchors + a];
      double h = v[3 * anchors + a];
      out.add(new Proposal(bestClass[a], best[a], FrameScore.classCertainty(best[a], sum[i]), cx - w / 2, cy - h / 2,
          cx + w / 2, cy + h / 2));
    }
    return out;
  }

  /** {@code [K, 6]}: x1, y1, x2, y2, score, class. */
  private List<Proposal> yoloNms(Tensor t, double floor) {
    float[] v = t.values();
    List<Proposal> out = new ArrayList<>();
    for (int k = 0; k < t.shape()[0]; k++) {
      int at = k * 6;
      int c = (int) Math.round((double) v[at + 5]);
      if (v[at + 4] >= floor && c >= 0 && c < classes) {
        out.add(new Proposal(c, v[at + 4], 1.0, v[at], v[at + 1], v[at + 2], v[at + 3]));
      }
    }
    return out;
  }

  /** {@code boxes [K, 4]} normalised, {@code scores [K]}, {@code classes [K]}, optional {@code count []}. */
  private List<Proposal> boxes(DetectionOutput.Boxes names, DetectorOutput output, double floor) {
    float[] box = output.get(names.boxes()).values();
    float[] score = output.get(names.scores()).values();
    float[] cls = output.get(names.classes()).values();
    int rows = Math.min(score.length, Math.min(cls.length, box.length / 4));
    if (names.count() != null) {
      rows = (int) Math.max(0, Math.min(rows, Math.round((double) output.get(names.count()).values()[0])));
    }
    boolean yxyx = names.boxOrder() == DetectionOutput.Boxes.BoxOrder.YXYX;
    List<Proposal> out = new ArrayList<>();
    for (int k = 0; k < rows; k++) {
      int c = (int) Math.round((double) cls[k]) - names.classOffset();
      if (score[k] >= floor && c >= 0 && c < classes) {
        double a = box[4 * k];
        double b = box[4 * k + 1];
        double cc = box[4 * k + 2];
        double d = box[4 * k + 3];
        out.add(yxyx
            ? new Proposal(c, score[k], 1.0, b * inputWidth, a * inputHeight, d * inputWidth, cc * inputHeight)
            : new Proposal(c, score[k], 1.0, a * inputWidth, b * inputHeight, cc * inputWidth, d * inputHeight));
      }
    }
    return out;
  }

  private static List<Proposal> sorted(List<Proposal> proposals) {
    proposals.sort(BY_SCORE);
    return proposals;
  }

  private Detections onFrame(List<Proposal> byScore, FramePlacement placement) {
    List<FrameBox> boxes = new ArrayList<>();
    List<FrameBox> candidates = new ArrayList<>();
    for (Proposal p : byScore) {
      double[] xywh = placement.toFrame(p.x1(), p.y1(), p.x2(), p.y2());
      if (xywh == null) {
        continue;
      }
      FrameBox box = new FrameBox(p.classIndex(), p.score(), p.classCertainty(), xywh[0], xywh[1], xywh[2], xywh[3]);
      if (p.score() >= spec.limits().scoreThreshold() && boxes.size() < spec.limits().maxDetections()) {
        boxes.add(box);
      }
      if (p.score() >= FrameScore.CANDIDATE_FLOOR) {
        candidates.add(box);
      }
    }
    return new Detections(boxes, candidates);
  }
}
