package io.labelstream.inference.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelstream.inference.image.InputStatistics;
import io.labelstream.inference.model.InputSpec;
import io.labelstream.inference.model.ModelCard;
import io.labelstream.inference.model.ModelOutput;
import io.labelstream.inference.model.OutputSpec;
import io.labelstream.schemas.PolicyThresholds;
import io.labelstream.schemas.avro.Frame;
import io.labelstream.schemas.avro.InputStats;
import io.labelstream.schemas.avro.ReviewReason;
import io.labelstream.schemas.avro.Route;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Routing per camera (issue 16): a camera the policy names is routed by its own thresholds and audit-rate floor,
 * every other camera by the common ones; the audit draw takes the higher of the worker's rate and the floor; a frame
 * outside its camera's usual inputs goes to people.
 */
class CameraRoutingTest {

  private static final ModelCard CARD = new ModelCard("clf", "1", InputSpec.rawGrey("input", 28, 28),
      OutputSpec.bundledEnsemble(), List.of("shirt", "shoe"), List.of());
  /** The model is 80% sure of "shoe" on every frame. */
  private static final ModelOutput SHOE = ModelOutput.single(new float[] {0.2f, 0.8f});
  private static final RoutingPolicy.Camera NIGHT = new RoutingPolicy.Camera("car-1", "rear");
  private static final double CLOSED = PolicyThresholds.CLOSED;

  private static Frame frame(String id, String deviceId, String cameraId) {
    return Frame.newBuilder().setFrameId(id).setDeviceId(deviceId).setCameraId(cameraId).setIngestedAt(Instant.EPOCH)
        .setContentType("image/png").setWidth(28).setHeight(28).setImage(ByteBuffer.wrap(new byte[0])).build();
  }

  private static FrameRouter router(RoutingPolicy policy, double workerAuditRate) {
    return new FrameRouter(CARD, () -> policy, new AuditSampler(workerAuditRate));
  }

  @Test
  void shouldRouteANamedCameraByItsOwnThresholdsAndEveryOtherCameraByTheCommonOnes() {
    RoutingPolicy policy = RoutingPolicy.published(List.of(0.5, 0.5), 0.0,
        Map.of(NIGHT, new RoutingPolicy.Scope(new double[] {CLOSED, CLOSED}, 0.0)));
    FrameRouter router = router(policy, 0.0);

    FrameRouter.Routed night = router.route(frame("n1", "car-1", "rear"), 0, 1, null, SHOE, Instant.EPOCH);
    FrameRouter.Routed front = router.route(frame("f1", "car-1", "front"), 0, 2, null, SHOE, Instant.EPOCH);
    FrameRouter.Routed unnamed = router.route(frame("u1", "car-1", null), 0, 3, null, SHOE, Instant.EPOCH);

    assertThat(night.prediction().getRoute()).isEqualTo(Route.REVIEW);
    assertThat(night.prediction().getThreshold()).isEqualTo(CLOSED);
    assertThat(night.label()).isNull();
    assertThat(night.reviewRequest().getReason()).isEqualTo(ReviewReason.LOW_CONFIDENCE);
    assertThat(front.prediction().getRoute()).isEqualTo(Route.MODEL_LABEL);
    assertThat(front.prediction().getThreshold()).isEqualTo(0.5);
    // The device's frames without a camera id are another camera: the policy named car-1/rear only.
    assertThat(unnamed.prediction().getRoute()).isEqualTo(Route.MODEL_LABEL);
  }

  @Test
  void shouldMatchACameraPolicyWithoutACameraIdToTheDevicesFramesWithoutOne() {
    RoutingPolicy policy = RoutingPolicy.published(List.of(0.5, 0.5), 0.0,
        Map.of(new RoutingPolicy.Camera("car-2", null), new RoutingPolicy.Scope(new double[] {0.5, 0.9}, 0.0)));

    assertThat(policy.scopeOf(frame("a", "car-2", null)).thresholdFor(1)).isEqualTo(0.9);
    assertThat(policy.scopeOf(frame("b", "car-2", "left")).thresholdFor(1)).isEqualTo(0.5);
  }

  @Test
  void shouldCarryTheFramesDeviceCameraAndInputStatisticsOnItsPrediction() {
    InputStatistics seen = new InputStatistics(0.4, 0.2, 0.05, 0.1, 0.75);
    FrameRouter.Routed routed = router(RoutingPolicy.fixed(0.9, 2), 0.0)
        .route(frame("f2", "car-1", "rear"), 0, 4, seen, SHOE, Instant.EPOCH);
    FrameRouter.Routed noCamera = router(RoutingPolicy.fixed(0.5, 2), 0.0)
        .route(frame("f3", "car-3", null), 0, 5, null, SHOE, Instant.EPOCH);

    assertThat(routed.prediction().getDeviceId()).isEqualTo("car-1");
    assertThat(routed.prediction().getCameraId()).isEqualTo("rear");
    assertThat(routed.prediction().getInputStats()).isEqualTo(new InputStats(0.4, 0.2, 0.05, 0.1, 0.75));
    // The review request's copy of the prediction is the same record.
    assertThat(routed.reviewRequest().getPrediction().getCameraId()).isEqualTo("rear");
    assertThat(noCamera.prediction().getDeviceId()).isEqualTo("car-3");
    assertThat(noCamera.prediction().getCameraId()).isNull();
    assertThat(noCamera.prediction().getInputStats()).isNull();
  }

