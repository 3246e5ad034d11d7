package io.labelstream.review.http;

import io.labelstream.review.policy.PolicyDecision;
import io.labelstream.review.policy.PolicyService;
import io.labelstream.review.policy.regime.CameraKey;
import io.labelstream.review.policy.regime.DriftEvent;
import io.labelstream.review.policy.regime.RegimePolicy;
import io.labelstream.schemas.PolicyThresholds;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What holds now, for {@code /v1/stats}'s {@code policy} and {@code /v1/stats/accuracy} alike: the common regime
 * (its bound is the one for labels being written now on every camera without a regime of its own) and its start, the
 * cumulative bound over every regime, each camera on a regime of its own, and the drift events. Added beside the
 * existing fields, which keep describing the common regime.
 */
final class RegimeStats {

  private RegimeStats() {}

  static Map<String, Object> of(PolicyService.Snapshot snapshot) {
    RegimePolicy.Decision decision = snapshot.decision();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("regime", regime(decision.common()));
    body.put("cumulativeLowerBound", decision.cumulativeLowerBound());
    List<Map<String, Object>> cameras = new ArrayList<>();
    decision.cameras().forEach((key, regime) -> cameras.add(camera(key, regime)));
    body.put("cameras", cameras);
    List<Map<String, Object>> events = new ArrayList<>();
    snapshot.events().forEach(e -> events.add(event(e)));
    body.put("driftEvents", events);
    return body;
  }

  private static Map<String, Object> regime(RegimePolicy.RegimeDecision regime) {
    PolicyDecision.Accuracy overall = regime.decision().overall();
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("regime", regime.regime());
    row.put("startFrame", regime.startFrame());
    row.put("estimatedAccuracy", overall.estimate());
    row.put("lowerBound", overall.lowerBound());
    row.put("writtenLowerBound", overall.writtenBound());
    row.put("audits", overall.audits());
    row.put("modelLabelledShare", overall.modelLabelledShare());
    row.put("auditRate", regime.auditRate());
    row.put("established", regime.established());
    return row;
  }

  private static Map<String, Object> camera(CameraKey key, RegimePolicy.RegimeDecision regime) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("camera", key.text());
    row.put("deviceId", key.deviceId());
    row.put("cameraId", key.cameraId().isEmpty() ? null : key.cameraId());
    // a closed class (every frame to people) as null, as /v1/stats/accuracy writes a closed class's threshold
    row.put("thresholds", regime.decision().thresholds().stream()
        .map(t -> PolicyThresholds.isClosed(t) ? null : t).toList());
    row.putAll(regime(regime));
    return row;
  }

  private static Map<String, Object> event(PolicyService.ReceivedEvent received) {
    DriftEvent e = received.event();
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("regime", e.regime());
    row.put("scope", e.scope());
    row.put("signal", e.signal());
    row.put("direction", e.direction());
    row.put("detectedAtFrame", e.detectedAtFrame());
    row.put("changePointFrame", e.changePointFrame());
    // the model labels written since the change point, sent back to people (LabelRecall)
    row.put("recalledLabels", e.recalledLabels());
    row.put("detectedAt", received.detectedAt());
    return row;
  }
}
