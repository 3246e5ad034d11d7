package io.labelstream.tools.evaluate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.labelstream.launcher.SampleScenes;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.config.ReviewVariables;
import io.labelstream.platform.config.SharedVariables;
import io.labelstream.platform.model.ModelFolder;
import io.labelstream.platform.model.ModelIdentity;
import io.labelstream.review.ReviewToolkit;
import io.labelstream.schemas.avro.Box;
import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.Policy;
import io.labelstream.schemas.avro.Prediction;
import io.labelstream.schemas.avro.ReviewRequest;
import io.labelstream.schemas.avro.Route;
import io.labelstream.schemas.boxes.BoxMatching;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Random;

/**
 * {@code ./labelstream evaluate --task detection --e2e}: the replay's scenario for seed 1 through the real services
 * and the detector itself: every scene posted to ingest over HTTP as a JPEG in the seed's order, a simulated
 * reviewer answering every review and audit task through the review API with the scene's true boxes, and the outcome
 * (model labels against the true boxes, audits, the last published policy) read back from the topics. Its one row is
 * judged by the replay's rules ({@link DetectionEvaluate#checks}).
 */
final class DetectionEndToEnd {

  static final long SEED = 1;

  /** What became of one posted scene, as the topics hold it. */
  record Frame(String frameId, SampleScenes.Scene scene, int position, Prediction prediction, Label modelLabel,
      Label humanLabel, boolean modelLabelExact, boolean predictionExact) {

    boolean modelLabelled() {
      return prediction.getRoute() == Route.MODEL_LABEL;
    }
  }

  /**
   * The run: its row, the targets judged on it, every frame, and the review tasks requested and answered.
   *
   * @param answersByFrame tasks the reviewer answered per frame id
   */
  record Outcome(DetectionEvaluate.Seed seed, double target, List<DetectionEvaluate.Check> checks, List<Frame> frames,
      List<ReviewRequest> reviewRequests, Map<String, Integer> answersByFrame) {}

  private DetectionEndToEnd() {}

  /** Runs the scenes through the services and prints the row and its targets; returns how many targets were missed. */
  static long run(Map<String, String> environment, OptionalDouble target, List<SampleScenes.Scene> scenes,
      PrintStream out) throws Exception {
    Outcome outcome = evaluate(environment, target, scenes, out);
    DetectionEvaluate.printHeader(out, outcome.seed().warmup());
    DetectionEvaluate.printRow(out, outcome.seed());
    return DetectionEvaluate.printChecks(out, outcome.checks());
  }

  /** Runs the scenes through the services and reads back what became of them. */
  static Outcome evaluate(Map<String, String> environment, OptionalDouble target, List<SampleScenes.Scene> scenes,
      PrintStream out) throws Exception {
    Env env = new Env(environment);
    Path modelPath = env.find(SharedVariables.LABELSTREAM_MODEL_DIR).orElse(DetectionEvaluate.BUNDLED);
    ModelFolder model = ModelFolder.of(modelPath);
    ModelIdentity identity = ModelIdentity.read(model);
    if (!identity.task().equals(ModelIdentity.DETECTION)) {
      throw new IOException("evaluate --task detection --e2e needs a detection model; " + modelPath + " is a "
          + identity.task() + " model (its card's task)");
    }
    // The target the services work to, as the replay chooses it: --target reaches them as their setting.
    Map<String, String> services = new HashMap<>(environment);
    services.put(SharedVariables.LABELSTREAM_MODEL_DIR.name(), modelPath.toAbsolutePath().normalize().toString());
    target.ifPresent(t -> services.put(ReviewVariables.REVIEW_POLICY_TARGET_ACCURACY.name(), Double.toString(t)));
    double judgedTarget = ReviewToolkit.forModel(env, model, identity, target).targets().target();
    List<String> classes = identity.classNames();
    int warmup = Math.min(Evaluate.WARMUP, scenes.size() / 2);
    List<SampleScenes.Scene> order = new ArrayList<>(scenes);
    Collections.shuffle(order, new Random(SEED));

    out.printf(Locale.ROOT, "%nEnd to end through the real services, seed %d (%d scenes as JPEGs over HTTP, reviews "
        + "through the API with the true boxes):%n", SEED, order.size());
    try (EvaluationServices running = EvaluationServices.start(services)) {
      Map<String, Integer> positionByFrame = new HashMap<>();
      SimulatedReviewer reviewer = new SimulatedReviewer(running);
      reviewer.start();
      for (int position = 0; position < order.size(); position++) {
        SampleScenes.Scene scene = order.get(position);
        String frameId = running.post(scene.bytes(), scene.contentType(), "scene-" + scene.file().getFileName());
        if (positionByFrame.putIfAbsent(frameId, position) != null) {
          throw new IOException("ingest gave " + scene.file() + " the frame id of an earlier scene: is it listed twice?");
        }
        reviewer.answer(frameId, submitBody(scene.truth(classes)));
        if ((position + 1) % 100 == 0 || position + 1 == order.size()) {
          out.printf(Locale.ROOT, "\rposted %d/%d, answered %d review tasks", position + 1, order.size(),
              reviewer.answered());
        }
      }
      running.awaitRouted(order.size());
      reviewer.finishAll(() -> running.reviewRequests().size());
      List<ReviewRequest> requests = running.reviewRequests();
      running.awaitPolicy(order.size());
      out.println();
      EvaluationServices.Records records = running.records();
      List<Frame> frames = frames(records, order, positionByFrame, classes);
      Policy last = records.lastPolicy();
      DetectionEvaluate.Seed seed = seed(frames, records.writtenBound(), last.getOverall().getEstimate(),
          warmup, judgedTarget);
      return new Outcome(seed, judgedTarget, DetectionEvaluate.checks(List.of(seed), judgedTarget, warmup), frames,
          requests, reviewer.answeredByFrame());
    }
  }

