package io.labelstream.review.policy;

import java.util.List;

/**
 * The thresholds the controller chose and what backs them.
 *
 * @param thresholds per predicted class; {@link io.labelstream.schemas.PolicyThresholds#CLOSED} means every frame of that class goes to people
 * @param overall estimate and lower confidence bound of model-label accuracy at these thresholds, whole stream
 * @param perClass the same per predicted class
 * @param validationTrusted false once the stream's answers disagreed with the validation evidence (drift); from
 *     then on only the stream's own answers back the bound
 */
public record PolicyDecision(List<Double> thresholds, Accuracy overall, List<Accuracy> perClass, boolean validationTrusted,
    long audits, long auditsAnswered, long framesSeen) {

  /**
   * Accuracy of model labels in one region.
   *
   * @param estimate point estimate
   * @param lowerBound one-sided lower confidence bound at the configured confidence
   * @param audits answered audits inside this region
   * @param modelLabelledShare share of the stream's frames the thresholds admit
   */
  public record Accuracy(double estimate, double lowerBound, long audits, double modelLabelledShare) {}
}
