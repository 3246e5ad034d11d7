package io.labelstream.schemas;

/**
 * What a threshold on {@code policy.v1} ({@code Policy.thresholds}) means, shared by the review service that writes
 * the policy and the inference workers that route by it.
 */
public final class PolicyThresholds {

  /**
   * The threshold of a class closed to model labels: no score (a probability, at most 1) reaches it, so every frame
   * of that class goes to people. Writers use this value; readers treat anything above 1 as closed.
   */
  public static final double CLOSED = 2.0;

  private PolicyThresholds() {}

  /** Whether {@code threshold} closes its class to model labels. */
  public static boolean isClosed(double threshold) {
    return threshold > 1.0;
  }
}
