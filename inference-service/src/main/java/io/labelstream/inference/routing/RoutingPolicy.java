package io.labelstream.inference.routing;

import io.labelstream.schemas.PolicyThresholds;
import io.labelstream.schemas.avro.Frame;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What a worker routes with: the common {@link Scope} (one threshold per predicted class, and the least audit rate),
 * and the scopes of cameras the policy put on a regime of their own after a change local to them. A frame is routed
 * by its camera's scope when the policy names that camera, else by the common one. A frame whose score reaches its
 * class's threshold is labelled by the model.
 *
 * @param cameras the cameras with a scope of their own, by device and camera; empty for {@code fixed} and
 *     {@code closed}
 * @param source where the thresholds come from: {@code fixed} (INFERENCE_ROUTING_THRESHOLD), {@code policy} (the
 *     latest record on policy.v1) or {@code closed} (no policy yet: every frame goes to people, the safe default)
 */
public record RoutingPolicy(Scope common, Map<Camera, Scope> cameras, String source) {

  public RoutingPolicy {
    cameras = Map.copyOf(cameras);
  }

  /**
   * A camera as frames name it: {@code cameraId} may be null (a device with one camera, or one that did not say), and
   * then only a camera policy without a cameraId matches.
   */
  public record Camera(String deviceId, String cameraId) {

    public static Camera of(Frame frame) {
      return new Camera(frame.getDeviceId(), frame.getCameraId());
    }

    @Override
    public String toString() {
      return cameraId == null ? deviceId : deviceId + "/" + cameraId;
    }
  }

  /**
   * The routing of one scope.
   *
   * @param thresholds one per predicted class index (one for a detection model's frame score)
   * @param auditRate the least share of model labels to audit, a floor over the worker's own INFERENCE_AUDIT_RATE
   *     (the policy raises it while a regime re-establishes its bound); 0 leaves the worker's own rate
   */
  public record Scope(double[] thresholds, double auditRate) {

    public double thresholdFor(int predictedClass) {
      return predictedClass < thresholds.length ? thresholds[predictedClass] : PolicyThresholds.CLOSED;
    }

    static Scope of(List<Double> thresholds, double auditRate) {
      return new Scope(thresholds.stream().mapToDouble(Double::doubleValue).toArray(), auditRate);
    }

    @Override
    public String toString() {
      String floor = auditRate > 0 ? String.format(Locale.ROOT, " audits>=%.3f", auditRate) : "";
      return Arrays.toString(thresholds) + floor;
    }
  }

  public static RoutingPolicy fixed(double threshold, int classes) {
    return uniform(threshold, classes, "fixed");
  }

  public static RoutingPolicy closed(int classes) {
    return uniform(PolicyThresholds.CLOSED, classes, "closed");
  }

  private static RoutingPolicy uniform(double threshold, int classes, String source) {
    double[] all = new double[classes];
    Arrays.fill(all, threshold);
    return new RoutingPolicy(new Scope(all, 0.0), Map.of(), source);
  }

  /** A policy from policy.v1: its common thresholds and audit-rate floor, and its cameras' (already checked). */
  public static RoutingPolicy published(List<Double> thresholds, double auditRate, Map<Camera, Scope> cameras) {
    return new RoutingPolicy(Scope.of(thresholds, auditRate), cameras, "policy");
  }

  /** The scope that routes this frame: its camera's when the policy names it, else the common one. */
  public Scope scopeOf(Frame frame) {
    return cameras.isEmpty() ? common : cameras.getOrDefault(Camera.of(frame), common);
  }

  /** The common thresholds, which every camera without a scope of its own routes by. */
  public double[] thresholds() {
    return common.thresholds();
  }

  public double thresholdFor(int predictedClass) {
    return common.thresholdFor(predictedClass);
  }

  @Override
  public String toString() {
    return source + common + (cameras.isEmpty() ? "" : cameras.entrySet().stream()
        .sorted(Map.Entry.comparingByKey(Comparator.comparing(Camera::toString)))
        .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", ", " cameras {", "}")));
  }
}
