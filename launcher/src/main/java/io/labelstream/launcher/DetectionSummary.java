package io.labelstream.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import io.labelstream.platform.model.ModelIdentity;
import io.labelstream.schemas.avro.Box;
import io.labelstream.schemas.boxes.BoxMatching;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code demo --task detection} found, every figure from the frames' records set against the scenes' true boxes
 * by {@link BoxMatching} (the rule audits, consensus and gold use): how many frames the model labelled and how many of
 * those are exact, how many wait for people, the boxes it proposed per class, and, since every scene has ground truth,
 * how its boxes on all frames compare with it (cheap figures, no mAP: frames exact, box precision and recall at IoU
 * 0.5, mean IoU of the matched boxes).
 *
 * @param proposedPerClass boxes in the predictions of all frames, per class of the card, in the card's order
 * @param framesExact frames whose predicted boxes are exact against the truth, whether or not the model labelled them
 * @param matchedBoxes predicted boxes matched to a true one
 * @param meanMatchedIou mean IoU of those pairs (0 when none)
 * @param frameIds the frames posted, in the scenes' order
 */
record DetectionSummary(String model, int frames, int trueBoxes, double postSeconds, double routedSeconds,
    int modelLabelled, int modelLabelledExact, int waitingForReview, Map<String, Integer> proposedPerClass,
    int proposedBoxes, int framesExact, int matchedBoxes, double meanMatchedIou, Policy policy,
    List<String> frameIds) {

  /**
   * The routing policy in force, as the review service's accuracy stats show it to admins
   * ({@code GET /v1/stats/accuracy}, one "frame exactness" row for a detector).
   *
   * @param closed no threshold: the policy has no evidence yet that the detector's frames are exact at the target,
   *     so every frame goes to people
   * @param auditsAnswered blind audits answered so far (the reviewer drew every box)
   * @param pinned INFERENCE_ROUTING_THRESHOLD, when set: the worker routes by it and ignores the policy
   */
  record Policy(boolean closed, double target, double confidence, double estimate, double lowerBound,
      long auditsAnswered, Double threshold, Optional<Double> pinned) {

    static Policy of(JsonNode accuracy, Optional<Double> pinned) {
      JsonNode frame = accuracy.path("classes").path(0);
      JsonNode overall = accuracy.path("overall");
      boolean closed = frame.path("closed").asBoolean(true);
      return new Policy(closed, accuracy.path("target").asDouble(), accuracy.path("confidence").asDouble(),
          overall.path("estimatedAccuracy").asDouble(), overall.path("lowerBound").asDouble(),
          accuracy.path("auditsAnswered").asLong(), closed ? null : frame.get("threshold").asDouble(), pinned);
    }
  }

  static DetectionSummary of(ModelIdentity model, List<DetectionDemo.FrameOutcome> outcomes, Policy policy,
      double postSeconds, double routedSeconds) {
    List<String> classes = model.classNames();
    Map<String, Integer> perClass = new LinkedHashMap<>();
    classes.forEach(c -> perClass.put(c, 0));
    int trueBoxes = 0;
    int modelLabelled = 0;
    int modelLabelledExact = 0;
    int waiting = 0;
    int proposed = 0;
    int framesExact = 0;
    int matched = 0;
    double iouSum = 0;
    for (DetectionDemo.FrameOutcome frame : outcomes) {
      List<Box> truth = frame.scene().truth(classes);
      trueBoxes += truth.size();
      for (Box box : frame.predicted()) {
        perClass.merge(box.getLabel(), 1, Integer::sum);
        proposed++;
      }
      BoxMatching.Result onEveryFrame = BoxMatching.match(truth, frame.predicted());
      framesExact += onEveryFrame.exact() ? 1 : 0;
      matched += onEveryFrame.matched();
      for (int[] pair : onEveryFrame.pairs()) {
        iouSum += BoxMatching.iou(truth.get(pair[0]), frame.predicted().get(pair[1]));
      }
      if (frame.modelLabelled()) {
        modelLabelled++;
        modelLabelledExact += BoxMatching.match(truth, frame.modelLabel()).exact() ? 1 : 0;
      }
      if (frame.reviewRequested()) {
        waiting++;
      }
    }
    return new DetectionSummary(model.name() + " " + model.version(), outcomes.size(), trueBoxes, postSeconds,
        routedSeconds, modelLabelled, modelLabelledExact, waiting, perClass, proposed, framesExact, matched,
        matched == 0 ? 0 : iouSum / matched, policy,
        outcomes.stream().map(DetectionDemo.FrameOutcome::frameId).toList());
  }

  void print(PrintStream out, AllInOne all) {
    print(out, all.reviewUrl(), all.anyToken());
  }

  void print(PrintStream out, String reviewUrl, String token) {
    out.println();
    out.println("Demo summary (detection: " + model + ")");
    out.printf(Locale.ROOT, "  frames accepted:        %d scenes with %d true boxes (posted in %.1f s, all routed after "
        + "%.1f s)%n", frames, trueBoxes, postSeconds, routedSeconds);
    out.printf(Locale.ROOT, "  model-labelled:         %d (%s)%s%n", modelLabelled, percent(modelLabelled, frames),
        modelLabelled == 0 ? "" : ", exact against the true boxes " + percent(modelLabelledExact, modelLabelled)
            + " (" + modelLabelledExact + "/" + modelLabelled + ")");
    out.printf(Locale.ROOT, "  waiting for review:     %d (%s)%n", waitingForReview, percent(waitingForReview, frames));
    out.printf(Locale.ROOT, "  routing policy:         %s%n", policyLine());
    out.printf(Locale.ROOT, "  boxes proposed:         %d: %s%n", proposedBoxes, perClassLine());
    out.printf(Locale.ROOT, "  on every frame, against the true boxes (IoU >= %.1f, same class):%n", BoxMatching.MATCH_IOU);
    out.printf(Locale.ROOT, "    frames exact:         %d/%d (%s)%n", framesExact, frames, percent(framesExact, frames));
    out.printf(Locale.ROOT, "    box precision:        %s (%d/%d), recall %s (%d/%d), mean IoU of matched boxes %.3f%n",
        ratio(matchedBoxes, proposedBoxes), matchedBoxes, proposedBoxes, ratio(matchedBoxes, trueBoxes), matchedBoxes,
        trueBoxes, meanMatchedIou);
    out.printf("  review page:            %s/  (sign in with token %s)%n", reviewUrl, token);
    out.println();
  }

  private String policyLine() {
    if (policy.pinned().isPresent()) {
      return String.format(Locale.ROOT, "pinned by INFERENCE_ROUTING_THRESHOLD: frames scoring >= %.4f are "
          + "model-labelled, whatever the published policy says (%s)", policy.pinned().get(),
          policy.closed() ? "it is closed" : String.format(Locale.ROOT, "it is %.4f", policy.threshold()));
    }
    if (policy.closed()) {
      return String.format(Locale.ROOT, "closed: no evidence yet that this detector's frames are exact at the target "
          + "%.2f, so every frame goes to people", policy.target());
    }
    return String.format(Locale.ROOT, "frames scoring >= %.4f are model-labelled; frame exactness >= %.4f at %.0f%% "
        + "confidence (estimate %.4f, target %.2f), %d blind audits answered so far", policy.threshold(),
        policy.lowerBound(), 100 * policy.confidence(), policy.estimate(), policy.target(), policy.auditsAnswered());
  }

  /** The classes with boxes, in the card's order (a card may have 80 classes; the rest are 0). */
  private String perClassLine() {
    List<String> parts = new ArrayList<>();
    proposedPerClass.forEach((c, n) -> {
      if (n > 0) {
        parts.add(c + " " + n);
      }
    });
    int none = proposedPerClass.size() - parts.size();
    return parts.isEmpty() ? "none" : String.join(", ", parts) + (none == 0 ? "" : " (none of the other " + none
        + (none == 1 ? " class)" : " classes)"));
  }

  private static String percent(int part, int whole) {
    return whole == 0 ? "-" : String.format(Locale.ROOT, "%.1f%%", 100.0 * part / whole);
  }

  private static String ratio(int part, int whole) {
    return whole == 0 ? "-" : String.format(Locale.ROOT, "%.3f", (double) part / whole);
  }
}
