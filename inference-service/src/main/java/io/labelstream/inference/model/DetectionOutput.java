package io.labelstream.inference.model;

import java.util.List;

/**
 * How to read a detection model's answer: the {@code output} section of a card with {@code "task": "detection"}
 * (docs/detection.md). One of three layouts, each with the same limits; a classifier's card has an
 * {@link OutputSpec} instead.
 */
public sealed interface DetectionOutput {

  /** Defaults of the limits, as docs/detection.md states them. */
  double DEFAULT_SCORE_THRESHOLD = 0.25;
  double DEFAULT_IOU_THRESHOLD = 0.45;
  int DEFAULT_MAX_DETECTIONS = 100;

  /** The card's spelling of the layout: {@code yolo}, {@code yolo-nms} or {@code boxes}. */
  String format();

  Limits limits();

  /** The graph outputs this layout reads, in the order the checks report them. */
  List<String> outputNames();

  /**
   * @param scoreThreshold boxes scoring below it are not proposed
   * @param iouThreshold a box overlapping a more confident box of its class by more than this is suppressed
   *     ({@code yolo} only: the other layouts come out of the graph already suppressed)
   * @param maxDetections at most this many boxes per frame, most confident first
   */
  record Limits(double scoreThreshold, double iouThreshold, int maxDetections) {

    public static Limits defaults() {
      return new Limits(DEFAULT_SCORE_THRESHOLD, DEFAULT_IOU_THRESHOLD, DEFAULT_MAX_DETECTIONS);
    }
  }

  /**
   * Ultralytics' raw export: {@code name} is {@code [N, 4+C, A]}, per anchor cx, cy, w, h in input pixels, then C
   * class scores (no objectness).
   */
  record Yolo(String name, Limits limits) implements DetectionOutput {

    @Override
    public String format() {
      return "yolo";
    }

    @Override
    public List<String> outputNames() {
      return List.of(name);
    }
  }

  /** A graph with NMS inside: {@code name} is {@code [N, K, 6]}, x1, y1, x2, y2 in input pixels, score, class. */
  record YoloNms(String name, Limits limits) implements DetectionOutput {

    @Override
    public String format() {
      return "yolo-nms";
    }

    @Override
    public List<String> outputNames() {
      return List.of(name);
    }
  }

  /**
   * SSD style (TensorFlow's object detection API): separate outputs for boxes {@code [N, K, 4]} normalised to the
   * input (0-1), scores {@code [N, K]} and classes {@code [N, K]} (any numeric type), and optionally how many rows
   * are real, {@code count} {@code [N]}.
   *
   * @param count the graph output of the number of valid rows, null when every row counts
   * @param boxOrder the order of a box's four numbers
   * @param classOffset subtracted from each class the graph gives (1 for TensorFlow's 1-based ids)
   */
  record Boxes(String boxes, String scores, String classes, String count, BoxOrder boxOrder, int classOffset,
      Limits limits) implements DetectionOutput {

    /** The order of a box's four numbers: TensorFlow's y1, x1, y2, x2 (the default) or x1, y1, x2, y2. */
    public enum BoxOrder { YXYX, XYXY }

    @Override
    public String format() {
      return "boxes";
    }

    @Override
    public List<String> outputNames() {
      return count == null ? List.of(boxes, scores, classes) : List.of(boxes, scores, classes, count);
    }
  }
}
