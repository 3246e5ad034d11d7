package io.labelstream.inference.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelstream.inference.model.InputSpec;
import io.labelstream.inference.model.ModelCard;
import io.labelstream.inference.model.OutputSpec;
import io.labelstream.schemas.avro.AccuracyBound;
import io.labelstream.schemas.avro.CameraPolicy;
import io.labelstream.schemas.avro.Policy;
import io.labelstream.schemas.avro.UsualInputs;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a policy record on policy.v1 becomes the routing a worker applies, cameras included. */
class PolicyFollowerRoutingTest {

  private static final ModelCard CARD = new ModelCard("clf", "1", InputSpec.rawGrey("input", 28, 28),
      OutputSpec.bundledEnsemble(), List.of("shirt", "shoe", "bag"), List.of());
  private static final AccuracyBound BOUND = new AccuracyBound(0.995, 0.99, 100L, 0.8, 0.99);

  private static CameraPolicy camera(String deviceId, String cameraId, List<Double> thresholds, double auditRate) {
    return CameraPolicy.newBuilder().setDeviceId(deviceId).setCameraId(cameraId).setThresholds(thresholds)
        .setOverall(BOUND).setAuditRate(auditRate).setRegime(1).setRegimeStartFrame(1000).build();
  }

  private static Policy policy(List<Double> thresholds, double auditRate, List<CameraPolicy> cameras) {
    return policy(thresholds, auditRate, cameras, List.of());
  }

  private static Policy policy(List<Double> thresholds, double auditRate, List<CameraPolicy> cameras,
      List<UsualInputs> usual) {
    return Policy.newBuilder().setModelName("clf").setModelVersion("1").setThresholds(thresholds).setOverall(BOUND)
        .setPerClass(List.of(BOUND, BOUND, BOUND)).setTarget(0.99).setConfidence(0.95).setClassTarget(0.97)
        .setValidationTrusted(true).setFramesSeen(2000).setAudits(40).setAuditsAnswered(40)
        .setComputedAt(Instant.EPOCH).setAuditRate(auditRate).setCameras(cameras).setUsualInputs(usual).build();
  }

  @Test
  void shouldKeepTheCommonThresholdsAuditFloorAndEachCamerasOwn() {
    RoutingPolicy routing = PolicyFollower.routing(policy(List.of(0.9, 0.8, 0.7), 0.05,
        List.of(camera("car-1", "rear", List.of(2.0, 0.95, 2.0), 0.2),
            camera("car-2", null, List.of(0.6, 0.6, 0.6), 0))),
        CARD).orElseThrow();

    assertThat(routing.source()).isEqualTo("policy");
    assertThat(routing.thresholds()).containsExactly(0.9, 0.8, 0.7);
    assertThat(routing.common().auditRate()).isEqualTo(0.05);
    assertThat(routing.cameras()).containsOnlyKeys(new RoutingPolicy.Camera("car-1", "rear"),
        new RoutingPolicy.Camera("car-2", null));
    RoutingPolicy.Scope rear = routing.cameras().get(new RoutingPolicy.Camera("car-1", "rear"));
    assertThat(rear.thresholds()).containsExactly(2.0, 0.95, 2.0);
    assertThat(rear.auditRate()).isEqualTo(0.2);
  }

  @Test
  void shouldIgnoreACameraWhoseThresholdsDoNotFitTheModelAndKeepTheRest() {
    RoutingPolicy routing = PolicyFollower.routing(policy(List.of(0.9, 0.8, 0.7), 0.0,
        List.of(camera("car-1", "rear", List.of(2.0), 0.2), camera("car-1", "front", List.of(0.5, 0.5, 0.5), 0))),
        CARD).orElseThrow();

    assertThat(routing.cameras()).containsOnlyKeys(new RoutingPolicy.Camera("car-1", "front"));
    assertThat(routing.thresholds()).containsExactly(0.9, 0.8, 0.7);
  }

  @Test
  void shouldKeepEachCamerasUsualInputsAndIgnoreBoundsThatDoNotPair() {
    double inf = Double.POSITIVE_INFINITY;
    RoutingPolicy routing = PolicyFollower.routing(policy(List.of(0.9, 0.8, 0.7), 0.0, List.of(), List.of(
        usual("car-1", "rear", List.of(0.1, -inf, -inf, -inf, 0.9), List.of(0.9, inf, 0.2, inf, 1.0)),
        usual("car-3", null, List.of(0.0, 0.0, 0.0, 0.0), List.of(1.0, 1.0, 1.0, 1.0, 1.0)))),
        CARD).orElseThrow();

    assertThat(routing.usual()).containsOnlyKeys(new RoutingPolicy.Camera("car-1", "rear"));
    RoutingPolicy.Usual rear = routing.usual().get(new RoutingPolicy.Camera("car-1", "rear"));
    assertThat(rear.low()).containsExactly(0.1, -inf, -inf, -inf, 0.9);
    assertThat(rear.high()).containsExactly(0.9, inf, 0.2, inf, 1.0);
    // Usual inputs alone give a camera no thresholds of its own.
    assertThat(routing.cameras()).isEmpty();
  }

  @Test
  void shouldReadBoundsFromAnOlderOrNewerReviewServiceInTheirOrder() {
    double inf = Double.POSITIVE_INFINITY;
    RoutingPolicy routing = PolicyFollower.routing(policy(List.of(0.9, 0.8, 0.7), 0.0, List.of(), List.of(
        usual("before-jpeg-quality", null, List.of(0.1, 0.0, 0.0, 0.0), List.of(0.9, 1.0, 0.2, 1.0)),
        usual("newer", null, List.of(0.1, 0.0, 0.0, 0.0, 0.5, 7.0), List.of(0.9, 1.0, 0.2, 1.0, 1.0, 8.0)))),
        CARD).orElseThrow();

    RoutingPolicy.Usual older = routing.usual().get(new RoutingPolicy.Camera("before-jpeg-quality", null));
    assertThat(older.low()).containsExactly(0.1, 0.0, 0.0, 0.0, -inf);
    assertThat(older.high()).containsExactly(0.9, 1.0, 0.2, 1.0, inf);
    RoutingPolicy.Usual newer = routing.usual().get(new RoutingPolicy.Camera("newer", null));
    assertThat(newer.low()).containsExactly(0.1, 0.0, 0.0, 0.0, 0.5);
    assertThat(newer.high()).containsExactly(0.9, 1.0, 0.2, 1.0, 1.0);
  }

  private static UsualInputs usual(String deviceId, String cameraId, List<Double> low, List<Double> high) {
    return UsualInputs.newBuilder().setDeviceId(deviceId).setCameraId(cameraId).setLow(low).setHigh(high).build();
  }

  @Test
  void shouldIgnoreAPolicyWhoseCommonThresholdsDoNotFitTheModel() {
    assertThat(PolicyFollower.routing(policy(List.of(0.9, 0.8), 0.0, List.of()), CARD)).isEmpty();
  }
}
