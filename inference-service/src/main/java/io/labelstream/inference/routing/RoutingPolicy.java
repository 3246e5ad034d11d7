package io.labelstream.inference.routing;

import io.labelstream.schemas.PolicyThresholds;
import java.util.Arrays;
import java.util.List;

/**
 * The thresholds a worker routes with: one per predicted class. A frame whose score reaches its class's threshold
 * is labelled by the model.
 *
 * @param source where the thresholds come from: {@code fixed} (INFERENCE_ROUTING_THRESHOLD), {@code policy} (the
 *     latest record on policy.v1) or {@code closed} (no policy yet: every frame goes to people, the safe default)
 */
public record RoutingPolicy(double[] thresholds, String source) {

  public static RoutingPolicy fixed(double threshold, int classes) {
    double[] all = new double[classes];
    Arrays.fill(all, threshold);
    return new RoutingPolicy(all, "fixed");
  }

  public static RoutingPolicy closed(int classes) {
    double[] all = new double[classes];
    Arrays.fill(all, PolicyThresholds.CLOSED);
    return new RoutingPolicy(all, "closed");
  }

  public static RoutingPolicy published(List<Double> thresholds) {
    return new RoutingPolicy(thresholds.stream().mapToDouble(Double::doubleValue).toArray(), "policy");
  }

  public double thresholdFor(int predictedClass) {
    return predictedClass < thresholds.length ? thresholds[predictedClass] : PolicyThresholds.CLOSED;
  }

  @Override
  public String toString() {
    return source + Arrays.toString(thresholds);
  }
}
