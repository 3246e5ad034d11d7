package io.labelstream.tools.evaluate;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelstream.launcher.SampleScenes;
import io.labelstream.platform.model.ModelFolder;
import io.labelstream.platform.model.ModelIdentity;
import io.labelstream.schemas.avro.ReviewReason;
import io.labelstream.schemas.avro.ReviewRequest;
import io.labelstream.schemas.avro.Route;
import io.labelstream.schemas.boxes.BoxMatching;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@code evaluate --task detection --e2e --scenes model/samples/scenes} on the real services, an embedded broker and
 * the bundled detector: the 64 committed scenes posted over HTTP, every review and audit task answered through the
 * API with the scene's true boxes, and the figures the run reports checked against what the topics hold.
 *
 * <p>With fashion-detector 1.0.0 the policy stays closed over 64 frames at any target the review service takes
 * (docs/label-quality.md: a threshold is tested only once 300 frames of evidence lie above it), so every frame goes
 * to people and the checks on model labels and audits hold for none; they are exercised once a detector opens it.
 */
class DetectionEndToEndIT {

  private static final Path ROOT = Path.of(System.getProperty("labelstream.root"));
  private static final Path DETECTOR = ROOT.resolve("model/fashion-detector.onnx");
  private static final Map<String, String> SETTINGS = Map.of("LABELSTREAM_MODEL_DIR", DETECTOR.toString());

