package io.labelstream.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.labelstream.kafka.embedded.TopicRecords;
import io.labelstream.schemas.PolicyThresholds;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.Box;
import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.LabelSource;
import io.labelstream.schemas.avro.Policy;
import io.labelstream.schemas.avro.Prediction;
import io.labelstream.schemas.avro.ReviewReason;
import io.labelstream.schemas.avro.ReviewRequest;
import io.labelstream.schemas.boxes.BoxMatching;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./labelstream demo --task detection} on the real services and an embedded broker: the task picks the bundled
 * detector (model/fashion-detector.onnx, through LABELSTREAM_MODEL_DIR), the demo posts the 64 sample scenes over HTTP,
 * and every figure of its summary is recomputed here from the records the services wrote (predictions.v1, labels.v1,
 * review.requests.v1) against scenes.json read on its own. The routing threshold is pinned so that some frames are
 * model-labelled and some wait for people whatever the policy decides from the detector's validation scenes.
 */
class DetectionDemoIT {

  private static final Path SAMPLES = DetectionLaunch.SAMPLES;
  private static final double PINNED = 0.5;

  @TempDir
  Path dataDir;

  @Test
  void shouldSumUpTheDetectorsBoxesAsTheRecordsShowThem() throws Exception {
    Map<String, String> environment = DetectionLaunch.environment(dataDir,
        Map.of("INFERENCE_ROUTING_THRESHOLD", Double.toString(PINNED)));
    List<SampleScenes.Scene> scenes = SampleScenes.load(SAMPLES);
    DetectionSummary summary;
    String printed;
    try (AllInOne all = AllInOne.start(environment)) {
      summary = DetectionDemo.run(new DemoClient(all), scenes, Optional.of(PINNED));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      summary.print(new PrintStream(out, true, StandardCharsets.UTF_8), all);
      printed = out.toString(StandardCharsets.UTF_8);
      System.out.println(printed);

      Map<String, Prediction> predictions = latest(all, Topics.PREDICTIONS.name(), Prediction::getFrameId,
          b -> Topics.PREDICTIONS.valueSerde().deserializer().deserialize("", b));
      Map<String, Label> labels = latest(all, Topics.LABELS.name(), Label::getFrameId,
          b -> Topics.LABELS.valueSerde().deserializer().deserialize("", b));
      Set<String> lowConfidence = TopicRecords.readAll(all.bootstrapServers(), Topics.REVIEW_REQUESTS.name()).stream()
          .map(r -> Topics.REVIEW_REQUESTS.valueSerde().deserializer().deserialize("", r.value()))
          .filter(r -> r.getReason() == ReviewReason.LOW_CONFIDENCE).map(ReviewRequest::getFrameId)
          .collect(Collectors.toSet());
      List<String> classes = all.reviewConfig().modelIdentity().classNames();
      List<List<Box>> truth = DetectionLaunch.truthFromScenesJson(classes);
      List<String> frameIds = summary.frameIds();

      assertThat(summary.frames()).isEqualTo(truth.size()).isEqualTo(frameIds.size()).isEqualTo(predictions.size());
      assertThat(predictions.values()).allSatisfy(p -> {
        assertThat(p.getModelName()).isEqualTo(all.reviewConfig().modelIdentity().name());
        assertThat(p.getBoxes()).isNotNull();
      });
      int modelLabelled = 0;
      int modelExact = 0;
      int waiting = 0;
      int framesExact = 0;
      int matched = 0;
      int proposed = 0;
      int trueBoxes = 0;
      double iou = 0;
      Map<String, Integer> perClass = new LinkedHashMap<>();
      classes.forEach(c -> perClass.put(c, 0));
      for (int i = 0; i < frameIds.size(); i++) {
        Prediction prediction = predictions.get(frameIds.get(i));
        Label label = labels.get(frameIds.get(i));
        List<Box> expected = truth.get(i);
        trueBoxes += expected.size();
        if (label != null && label.getSource() == LabelSource.MODEL) {
          modelLabelled++;
          modelExact += BoxMatching.match(expected, label.getBoxes()).exact() ? 1 : 0;
          assertThat(prediction.getScore()).isGreaterThanOrEqualTo(PINNED);
        }
        waiting += lowConfidence.contains(frameIds.get(i)) ? 1 : 0;
        BoxMatching.Result result = BoxMatching.match(expected, prediction.getBoxes());
        framesExact += result.exact() ? 1 : 0;
        matched += result.matched();
        for (int[] pair : result.pairs()) {
          iou += BoxMatching.iou(expected.get(pair[0]), prediction.getBoxes().get(pair[1]));
        }
        proposed += prediction.getBoxes().size();
        prediction.getBoxes().forEach(b -> perClass.merge(b.getLabel(), 1, Integer::sum));
      }
      assertThat(modelLabelled).as("model-labelled frames at the pinned threshold").isPositive();
      assertThat(waiting).as("frames waiting for review at the pinned threshold").isPositive();
      assertThat(modelLabelled + waiting).isEqualTo(frameIds.size());
      assertThat(summary.modelLabelled()).isEqualTo(modelLabelled);
      assertThat(summary.modelLabelledExact()).isEqualTo(modelExact);
      assertThat(summary.waitingForReview()).isEqualTo(waiting);
      assertThat(summary.trueBoxes()).isEqualTo(trueBoxes);
      assertThat(summary.proposedBoxes()).isEqualTo(proposed);
      assertThat(summary.proposedPerClass()).isEqualTo(perClass);
      assertThat(summary.framesExact()).isEqualTo(framesExact);
      assertThat(summary.matchedBoxes()).isEqualTo(matched);
      assertThat(summary.meanMatchedIou()).isCloseTo(matched == 0 ? 0 : iou / matched, within(1e-9));
      // The policy as published on policy.v1 (the latest record; none yet means closed) against what the summary says.
      List<Policy> published = TopicRecords.readAll(all.bootstrapServers(), Topics.POLICY.name()).stream()
          .map(r -> Topics.POLICY.valueSerde().deserializer().deserialize("", r.value())).toList();
      boolean closed = published.isEmpty()
          || PolicyThresholds.isClosed(published.get(published.size() - 1).getThresholds().get(0));
      assertThat(summary.policy().closed()).isEqualTo(closed);
      assertThat(printed).contains(closed ? "(it is closed)" : "(it is ");

      assertThat(printed)
          .contains("frames accepted:        " + frameIds.size() + " scenes with " + trueBoxes + " true boxes")
          .contains("model-labelled:         " + modelLabelled + " (")
          .contains("(" + modelExact + "/" + modelLabelled + ")")
          .contains("waiting for review:     " + waiting + " (")
          .contains("boxes proposed:         " + proposed + ": ")
          .contains("frames exact:         " + framesExact + "/" + frameIds.size())
          .contains("(" + matched + "/" + proposed + ")").contains("(" + matched + "/" + trueBoxes + ")")
          .contains("pinned by INFERENCE_ROUTING_THRESHOLD")
          .contains(all.reviewUrl() + "/");
      perClass.forEach((c, n) -> {
        if (n > 0) {
          assertThat(printed).contains(c + " " + n);
        }
      });
    }
  }

  private static <V> Map<String, V> latest(AllInOne all, String topic, Function<V, String> key,
      Function<byte[], V> value) {
    return TopicRecords.readAll(all.bootstrapServers(), topic).stream().map(r -> value.apply(r.value()))
        .collect(Collectors.toMap(key, v -> v, (a, b) -> b));
  }
}
