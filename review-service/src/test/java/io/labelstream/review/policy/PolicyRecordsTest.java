package io.labelstream.review.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelstream.platform.config.Env;
import io.labelstream.review.policy.drift.UsualRange;
import io.labelstream.review.policy.regime.CameraKey;
import io.labelstream.review.policy.regime.DriftEvent;
import io.labelstream.review.policy.regime.RegimePolicy;
import io.labelstream.schemas.PolicyThresholds;
import io.labelstream.schemas.avro.CameraPolicy;
import io.labelstream.schemas.avro.DriftEventRecord;
import io.labelstream.schemas.avro.Policy;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A decision with a camera on a regime of its own and a drift event becomes a Policy v2 record carrying both. */
class PolicyRecordsTest {

  private static final PolicySettings SETTINGS = PolicySettings.from(new Env(Map.of()));
  private static final Instant DETECTED = Instant.parse("2026-03-02T10:05:00Z");
  private static final Instant COMPUTED = Instant.parse("2026-03-02T10:05:01Z");

  @Test
  void shouldWriteTheCommonRegimeTheCameraRegimesTheCumulativeBoundAndTheEvents() {
    PolicyDecision common = decision(List.of(0.8, 0.9), 0.993, 12, 900);
    PolicyDecision closedCamera = decision(List.of(PolicyThresholds.CLOSED, PolicyThresholds.CLOSED), 0.0, 0, 300);
    Map<CameraKey, RegimePolicy.RegimeDecision> cameras = new LinkedHashMap<>();
    cameras.put(new CameraKey("dock", "cam-2"), new RegimePolicy.RegimeDecision(1, 1_200, closedCamera, 0.15, false));
    cameras.put(new CameraKey("gate", null), new RegimePolicy.RegimeDecision(2, 1_500, closedCamera, 0.15, false));
    DriftEvent event = new DriftEvent(1, "dock/cam-2", "brightness", "down", 1_200, 1_110, 12);
    PolicyService.Snapshot snapshot = new PolicyService.Snapshot(
        new RegimePolicy.Decision(new RegimePolicy.RegimeDecision(0, 0, common, 0.0, true), cameras, 0.991,
            List.of(event), Map.of(new CameraKey("gate", null), new UsualRange(
                new double[] {0.1, 0.05, Double.NEGATIVE_INFINITY, 0.0}, new double[] {0.7, 0.4, 0.2, 0.0}))),
        List.of(new PolicyService.ReceivedEvent(event, DETECTED)), 2_000);

    Policy record = PolicyRecords.of("fashion", "1.0.0", SETTINGS, snapshot, COMPUTED);

    assertThat(record.getThresholds()).containsExactly(0.8, 0.9);
    assertThat(record.getOverall().getLowerBound()).isEqualTo(0.993);
    assertThat(record.getOverall().getWrittenLowerBound()).isEqualTo(0.993 - 0.002);
    assertThat(record.getPerClass()).hasSize(2);
    assertThat(record.getFramesSeen()).as("the whole stream's frames, not the regime's").isEqualTo(2_000);
    assertThat(record.getAuditsAnswered()).isEqualTo(12);
    assertThat(record.getRegime()).isZero();
    assertThat(record.getRegimeStartFrame()).isZero();
    assertThat(record.getAuditRate()).isZero();
    assertThat(record.getCumulativeLowerBound()).isEqualTo(0.991);
    assertThat(record.getComputedAt()).isEqualTo(COMPUTED);

    assertThat(record.getCameras()).hasSize(2);
    CameraPolicy dock = record.getCameras().get(0);
    assertThat(dock.getDeviceId()).isEqualTo("dock");
    assertThat(dock.getCameraId()).isEqualTo("cam-2");
    assertThat(dock.getThresholds()).allMatch(PolicyThresholds::isClosed);
    assertThat(dock.getAuditRate()).isEqualTo(0.15);
    assertThat(dock.getRegime()).isEqualTo(1);
    assertThat(dock.getRegimeStartFrame()).isEqualTo(1_200);
    assertThat(dock.getOverall().getLowerBound()).isZero();
    assertThat(record.getCameras().get(1).getCameraId()).as("a device without camera ids").isNull();

    assertThat(record.getUsualInputs()).hasSize(1);
    assertThat(record.getUsualInputs().get(0).getDeviceId()).isEqualTo("gate");
    assertThat(record.getUsualInputs().get(0).getCameraId()).isNull();
    assertThat(record.getUsualInputs().get(0).getLow()).containsExactly(0.1, 0.05, Double.NEGATIVE_INFINITY, 0.0);
    assertThat(record.getUsualInputs().get(0).getHigh()).containsExactly(0.7, 0.4, 0.2, 0.0);

    DriftEventRecord written = record.getDriftEvents().get(0);
    assertThat(record.getDriftEvents()).hasSize(1);
    assertThat(written.getRegime()).isEqualTo(1);
    assertThat(written.getScope()).isEqualTo("dock/cam-2");
    assertThat(written.getSignal()).isEqualTo("brightness");
    assertThat(written.getDirection()).isEqualTo("down");
    assertThat(written.getDetectedAtFrame()).isEqualTo(1_200);
    assertThat(written.getChangePointFrame()).isEqualTo(1_110);
    assertThat(written.getDetectedAt()).isEqualTo(DETECTED);
  }

  private static PolicyDecision decision(List<Double> thresholds, double lowerBound, long audits, long frames) {
    PolicyDecision.Accuracy overall =
        new PolicyDecision.Accuracy(lowerBound + 0.004, lowerBound, lowerBound - 0.002, audits, 0.8);
    return new PolicyDecision(thresholds, overall, List.of(overall, overall), true, audits + 3, audits, frames);
  }
}