  @Test
  void shouldAuditEveryFrameAuditedBeforeWhenTheFloorRisesAndMore() {
    List<String> ids = IntStream.range(0, 2000).mapToObj(i -> "frame-" + i).toList();
    List<String> atWorkerRate = audited(router(RoutingPolicy.fixed(0.5, 2), 0.02), ids);
    List<String> atFloor = audited(router(RoutingPolicy.published(List.of(0.5, 0.5), 0.15, Map.of()), 0.02), ids);

    assertThat(atFloor).containsAll(atWorkerRate);
    // 2% and 15% of 2,000: about 40 and 300; binomial spreads are a few tens at most.
    assertThat(atWorkerRate.size()).isBetween(15, 70);
    assertThat(atFloor.size()).isBetween(240, 360);
  }

  @Test
  void shouldKeepTheWorkersRateWhenTheFloorIsLower() {
    List<String> ids = IntStream.range(0, 500).mapToObj(i -> "frame-" + i).toList();

    assertThat(audited(router(RoutingPolicy.published(List.of(0.5, 0.5), 0.01, Map.of()), 0.1), ids))
        .isEqualTo(audited(router(RoutingPolicy.fixed(0.5, 2), 0.1), ids));
  }

  @Test
  void shouldAuditANamedCameraAtItsOwnFloorAndTheOthersAtTheCommonOne() {
    RoutingPolicy policy = RoutingPolicy.published(List.of(0.5, 0.5), 0.0,
        Map.of(NIGHT, new RoutingPolicy.Scope(new double[] {0.5, 0.5}, 1.0)));
    FrameRouter router = router(policy, 0.0);
    List<FrameRouter.Routed> night = IntStream.range(0, 50)
        .mapToObj(i -> router.route(frame("n" + i, "car-1", "rear"), 0, i, null, SHOE, Instant.EPOCH)).toList();
    List<FrameRouter.Routed> front = IntStream.range(0, 50)
        .mapToObj(i -> router.route(frame("f" + i, "car-1", "front"), 0, i, null, SHOE, Instant.EPOCH)).toList();

    assertThat(night).allMatch(r -> r.prediction().getAudited() && r.label() != null
        && r.reviewRequest().getReason() == ReviewReason.AUDIT);
    assertThat(front).noneMatch(r -> r.prediction().getAudited() || r.reviewRequest() != null);
  }

  @Test
  void shouldRouteAUsualFrameOnItsScoreAndSendAnUnusualOneOfTheSameCameraToPeopleWhateverItsScore() {
    // Thresholds of 0 label every frame; the worker audits every model label.
    RoutingPolicy policy = RoutingPolicy.published(List.of(0.0, 0.0), 0.0, Map.of(), Map.of(NIGHT, SHARP_AT_MOST_0_1));
    FrameRouter router = router(policy, 1.0);
    ModelOutput certain = ModelOutput.single(new float[] {0.0f, 1.0f});

    FrameRouter.Routed usual = router.route(frame("u", "car-1", "rear"), 0, 1, stats(0.5, 0.1), SHOE, Instant.EPOCH);
    FrameRouter.Routed blurred = router.route(frame("s", "car-1", "rear"), 0, 2, stats(0.5, 0.2), certain,
        Instant.EPOCH);
    FrameRouter.Routed dark = router.route(frame("d", "car-1", "rear"), 0, 3, stats(0.05, 0.05), SHOE, Instant.EPOCH);
    FrameRouter.Routed compressed = router.route(frame("c", "car-1", "rear"), 0, 4, stats(0.5, 0.1, 0.54), certain,
        Instant.EPOCH);

    assertThat(usual.prediction().getRoute()).isEqualTo(Route.MODEL_LABEL);
    assertThat(usual.label()).isNotNull();
    assertThat(List.of(blurred, dark, compressed)).allSatisfy(r -> {
      assertThat(r.prediction().getRoute()).isEqualTo(Route.REVIEW);
      assertThat(r.prediction().getAudited()).isFalse();
      assertThat(r.label()).isNull();
      assertThat(r.reviewRequest().getReason()).isEqualTo(ReviewReason.LOW_CONFIDENCE);
    });
    assertThat(blurred.prediction().getScore()).isEqualTo(1.0);
  }

  @Test
  void shouldNotGateACameraWithoutUsualInputsNorAFrameWithoutStatistics() {
    FrameRouter router = router(RoutingPolicy.published(List.of(0.5, 0.5), 0.0, Map.of(), Map.of(NIGHT,
        SHARP_AT_MOST_0_1)), 0.0);

    FrameRouter.Routed front = router.route(frame("f", "car-1", "front"), 0, 1, stats(0.5, 0.9), SHOE, Instant.EPOCH);
    FrameRouter.Routed unmeasured = router.route(frame("n", "car-1", "rear"), 0, 2, null, SHOE, Instant.EPOCH);

    assertThat(front.prediction().getRoute()).isEqualTo(Route.MODEL_LABEL);
    assertThat(unmeasured.prediction().getRoute()).isEqualTo(Route.MODEL_LABEL);
  }

  /**
   * Usual inputs: brightness at least 0.1, sharpness at most 0.1, JPEG quality at least 0.9, contrast and
   * colourfulness unbounded.
   */
  private static final RoutingPolicy.Usual SHARP_AT_MOST_0_1 = new RoutingPolicy.Usual(
      new double[] {0.1, Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.9},
      new double[] {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, 0.1, Double.POSITIVE_INFINITY, 1.0});

  private static InputStatistics stats(double brightness, double sharpness) {
    return stats(brightness, sharpness, 1.0);
  }

  private static InputStatistics stats(double brightness, double sharpness, double jpegQuality) {
    return new InputStatistics(brightness, 0.3, sharpness, 0.0, jpegQuality);
  }

  private static List<String> audited(FrameRouter router, List<String> ids) {
    return ids.stream().filter(id -> router.route(frame(id, "car-1", null), 0, 0, null, SHOE, Instant.EPOCH)
        .prediction().getAudited()).toList();
  }
}
