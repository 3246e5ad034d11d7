package io.labelstream.tools.model;

import io.labelstream.inference.InferenceToolkit;
import io.labelstream.inference.InferenceToolkit.DetectedBox;
import io.labelstream.inference.InferenceToolkit.RankedBoxes;
import io.labelstream.launcher.SampleScenes;
import io.labelstream.tools.model.MeanAveragePrecision.Box;
import io.labelstream.tools.model.MeanAveragePrecision.ClassAp;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * {@code ./labelstream model check DETECTOR.onnx --images DIR} where DIR holds frames and a COCO {@code scenes.json}
 * with their true boxes: runs the detector on every frame exactly as the worker does (decode, letterbox or stretch,
 * ONNX Runtime, box decoding, NMS, boxes back on the frame) and prints its mAP per class in two views: every class of
 * each proposal as detection benchmarks count it (Ultralytics' validation ranks each anchor once per class scoring
 * at least 0.001, {@code multi_label=True}), and the best class of each proposal only, the boxes the worker writes.
 */
final class DetectionCheck {

  /** Ultralytics' validation keeps class hypotheses down to this score ({@code conf=0.001}). */
  static final double FLOOR = 0.001;
  /**
   * Boxes per frame and view, the most confident, as Ultralytics' validation keeps ({@code max_det=300}; COCO's
   * evaluation takes up to 100 per class and frame).
   */
  static final int PER_FRAME = 300;

  /** The figures of both views, for the summary and for tests. */
  record Result(int scenes, List<ClassAp> everyClass, List<ClassAp> bestClass, int unknownTrueBoxes) {

    OptionalDouble everyClassMap50() {
      return MeanAveragePrecision.meanAp50(everyClass);
    }

    OptionalDouble bestClassMap50() {
      return MeanAveragePrecision.meanAp50(bestClass);
    }
  }

  private DetectionCheck() {}

  /** Whether {@code images} holds scenes with true boxes (a COCO {@code scenes.json}) to measure a detector on. */
  static boolean hasScenes(Path images) {
    return Files.isRegularFile(images.resolve(SampleScenes.ANNOTATIONS));
  }

  static Result run(InferenceToolkit model, Path images, int batch, PrintStream out) throws IOException {
    return run(model, images, batch, FLOOR, out);
  }

  /** The same with the class hypotheses down to {@code floor}. */
  static Result run(InferenceToolkit model, Path images, int batch, double floor, PrintStream out) throws IOException {
    List<SampleScenes.Scene> scenes = SampleScenes.load(images);
    List<String> classes = model.classNames();
    MeanAveragePrecision everyClass = new MeanAveragePrecision(classes.size());
    MeanAveragePrecision bestClass = new MeanAveragePrecision(classes.size());
    TreeMap<String, Integer> unknown = new TreeMap<>();
    long started = System.nanoTime();
    for (int start = 0; start < scenes.size(); start += batch) {
      List<SampleScenes.Scene> chunk = scenes.subList(start, Math.min(scenes.size(), start + batch));
      List<InferenceToolkit.PreparedFrame> frames = new ArrayList<>();
      for (SampleScenes.Scene scene : chunk) {
        frames.add(model.prepare(scene.bytes()));
      }
      List<RankedBoxes> ranked = model.rank(frames, floor, PER_FRAME);
      for (int i = 0; i < chunk.size(); i++) {
        List<Box> truth = new ArrayList<>();
        for (SampleScenes.TrueBox t : chunk.get(i).boxes()) {
          int index = classes.indexOf(t.className());
          if (index < 0) {
            unknown.merge(t.className(), 1, Integer::sum);
          } else {
            truth.add(Box.truth(index, t.x(), t.y(), t.w(), t.h()));
          }
        }
        everyClass.add(truth, boxes(ranked.get(i).everyClass()));
        bestClass.add(truth, boxes(ranked.get(i).bestClass()));
      }
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    Result result = new Result(scenes.size(), everyClass.perClass(), bestClass.perClass(),
        unknown.values().stream().mapToInt(Integer::intValue).sum());
    print(result, classes, images, seconds, floor, out);
    if (!unknown.isEmpty()) {
      out.printf("%d true boxes of classes the card does not name are left out: %s%n", result.unknownTrueBoxes(),
          unknown);
    }
    return result;
  }

  private static List<Box> boxes(List<DetectedBox> detected) {
    return detected.stream().map(b -> new Box(b.classIndex(), b.score(), b.x(), b.y(), b.w(), b.h())).toList();
  }

  private static void print(Result r, List<String> classes, Path images, double seconds, double floor,
      PrintStream out) {
    out.printf(Locale.ROOT, "mAP of %d scenes (%s), COCO-style 101-point AP, %.0f s%n", r.scenes(),
        images.resolve(SampleScenes.ANNOTATIONS), seconds);
    out.printf("%-20s %7s  %12s %12s  %12s %12s%n", "class", "truth", "AP50 every", "AP50:95 every", "AP50 best",
        "AP50:95 best");
    for (int c = 0; c < classes.size(); c++) {
      ClassAp every = r.everyClass().get(c);
      ClassAp best = r.bestClass().get(c);
      if (every.trueBoxes() == 0) {
        continue;
      }
      out.printf(Locale.ROOT, "%-20s %7d  %12.4f %12.4f  %12.4f %12.4f%n", classes.get(c), every.trueBoxes(),
          every.ap50().getAsDouble(), every.ap50to95().getAsDouble(), best.ap50().getAsDouble(),
          best.ap50to95().getAsDouble());
    }
    out.printf(Locale.ROOT, "%-20s %7s  %12s %12s  %12s %12s%n", "mean", "", text(r.everyClassMap50()),
        text(MeanAveragePrecision.meanAp50to95(r.everyClass())), text(r.bestClassMap50()),
        text(MeanAveragePrecision.meanAp50to95(r.bestClass())));
    out.printf(Locale.ROOT, "every: each proposal once per class scoring >= %s (as Ultralytics' validation counts, "
        + "multi_label), class-aware NMS at the card's iouThreshold, %d per frame; best: its best class only, the "
        + "boxes the worker writes%n", floor, PER_FRAME);
  }

  private static String text(OptionalDouble value) {
    return value.isPresent() ? String.format(Locale.ROOT, "%.4f", value.getAsDouble()) : "-";
  }
}