  /** The review API's detection answer: the boxes in frame pixels, x/y top-left (docs/detection.md). */
  static String submitBody(List<Box> truth) {
    ObjectNode body = EvaluationServices.JSON.createObjectNode();
    ArrayNode boxes = body.putArray("boxes");
    truth.forEach(b -> boxes.addObject().put("label", b.getLabel()).put("x", b.getX()).put("y", b.getY())
        .put("w", b.getW()).put("h", b.getH()));
    return body.toString();
  }

  private static List<Frame> frames(EvaluationServices.Records records, List<SampleScenes.Scene> order,
      Map<String, Integer> positionByFrame, List<String> classes) throws IOException {
    List<Frame> frames = new ArrayList<>();
    for (Map.Entry<String, Integer> posted : positionByFrame.entrySet()) {
      String frameId = posted.getKey();
      SampleScenes.Scene scene = order.get(posted.getValue());
      Prediction prediction = records.predictions().get(frameId);
      if (prediction == null) {
        throw new IOException("frame " + frameId + " (" + scene.file() + ") has no prediction on its topic");
      }
      List<Box> truth = scene.truth(classes);
      Label modelLabel = records.modelLabels().get(frameId);
      if (prediction.getRoute() == Route.MODEL_LABEL && modelLabel == null) {
        throw new IOException("frame " + frameId + " was routed to a model label, and none is on the labels topic");
      }
      frames.add(new Frame(frameId, scene, posted.getValue(), prediction, modelLabel,
          records.humanLabels().get(frameId),
          modelLabel != null && BoxMatching.match(truth, modelLabel.getBoxes()).exact(),
          BoxMatching.match(truth, prediction.getBoxes()).exact()));
    }
    frames.sort((a, b) -> Integer.compare(a.position(), b.position()));
    return List.copyOf(frames);
  }

  /** The run's figures in the replay's shape; the oracle is the replay's, over the frames after the warm-up. */
  static DetectionEvaluate.Seed seed(List<Frame> frames, double bound, double estimate, int warmup, double target) {
    int modelLabelled = 0;
    int exact = 0;
    int afterWarmup = 0;
    int audits = 0;
    List<TestPredictions.Row> tail = new ArrayList<>();
    for (Frame f : frames) {
      audits += f.prediction().getAudited() ? 1 : 0;
      if (f.modelLabelled()) {
        modelLabelled++;
        exact += f.modelLabelExact() ? 1 : 0;
        afterWarmup += f.position() >= warmup ? 1 : 0;
      }
      if (f.position() >= warmup) {
        // As the replay counts a boxes answer: class 0 when the model's boxes were exact, else -1.
        tail.add(new TestPredictions.Row(f.position(), f.predictionExact() ? 0 : -1, 0, f.prediction().getScore()));
      }
    }
    int n = frames.size();
    return new DetectionEvaluate.Seed(SEED, n, modelLabelled, modelLabelled == 0 ? 1.0 : (double) exact / modelLabelled,
        bound, estimate, warmup,
        tail.isEmpty() ? 0 : (double) afterWarmup / tail.size(), StreamSimulation.oracleShare(tail, target),
        (double) audits / n, (double) modelLabelled / n);
  }
}
