package io.labelstream.inference.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelstream.inference.model.InputSpec;
import io.labelstream.inference.model.ModelCard;
import io.labelstream.inference.model.OutputSpec;
import io.labelstream.schemas.avro.AccuracyBound;
import io.labelstream.schemas.avro.CameraPolicy;
import io.labelstream.schemas.avro.Policy;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a policy record on policy.v1 becomes the routing a worker applies, cameras included. */
class PolicyFollowerRoutingTest {

  private static final ModelCard CARD = new ModelCard("clf", "1", InputSpec.rawGrey("input", 28, 28),
      OutputSpec.bundledEnsemble(), List.of("shirt", "shoe", "bag"), List.of());
  private static final AccuracyBound BOUND = new AccuracyBound(0.995, 0.99, 100L, 0.8);

  private static CameraPolicy camera(String deviceId, String cameraId, List<Double> thresholds, double auditRate) {
    return CameraPolicy.newBuilder().setDeviceId(deviceId).setCameraId(cameraId).setThresholds(thresholds)
        .setOverall(BOUND).setAuditRate(auditRate).setRegime(1).setRegimeStartFrame(1000).build();
  }

  private static Policy policy(List<Double> thresholds, double auditRate, List<CameraPolicy> cameras) {
    return Policy.newBuilder().setModelName("clf").setModelVersion("1").setThresholds(thresholds).setOverall(BOUND)
        .setPerClass(List.of(BOUND, BOUND, BOUND)).setTarget(0.99).setConfidence(0.95).setClassTarget(0.97)
        .setValidationTrusted(true).setFramesSeen(2000).setAudits(40).setAuditsAnswered(40)
        .setComputedAt(Instant.EPOCH).setAuditRate(auditRate).setCameras(cameras).build();
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
  void shouldIgnoreAPolicyWhoseCommonThresholdsDoNotFitTheModel() {
    assertThat(PolicyFollower.routing(policy(List.of(0.9, 0.8), 0.0, List.of()), CARD)).isEmpty();
  }
}
