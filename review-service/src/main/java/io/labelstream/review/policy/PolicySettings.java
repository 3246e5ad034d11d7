package io.labelstream.review.policy;

import io.labelstream.platform.config.Env;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How the review service computes the routing policy.
 *
 * @param target model-label accuracy to guarantee (POLICY_TARGET_ACCURACY)
 * @param confidence confidence of the published lower bound (POLICY_CONFIDENCE)
 * @param classTarget accuracy no class may fall below (POLICY_CLASS_TARGET)
 * @param interval how often the policy is recomputed and, when it changed, published (POLICY_INTERVAL_MS)
 * @param validationWeight how much of a stream frame one validation prediction counts for in the bound
 *     (POLICY_VALIDATION_WEIGHT; see {@link ThresholdController})
 * @param modelDir a folder with the model's {@code .card.json} and {@code .validation.csv}; empty means the
 *     bundled model's (POLICY_MODEL_DIR)
 */
public record PolicySettings(double target, double confidence, double classTarget, double validationWeight,
    Duration interval, Optional<Path> modelDir) {

  public static PolicySettings from(Env env) {
    return new PolicySettings(
        env.doubleIn("POLICY_TARGET_ACCURACY", 0.99, 0.5, 0.99999),
        env.doubleIn("POLICY_CONFIDENCE", 0.95, 0.5, 0.99999),
        env.doubleIn("POLICY_CLASS_TARGET", 0.97, 0.0, 0.99999),
        env.doubleIn("POLICY_VALIDATION_WEIGHT", ThresholdController.DEFAULT_VALIDATION_WEIGHT, 0.01, 1.0),
        Duration.ofMillis(env.longIn("POLICY_INTERVAL_MS", 2_000, 100, 3_600_000)),
        env.optional("POLICY_MODEL_DIR").map(Path::of));
  }

  public ThresholdController.Settings controllerSettings() {
    ThresholdController.Settings defaults = ThresholdController.Settings.defaults(target, confidence);
    return new ThresholdController.Settings(target, confidence, classTarget, defaults.minEvidence(),
        defaults.minStreamFrames(), defaults.driftPValue(), defaults.driftSlack(), validationWeight);
  }
}
