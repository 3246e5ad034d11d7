package io.labelstream.inference.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelstream.inference.detection.Detections;
import io.labelstream.inference.detection.FrameBox;
import io.labelstream.inference.image.FramePlacement;
import io.labelstream.inference.model.DetectionOutput;
import io.labelstream.inference.model.InputSpec;
import io.labelstream.inference.model.ModelCard;
import io.labelstream.schemas.avro.Box;
import io.labelstream.schemas.avro.Frame;
import io.labelstream.schemas.avro.ReviewReason;
import io.labelstream.schemas.avro.Route;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A detection frame's records (docs/detection.md): one frame score against the policy's single threshold. */
class DetectionRoutingTest {

  private static final ModelCard CARD = new ModelCard("det", "1", new InputSpec("images", InputSpec.Layout.NCHW, 3,
      InputSpec.ColorOrder.RGB, 640, 640, InputSpec.Resize.LETTERBOX, 114, InputSpec.DType.FLOAT32, 1 / 255f,
      new float[] {0, 0, 0}, new float[] {1, 1, 1}), null, List.of("bag", "shoe"), List.of(),
      new DetectionOutput.Yolo("output0", DetectionOutput.Limits.defaults()));
  private static final FramePlacement PLACEMENT = FramePlacement.of(InputSpec.Resize.LETTERBOX, 640, 480, 640, 640);
  private static final FrameBox SHOE = new FrameBox(1, 0.9f, 10, 20, 30, 40);
  private static final FrameBox BAG = new FrameBox(0, 0.8f, 100, 120, 50, 60);
  private static final FrameBox DOUBT = new FrameBox(0, 0.1f, 300, 300, 20, 20);
  // Frame score 0.9 * 0.8 * 0.9 = 0.648; the least certain candidate is the bag at 0.8.
  private static final Detections FOUND = new Detections(List.of(SHOE, BAG), List.of(SHOE, BAG, DOUBT));

  private static Frame frame(String id) {
    return Frame.newBuilder().setFrameId(id).setDeviceId("cam").setIngestedAt(Instant.EPOCH)
        .setContentType("image/jpeg").setWidth(640).setHeight(480).setImage(ByteBuffer.wrap(new byte[0])).build();
  }

  private static FrameRouter router(double threshold, double auditRate) {
    return new FrameRouter(CARD, () -> RoutingPolicy.fixed(threshold, CARD.policySize()), new AuditSampler(auditRate));
  }

  @Test
  void shouldLabelAConfidentFrameWithItsBoxesInFramePixels() {
    FrameRouter.Routed routed = router(0.6, 0).routeDetection(frame("f1"), 0, 7, null, FOUND, PLACEMENT, Instant.EPOCH);

    List<Box> boxes = List.of(new Box("shoe", 1, 10f, 20f, 30f, 40f, 0.9f), new Box("bag", 0, 100f, 120f, 50f, 60f, 0.8f));
    assertThat(routed.prediction().getBoxes()).isEqualTo(boxes);
    // Each candidate's certainty about the card's cut-off 0.25: kept 0.9 and 0.8, dropped 0.1.
    double cut = DetectionOutput.Limits.defaults().scoreThreshold();
    double kept9 = 0.5 + 0.5 * ((double) 0.9f - cut) / (1 - cut);
    double kept8 = 0.5 + 0.5 * ((double) 0.8f - cut) / (1 - cut);
    double dropped1 = 0.5 + 0.5 * (cut - (double) 0.1f) / cut;
    assertThat(routed.prediction().getScore()).isCloseTo(kept9 * kept8 * dropped1, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(routed.prediction().getMaxProbability()).isEqualTo(routed.prediction().getScore());
    // The least certain candidate is the dropped 0.1: margin 2c - 1.
    assertThat(routed.prediction().getMargin()).isCloseTo(2 * dropped1 - 1, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(routed.prediction().getLabel()).isEqualTo("frame");
    assertThat(routed.prediction().getClassIndex()).isZero();
    assertThat(routed.prediction().getTopK()).isEmpty();
    assertThat(routed.prediction().getWidth()).isEqualTo(640);
    assertThat(routed.prediction().getHeight()).isEqualTo(480);
    assertThat(routed.prediction().getRoute()).isEqualTo(Route.MODEL_LABEL);
    assertThat(routed.label().getBoxes()).isEqualTo(boxes);
    assertThat(routed.label().getLabel()).isEmpty();
    assertThat(routed.label().getClassIndex()).isEqualTo(-1);
    assertThat(routed.label().getConfidence()).isEqualTo(routed.prediction().getScore());
    assertThat(routed.reviewRequest()).isNull();
  }

  @Test
  void shouldSendAnUnsureFrameToPeopleWithTheModelsBoxes() {
    FrameRouter.Routed routed = router(0.7, 0).routeDetection(frame("f2"), 0, 8, null, FOUND, PLACEMENT, Instant.EPOCH);

    assertThat(routed.prediction().getRoute()).isEqualTo(Route.REVIEW);
    assertThat(routed.label()).isNull();
    assertThat(routed.reviewRequest().getReason()).isEqualTo(ReviewReason.LOW_CONFIDENCE);
    assertThat(routed.reviewRequest().getPrediction().getBoxes()).hasSize(2);
  }

  @Test
  void shouldAuditAConfidentFrameBlindlyAndStillLabelIt() {
    FrameRouter.Routed routed = router(0.6, 1.0).routeDetection(frame("f3"), 0, 9, null, FOUND, PLACEMENT, Instant.EPOCH);

    assertThat(routed.label()).isNotNull();
    assertThat(routed.prediction().getAudited()).isTrue();
    assertThat(routed.reviewRequest().getReason()).isEqualTo(ReviewReason.AUDIT);
  }

  @Test
  void shouldWriteAnEmptyBoxListForAFrameWithNothingFound() {
    FrameRouter.Routed routed = router(0.5, 0).routeDetection(frame("f4"), 0, 10, null,
        new Detections(List.of(), List.of()), PLACEMENT, Instant.EPOCH);

    assertThat(routed.prediction().getBoxes()).isEmpty();
    assertThat(routed.prediction().getScore()).isEqualTo(1.0);
    assertThat(routed.label().getBoxes()).isEmpty();
  }
}
