package io.labelstream.tools.model;

import io.labelstream.schemas.boxes.BoxMatching;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalDouble;

/**
 * COCO-style average precision of a detector's ranked boxes against the true boxes, per class: at each IoU
 * threshold the class's boxes over all frames are taken by descending score, each matched to the not yet matched
 * true box of its class and frame it overlaps most, a match when that IoU reaches the threshold; precision is made
 * non-increasing from the right and read at the 101 recall points 0, 0.01, ..., 1 (0 past the last recall reached).
 * AP@0.5:0.95 is the mean over the thresholds 0.50, 0.55, ..., 0.95; the mAPs average the classes that have true
 * boxes. It is what pycocotools computes for one area range and the detections it is given.
 */
final class MeanAveragePrecision {

  /** The IoU thresholds of AP@0.5:0.95. */
  static final double[] IOU_THRESHOLDS = {0.50, 0.55, 0.60, 0.65, 0.70, 0.75, 0.80, 0.85, 0.90, 0.95};

  /** A box in frame pixels (x, y = top-left corner); a true box's score is not read. */
  record Box(int classIndex, double score, double x, double y, double w, double h) {

    static Box truth(int classIndex, double x, double y, double w, double h) {
      return new Box(classIndex, Double.NaN, x, y, w, h);
    }

    double iou(Box o) {
      return BoxMatching.iou(x, y, w, h, o.x, o.y, o.w, o.h);
    }
  }

  /** One class's figures; the APs are empty when the class has no true box. */
  record ClassAp(int classIndex, int trueBoxes, OptionalDouble ap50, OptionalDouble ap50to95) {}

  private record Ranked(int frame, int order, Box box) {}

  private final int classes;
  private final List<List<Box>> truth = new ArrayList<>();
  private final List<List<Box>> detections = new ArrayList<>();

  MeanAveragePrecision(int classes) {
    this.classes = classes;
  }

  /** One frame: its true boxes and the detector's boxes (any order; ties in score keep this order). */
  void add(List<Box> frameTruth, List<Box> frameDetections) {
    truth.add(List.copyOf(frameTruth));
    detections.add(List.copyOf(frameDetections));
  }

  int frames() {
    return truth.size();
  }

  ClassAp of(int classIndex) {
    int trueBoxes = (int) truth.stream().flatMap(List::stream).filter(b -> b.classIndex() == classIndex).count();
    if (trueBoxes == 0) {
      return new ClassAp(classIndex, 0, OptionalDouble.empty(), OptionalDouble.empty());
    }
    double sum = 0;
    double ap50 = 0;
    for (double threshold : IOU_THRESHOLDS) {
      double ap = averagePrecision(classIndex, threshold, trueBoxes);
      ap50 = threshold == IOU_THRESHOLDS[0] ? ap : ap50;
      sum += ap;
    }
    return new ClassAp(classIndex, trueBoxes, OptionalDouble.of(ap50), OptionalDouble.of(sum / IOU_THRESHOLDS.length));
  }

  List<ClassAp> perClass() {
    List<ClassAp> out = new ArrayList<>();
    for (int c = 0; c < classes; c++) {
      out.add(of(c));
    }
    return out;
  }

  /** The mean of AP@0.5 over the classes with true boxes; empty when none has any. */
  static OptionalDouble meanAp50(List<ClassAp> perClass) {
    return perClass.stream().filter(c -> c.ap50().isPresent()).mapToDouble(c -> c.ap50().getAsDouble()).average();
  }

  static OptionalDouble meanAp50to95(List<ClassAp> perClass) {
    return perClass.stream().filter(c -> c.ap50to95().isPresent()).mapToDouble(c -> c.ap50to95().getAsDouble())
        .average();
  }

  private double averagePrecision(int classIndex, double threshold, int trueBoxes) {
    List<Ranked> ranked = new ArrayList<>();
    for (int f = 0; f < detections.size(); f++) {
      List<Box> own = detections.get(f);
      for (int k = 0; k < own.size(); k++) {
        if (own.get(k).classIndex() == classIndex) {
          ranked.add(new Ranked(f, ranked.size(), own.get(k)));
        }
      }
    }
    ranked.sort(Comparator.comparingDouble((Ranked r) -> -r.box().score()).thenComparingInt(Ranked::order));
    boolean[][] matched = new boolean[truth.size()][];
    double[] precision = new double[ranked.size()];
    double[] recall = new double[ranked.size()];
    int hits = 0;
    for (int k = 0; k < ranked.size(); k++) {
      Ranked r = ranked.get(k);
      List<Box> frameTruth = truth.get(r.frame());
      if (matched[r.frame()] == null) {
        matched[r.frame()] = new boolean[frameTruth.size()];
      }
      int best = -1;
      double bestIou = -1;
      for (int t = 0; t < frameTruth.size(); t++) {
        Box truthBox = frameTruth.get(t);
        if (truthBox.classIndex() == classIndex && !matched[r.frame()][t]) {
          double iou = truthBox.iou(r.box());
          if (iou > bestIou) {
            bestIou = iou;
            best = t;
          }
        }
      }
      if (best >= 0 && bestIou >= threshold) {
        matched[r.frame()][best] = true;
        hits++;
      }
      precision[k] = (double) hits / (k + 1);
      recall[k] = (double) hits / trueBoxes;
    }
    for (int k = precision.length - 2; k >= 0; k--) {
      precision[k] = Math.max(precision[k], precision[k + 1]);
    }
    double sum = 0;
    for (int i = 0; i <= 100; i++) {
      double point = i / 100.0;
      int k = firstAtLeast(recall, point);
      sum += k < precision.length ? precision[k] : 0;
    }
    return sum / 101;
  }

  /** The first index whose recall reaches {@code point} (recall never falls along the ranking). */
  private static int firstAtLeast(double[] recall, double point) {
    int k = Arrays.binarySearch(recall, point);
    if (k < 0) {
      return -k - 1;
    }
    while (k > 0 && recall[k - 1] == point) {
      k--;
    }
    return k;
  }
}
