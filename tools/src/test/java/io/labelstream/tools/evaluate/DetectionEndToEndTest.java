package io.labelstream.tools.evaluate;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelstream.launcher.SampleScenes;
import io.labelstream.schemas.avro.Prediction;
import io.labelstream.schemas.avro.Route;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DetectionEndToEndTest {

  private static final SampleScenes.Scene SCENE = new SampleScenes.Scene(Path.of("scene.jpg"), 640, 480, List.of());

  @Test
  void shouldCountTheRunAsTheReplayCountsASeed() {
    // Positions 0-5, warm-up 2: model labels at 0 (exact), 2 (exact), 3 (wrong, audited); 1, 4, 5 went to people.
    List<DetectionEndToEnd.Frame> frames = List.of(
        frame(0, Route.MODEL_LABEL, false, true, true, 0.9),
        frame(1, Route.REVIEW, false, false, false, 0.1),
        frame(2, Route.MODEL_LABEL, false, true, true, 0.8),
        frame(3, Route.MODEL_LABEL, true, false, false, 0.7),
        frame(4, Route.REVIEW, false, false, true, 0.3),
        frame(5, Route.REVIEW, false, false, false, 0.2));

    DetectionEvaluate.Seed seed = DetectionEndToEnd.seed(frames, 0.4, 0.6, 2, 0.6);

    assertThat(seed.frames()).isEqualTo(6);
    assertThat(seed.modelLabelled()).isEqualTo(3);
    assertThat(seed.exactness()).isEqualTo(2.0 / 3);
    assertThat(seed.modelShare()).isEqualTo(0.5);
    assertThat(seed.auditShare()).isEqualTo(1.0 / 6);
    assertThat(seed.shareAfterWarmup()).as("2 of the 4 frames after the warm-up").isEqualTo(0.5);
    // After the warm-up, by score: 0.8 exact, 0.7 not, 0.3 exact, 0.2 not: the lowest cut keeping 0.6 is at 0.3.
    assertThat(seed.oracleShareAfterWarmup()).isEqualTo(0.75);
    assertThat(seed.bound()).isEqualTo(0.4);
    assertThat(seed.estimate()).isEqualTo(0.6);
    assertThat(seed.warmup()).isEqualTo(2);
  }

  @Test
  void shouldCountARunWithoutModelLabelsAsExactAsTheReplayDoes() {
    DetectionEvaluate.Seed seed = DetectionEndToEnd.seed(List.of(frame(0, Route.REVIEW, false, false, true, 0.5),
        frame(1, Route.REVIEW, false, false, false, 0.4)), 0, 0, 1, 0.9);

    assertThat(seed.modelLabelled()).isZero();
    assertThat(seed.exactness()).isEqualTo(1.0);
    assertThat(seed.oracleShareAfterWarmup()).isZero();
  }

  @Test
  void shouldAnswerWithTheTrueBoxesInTheReviewApisShape() throws Exception {
    SampleScenes.Scene scene = new SampleScenes.Scene(Path.of("s.jpg"), 640, 480,
        List.of(new SampleScenes.TrueBox("Bag", 10, 20.5, 30, 40)));

    String body = DetectionEndToEnd.submitBody(scene.truth(List.of("Trouser", "Bag")));

    assertThat(EvaluationServices.JSON.readTree(body)).isEqualTo(EvaluationServices.JSON.readTree(
        "{\"boxes\":[{\"label\":\"Bag\",\"x\":10.0,\"y\":20.5,\"w\":30.0,\"h\":40.0}]}"));
  }

  private static DetectionEndToEnd.Frame frame(int position, Route route, boolean audited, boolean labelExact,
      boolean predictionExact, double score) {
    Prediction prediction = Prediction.newBuilder()
        .setFrameId("f" + position).setModelName("detector").setModelVersion("1")
        .setClassIndex(0).setLabel("frame").setTopK(List.of())
        .setMaxProbability(score).setMargin(0).setEntropy(0)
        .setScore(score).setThreshold(0.5).setRoute(route).setAudited(audited).setPredictedAt(Instant.EPOCH)
        .setBoxes(List.of()).setWidth(640).setHeight(480)
        .build();
    return new DetectionEndToEnd.Frame("f" + position, SCENE, position, prediction, null, null, labelExact,
        predictionExact);
  }
}
