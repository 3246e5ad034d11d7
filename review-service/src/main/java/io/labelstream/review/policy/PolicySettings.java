package io.labelstream.review.policy;

import static io.labelstream.platform.config.ReviewVariables.REVIEW_POLICY_CLASS_TARGET;
import static io.labelstream.platform.config.ReviewVariables.REVIEW_POLICY_CONFIDENCE;
import static io.labelstream.platform.config.ReviewVariables.REVIEW_POLICY_INTERVAL_MS;
import static io.labelstream.platform.config.ReviewVariables.REVIEW_POLICY_TARGET_ACCURACY;
import static io.labelstream.platform.config.ReviewVariables.REVIEW_POLICY_VALIDATION_WEIGHT;

import io.labelstream.platform.config.Env;
import io.labelstream.platform.model.DetectionReplay;
import io.labelstream.platform.model.ModelFolder;
import io.labelstream.platform.model.ModelIdentity;
import io.labelstream.review.policy.regime.RegimeSettings;
import java.io.IOException;
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
 * @param regime how a detected change is met: the raised audit rate and the audits that re-establish a regime
 *     (REVIEW_POLICY_RAISED_AUDIT_RATE, REVIEW_POLICY_AUDITS_TO_ESTABLISH)
 */
public record PolicySettings(double target, double confidence, double classTarget, double validationWeight,
    Duration interval, RegimeSettings regime) {

  public static PolicySettings from(Env env) {
    return new PolicySettings(
        env.get(REVIEW_POLICY_TARGET_ACCURACY),
        env.get(REVIEW_POLICY_CONFIDENCE),
        env.get(REVIEW_POLICY_CLASS_TARGET),
        env.get(REVIEW_POLICY_VALIDATION_WEIGHT),
        Duration.ofMillis(env.get(REVIEW_POLICY_INTERVAL_MS)),
        RegimeSettings.from(env));
  }

  /**
   * The settings for this model. A detector's target, unless REVIEW_POLICY_TARGET_ACCURACY is set, is the frame
   * exactness its card states it can honestly reach ({@code frameExactnessTarget}; the classifiers' 0.99 is out of
   * reach of whole frames of boxes); its class floor is never above its target, since its one routing class
   * ("frame") is all its model labels, so a floor above the target would only hold the model below what the target
   * allows.
   */
  public static PolicySettings forModel(Env env, ModelFolder model, ModelIdentity identity) throws IOException {
    PolicySettings settings = from(env);
    if (!identity.task().equals(ModelIdentity.DETECTION)) {
      return settings;
    }
    double target = settings.target();
    if (!env.isSet(REVIEW_POLICY_TARGET_ACCURACY)) {
      target = DetectionReplay.of(model).frameExactnessTarget().orElse(target);
    }
    return settings.withTarget(target);
  }

  /** These settings at another target (the class floor kept at or below it, for a detector's one class). */
  public PolicySettings withTarget(double newTarget) {
    return new PolicySettings(newTarget, confidence, Math.min(classTarget, newTarget), validationWeight, interval,
        regime);
  }

  /**
   * What the policy's state was gathered under: every setting but how often the policy is recomputed, which changes
   * when it decides, not what it knows (a checkpoint of the state goes on under another interval).
   */
  public String stateIdentity() {
    return "PolicySettings[target=" + target + ", confidence=" + confidence + ", classTarget=" + classTarget
        + ", validationWeight=" + validationWeight + ", regime=" + regime + "]";
  }

  public ThresholdController.Settings controllerSettings() {
    ThresholdController.Settings defaults = ThresholdController.Settings.defaults(target, confidence);
    return new ThresholdController.Settings(target, confidence, classTarget, defaults.minEvidence(),
        defaults.minStreamFrames(), defaults.driftPValue(), defaults.driftSlack(), validationWeight, defaults.horizon());
  }
}