  @Test
  void shouldPostEveryScene_answerEveryTaskWithTheTruth_andReportWhatTheTopicsHold() throws Exception {
    List<SampleScenes.Scene> scenes = SampleScenes.load(ROOT.resolve("model/samples/scenes"));
    assertThat(scenes).hasSize(64);
    List<String> classes = ModelIdentity.read(ModelFolder.of(DETECTOR)).classNames();
    ByteArrayOutputStream printed = new ByteArrayOutputStream();

    DetectionEndToEnd.Outcome outcome = DetectionEndToEnd.evaluate(
        SETTINGS, OptionalDouble.empty(), scenes,
        new PrintStream(printed, true, StandardCharsets.UTF_8));

    // Every scene was posted once and has its prediction.
    List<DetectionEndToEnd.Frame> frames = outcome.frames();
    assertThat(frames).hasSize(scenes.size());
    assertThat(frames.stream().map(DetectionEndToEnd.Frame::frameId)).doesNotHaveDuplicates();
    assertThat(frames.stream().map(f -> f.scene().file()).collect(Collectors.toSet()))
        .isEqualTo(scenes.stream().map(SampleScenes.Scene::file).collect(Collectors.toSet()));

    // Every review task on the topic was answered once: low-confidence frames and the audits of model labels.
    Map<String, Long> tasksByFrame = outcome.reviewRequests().stream()
        .collect(Collectors.groupingBy(ReviewRequest::getFrameId, Collectors.counting()));
    assertThat(outcome.answersByFrame()).isEqualTo(toInts(tasksByFrame));
    Set<String> modelLabelled = frameIds(frames.stream().filter(DetectionEndToEnd.Frame::modelLabelled).toList());
    Set<String> toPeople = frameIds(frames.stream().filter(f -> f.prediction().getRoute() == Route.REVIEW).toList());
    assertThat(modelLabelled.size() + toPeople.size()).as("model-labelled + sent to people").isEqualTo(scenes.size());
    assertThat(requested(outcome, ReviewReason.LOW_CONFIDENCE)).isEqualTo(toPeople);
    Set<String> audited = frameIds(frames.stream().filter(f -> f.prediction().getAudited()).toList());
    assertThat(requested(outcome, ReviewReason.AUDIT)).isEqualTo(audited).isSubsetOf(modelLabelled);

    // Each answer became the frame's HUMAN label, with the scene's true boxes; each model label was judged against them.
    for (DetectionEndToEnd.Frame f : frames) {
      boolean reviewed = toPeople.contains(f.frameId()) || audited.contains(f.frameId());
      if (reviewed) {
        assertThat(f.humanLabel()).as("HUMAN label of %s", f.scene().file()).isNotNull();
        assertThat(BoxMatching.match(f.scene().truth(classes), f.humanLabel().getBoxes()).exact())
            .as("the reviewer's boxes for %s are the true ones", f.scene().file()).isTrue();
      } else {
        assertThat(f.humanLabel()).as("HUMAN label of unreviewed %s", f.scene().file()).isNull();
      }
      if (f.modelLabelled()) {
        assertThat(f.modelLabel().getBoxes()).isEqualTo(f.prediction().getBoxes());
        assertThat(f.modelLabelExact())
            .isEqualTo(BoxMatching.match(f.scene().truth(classes), f.modelLabel().getBoxes()).exact());
      } else {
        assertThat(f.modelLabel()).as("MODEL label of %s, sent to people", f.scene().file()).isNull();
      }
    }
    // Where the routing would have been right, with hindsight: each frame's own boxes against its scene's truth.
    for (DetectionEndToEnd.Frame f : frames) {
      assertThat(f.predictionExact()).as("exactness of the model's boxes for %s", f.scene().file())
          .isEqualTo(BoxMatching.match(f.scene().truth(classes), f.prediction().getBoxes()).exact());
    }

    // The reported figures are the topics' counts.
    DetectionEvaluate.Seed seed = outcome.seed();
    long exact = frames.stream().filter(DetectionEndToEnd.Frame::modelLabelExact).count();
    assertThat(seed.frames()).isEqualTo(scenes.size());
    assertThat(seed.modelLabelled()).isEqualTo(modelLabelled.size());
    assertThat(seed.exactness()).isEqualTo(modelLabelled.isEmpty() ? 1.0 : (double) exact / modelLabelled.size());
    assertThat(seed.modelShare()).isEqualTo((double) modelLabelled.size() / scenes.size());
    assertThat(seed.auditShare()).isEqualTo((double) audited.size() / scenes.size());
    assertThat(seed.warmup()).isEqualTo(32);
    assertThat(seed.bound()).isBetween(0.0, 1.0);
    List<TestPredictions.Row> afterWarmup = frames.stream().filter(f -> f.position() >= seed.warmup())
        .map(f -> new TestPredictions.Row(f.position(), f.predictionExact() ? 0 : -1, 0, f.prediction().getScore()))
        .toList();
    assertThat(afterWarmup).hasSize(32);
    assertThat(seed.oracleShareAfterWarmup()).isEqualTo(StreamSimulation.oracleShare(afterWarmup, outcome.target()));
    assertThat(outcome.checks()).hasSize(4);
    ByteArrayOutputStream row = new ByteArrayOutputStream();
    DetectionEvaluate.printRow(new PrintStream(row, true, StandardCharsets.UTF_8), seed);
    assertThat(row.toString(StandardCharsets.UTF_8))
        .contains(String.format(java.util.Locale.ROOT, "%.4f", seed.exactness()))
        .contains(String.format(java.util.Locale.ROOT, "%6.2f", 100.0 * modelLabelled.size() / scenes.size()));
    assertThat(printed.toString(StandardCharsets.UTF_8)).contains("posted 64/64");
    System.out.printf("%d scenes: %d model-labelled (%d exact, %d audited), %d sent to people, bound %.4f%n",
        scenes.size(), modelLabelled.size(), exact, audited.size(), toPeople.size(), seed.bound());
  }

  private static Set<String> frameIds(List<DetectionEndToEnd.Frame> frames) {
    return frames.stream().map(DetectionEndToEnd.Frame::frameId).collect(Collectors.toSet());
  }

  private static Set<String> requested(DetectionEndToEnd.Outcome outcome, ReviewReason reason) {
    return outcome.reviewRequests().stream().filter(r -> r.getReason() == reason).map(ReviewRequest::getFrameId)
        .collect(Collectors.toSet());
  }

  private static Map<String, Integer> toInts(Map<String, Long> counts) {
    Map<String, Integer> ints = new HashMap<>();
    counts.forEach((k, v) -> ints.put(k, v.intValue()));
    return ints;
  }
}
