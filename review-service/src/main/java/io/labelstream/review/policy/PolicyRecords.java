package io.labelstream.review.policy;

import io.labelstream.review.policy.drift.UsualRange;
import io.labelstream.review.policy.regime.CameraKey;
import io.labelstream.review.policy.regime.DriftEvent;
import io.labelstream.review.policy.regime.RegimePolicy;
import io.labelstream.schemas.avro.AccuracyBound;
import io.labelstream.schemas.avro.CameraPolicy;
import io.labelstream.schemas.avro.DriftEventRecord;
import io.labelstream.schemas.avro.Policy;
import io.labelstream.schemas.avro.UsualInputs;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.DoubleStream;

/**
 * The {@code policy.v1} record (Policy v2) of a {@link PolicyService.Snapshot}: the common regime's thresholds and
 * bounds where v1 had the stream's, its audit rate, number and start, the cumulative bound, a {@link CameraPolicy}
 * per camera on a regime of its own, and every drift event. Apart from {@link PolicyService} so the mapping can be
 * tested without a broker.
 */
public final class PolicyRecords {

  private PolicyRecords() {}

  public static Policy of(String modelName, String modelVersion, PolicySettings settings,
      PolicyService.Snapshot snapshot, Instant computedAt) {
    RegimePolicy.RegimeDecision common = snapshot.decision().common();
    PolicyDecision decision = snapshot.common();
    List<AccuracyBound> perClass = new ArrayList<>();
    decision.perClass().forEach(a -> perClass.add(bound(a)));
    return Policy.newBuilder()
        .setModelName(modelName)
        .setModelVersion(modelVersion)
        .setThresholds(decision.thresholds())
        .setOverall(bound(decision.overall()))
        .setPerClass(perClass)
        .setTarget(settings.target())
        .setConfidence(settings.confidence())
        .setClassTarget(settings.classTarget())
        .setValidationTrusted(decision.validationTrusted())
        .setFramesSeen(decision.framesSeen())
        .setAudits(decision.audits())
        .setAuditsAnswered(decision.auditsAnswered())
        .setComputedAt(computedAt)
        .setAuditRate(common.auditRate())
        .setRegime(common.regime())
        .setRegimeStartFrame(common.startFrame())
        .setCumulativeLowerBound(snapshot.decision().cumulativeLowerBound())
        .setCameras(cameras(snapshot.decision().cameras()))
        .setDriftEvents(snapshot.events().stream().map(PolicyRecords::event).toList())
        .setUsualInputs(usualInputs(snapshot.decision().usualInputs()))
        .build();
  }

  private static List<CameraPolicy> cameras(Map<CameraKey, RegimePolicy.RegimeDecision> cameras) {
    List<CameraPolicy> out = new ArrayList<>();
    cameras.forEach((key, regime) -> out.add(CameraPolicy.newBuilder()
        .setDeviceId(key.deviceId())
        // CameraKey keeps "no camera id" as empty; the record says it as null, as the prediction did
        .setCameraId(key.cameraId().isEmpty() ? null : key.cameraId())
        .setThresholds(regime.decision().thresholds())
        .setOverall(bound(regime.decision().overall()))
        .setAuditRate(regime.auditRate())
        .setRegime(regime.regime())
        .setRegimeStartFrame(regime.startFrame())
        .build()));
    return out;
  }

  private static List<UsualInputs> usualInputs(Map<CameraKey, UsualRange> ranges) {
    List<UsualInputs> out = new ArrayList<>();
    ranges.forEach((key, range) -> out.add(new UsualInputs(key.deviceId(), key.cameraId().isEmpty() ? null
        : key.cameraId(), DoubleStream.of(range.low()).boxed().toList(), DoubleStream.of(range.high()).boxed().toList())));
    return out;
  }

  private static DriftEventRecord event(PolicyService.ReceivedEvent received) {
    DriftEvent e = received.event();
    return new DriftEventRecord(e.regime(), e.scope(), e.signal(), e.direction(), e.detectedAtFrame(),
        e.changePointFrame(), received.detectedAt());
  }

  static AccuracyBound bound(PolicyDecision.Accuracy a) {
    return new AccuracyBound(a.estimate(), a.lowerBound(), a.audits(), a.modelLabelledShare(), a.writtenBound());
  }
}
