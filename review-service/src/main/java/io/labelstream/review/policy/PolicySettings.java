package io.labelstream.review.policy;

import static io.labelstream.platform.config.ReviewVariables.REVIEW_POLICY_CLASS_TARGET;
import static io.labelstream.platform.config.ReviewVariables.REVIEW_POLICY_CONFIDENCE;
import static io.labelstream.platform.config.ReviewVariables.REVIEW_POLICY_INTERVAL_MS;
import static io.labelstream.platform.config.ReviewVariables.REVIEW_POLICY_TARGET_ACCURACY;
import static io.labelstream.platform.config.ReviewVariables.REVIEW_POLICY_VALIDATION_WEIGHT;

import io.labelstream.platform.config.Env;
import java.time.Duration;

/**
 * How the review service computes the routing policy.
 *
 * @param target model-label accuracy to guarantee (REVIEW_POLICY_TARGET_ACCURACY)
 * @param confidence confidence of the published lower bound (REVIEW_POLICY_CONFIDENCE)
 * @param classTarget accuracy no class may fall below (REVIEW_POLICY_CLASS_TARGET)
 * @param interval how often the policy is recomputed and, when it changed, published (REVIEW_POLICY_INTERVAL_MS)
 * @param validationWeight how much of a stream frame one validation prediction counts for in the bound
 *     (REVIEW_POLICY_VALIDATION_WEIGHT; see {@link ThresholdController})
 */
public record PolicySettings(double target, double confidence, double classTarget, double validationWeight,
    Duration interval) {

  public static PolicySettings from(Env env) {
    return new PolicySettings(
        env.get(REVIEW_POLICY_TARGET_ACCURACY),
        env.get(REVIEW_POLICY_CONFIDENCE),
        env.get(REVIEW_POLICY_CLASS_TARGET),
        env.get(REVIEW_POLICY_VALIDATION_WEIGHT),
        Duration.ofMillis(env.get(REVIEW_POLICY_INTERVAL_MS)));
  }

  public ThresholdController.Settings controllerSettings() {
    ThresholdController.Settings defaults = ThresholdController.Settings.defaults(target, confidence);
    return new ThresholdController.Settings(target, confidence, classTarget, defaults.minEvidence(),
        defaults.minStreamFrames(), defaults.driftPValue(), defaults.driftSlack(), validationWeight);
  }
}
