package io.labelstream.inference.routing;

import io.labelstream.inference.image.InputStatistics;
import io.labelstream.schemas.PolicyThresholds;
import io.labelstream.schemas.avro.Frame;
import io.labelstream.schemas.avro.InputStats;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * What a worker routes with: the common {@link Scope} (one threshold per predicted class, and the least audit rate),
 * and the scopes of cameras the policy put on a regime of their own after a change local to them. A frame is routed
 * by its camera's scope when the policy names that camera, else by the common one. A frame whose score reaches its
 * class's threshold is labelled by the model, unless its camera has {@link Usual} inputs and the frame's input
 * statistics lie outside them: then it goes to people whatever its score.
 *
 * @param cameras the cameras with a scope of their own, by device and camera; empty for {@code fixed} and
 *     {@code closed}
 * @param usual the cameras whose usual inputs the policy has learnt, by device and camera; empty for {@code fixed}
 *     (a pinned threshold is the operator's explicit choice, and a fixed worker does not read policy.v1, where the
 *     bounds come from) and {@code closed} (every frame goes to people anyway)
 * @param source where the thresholds come from: {@code fixed} (INFERENCE_ROUTING_THRESHOLD), {@code policy} (the
 *     latest record on policy.v1) or {@code closed} (no policy yet: every frame goes to people, the safe default)
 */
public record RoutingPolicy(Scope common, Map<Camera, Scope> cameras, Map<Camera, Usual> usual, String source) {

  public RoutingPolicy {
    cameras = Map.copyOf(cameras);
    usual = Map.copyOf(usual);
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

  /**
   * What one camera's frames looked like while the evidence behind its accuracy bound was gathered: a frame with an
   * input statistic outside [low, high] is unlike all of them, so the model's score on it is no evidence of being
   * right (Policy.usualInputs).
   *
   * @param low the lowest usual value of each statistic, in {@link InputStats}'s order; -Infinity where unbounded
   * @param high the highest, same order; Infinity where unbounded
   */
  public record Usual(double[] low, double[] high) {

    /** How many statistics a bound has: as many as a prediction's {@link InputStats} carries. */
    public static final int STATISTICS = InputStats.getClassSchema().getFields().size();

    public Usual {
      if (low.length != STATISTICS || high.length != STATISTICS) {
        throw new IllegalArgumentException("usual inputs need " + STATISTICS + " low and high bounds, got "
            + low.length + " and " + high.length);
      }
    }

    /**
     * Bounds as policy.v1 lists them. Statistics are only ever appended to {@link InputStats}, so a list of another
     * length is still in the same order: a shorter one (from a review service that predates a statistic) leaves the
     * rest unbounded, a longer one (from a newer one) bounds statistics this worker does not measure, which it drops.
     */
    static Usual of(List<Double> low, List<Double> high) {
      double[] lows = new double[STATISTICS];
      double[] highs = new double[STATISTICS];
      for (int i = 0; i < STATISTICS; i++) {
        lows[i] = i < low.size() ? low.get(i) : Double.NEGATIVE_INFINITY;
        highs[i] = i < high.size() ? high.get(i) : Double.POSITIVE_INFINITY;
      }
      return new Usual(lows, highs);
    }

    /**
     * True when one of the statistics lies outside its bounds. NaN is not outside, as on the review side
     * (TailSignal.unusual), so the worker gates exactly the frames the policy's own evaluation gated.
     */
    public boolean excludes(InputStatistics seen) {
      double[] values = {seen.brightness(), seen.contrast(), seen.sharpness(), seen.colourfulness(),
          seen.jpegQuality()};
      for (int i = 0; i < STATISTICS; i++) {
        if (values[i] < low[i] || values[i] > high[i]) {
          return true;
        }
      }
      return false;
    }

    @Override
    public String toString() {
      return IntStream.range(0, STATISTICS).mapToObj(i -> String.format(Locale.ROOT, "%s [%.4g, %.4g]",
          InputStats.getClassSchema().getFields().get(i).name(), low[i], high[i])).collect(Collectors.joining(", "));
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
    return new RoutingPolicy(new Scope(all, 0.0), Map.of(), Map.of(), source);
  }

  /** A policy from policy.v1 without usual inputs: see {@link #published(List, double, Map, Map)}. */
  public static RoutingPolicy published(List<Double> thresholds, double auditRate, Map<Camera, Scope> cameras) {
    return published(thresholds, auditRate, cameras, Map.of());
  }

  /**
   * A policy from policy.v1: its common thresholds and audit-rate floor, its cameras' scopes and its cameras' usual
   * inputs (already checked).
   */
  public static RoutingPolicy published(List<Double> thresholds, double auditRate, Map<Camera, Scope> cameras,
      Map<Camera, Usual> usual) {
    return new RoutingPolicy(Scope.of(thresholds, auditRate), cameras, usual, "policy");
  }

  /** The scope that routes this frame: its camera's when the policy names it, else the common one. */
  public Scope scopeOf(Frame frame) {
    return cameras.isEmpty() ? common : cameras.getOrDefault(Camera.of(frame), common);
  }

  /**
   * True when the frame's camera has usual inputs and what the model saw lies outside them; false for a camera
   * without, and for a frame whose statistics were not measured ({@code seen} null): nothing to compare.
   */
  public boolean unusual(Frame frame, InputStatistics seen) {
    if (seen == null || usual.isEmpty()) {
      return false;
    }
    Usual bounds = usual.get(Camera.of(frame));
    return bounds != null && bounds.excludes(seen);
  }

  /** The common thresholds, which every camera without a scope of its own routes by. */
  public double[] thresholds() {
    return common.thresholds();
  }

  public double thresholdFor(int predictedClass) {
    return common.thresholdFor(predictedClass);
  }

  /**
   * The thresholds, without the usual inputs: those are logged once per camera when they first arrive
   * (PolicyFollower), and would lengthen every policy line by four bounds per camera.
   */
  @Override
  public String toString() {
    return source + common + (cameras.isEmpty() ? "" : cameras.entrySet().stream()
        .sorted(Map.Entry.comparingByKey(Comparator.comparing(Camera::toString)))
        .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", ", " cameras {", "}")));
  }
}
