package io.labelstream.review.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelstream.platform.config.Env;
import io.labelstream.platform.model.DetectionReplay;
import io.labelstream.platform.model.ModelFolder;
import io.labelstream.platform.model.ModelIdentity;
import io.labelstream.review.ReviewToolkit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/**
 * The bundled detector's card states the default target {@code frameExactnessTarget}, which {@code
 * model/detector_eval.py} computes in Python by walking the controller's frame grid over the validation scenes: the
 * highest target, in steps of 0.01, at which the policy lets the model label a fifth of them from their evidence
 * alone. This holds the card to the production controller, so a change of the grid, the weight or the walk on either
 * side shows here instead of as a default target the policy cannot keep or one set lower than it needs to be.
 */
class BundledDetectorTargetTest {

  private static final Path BUNDLED = Path.of("..", "model", "fashion-detector.onnx");
  /** The share of validation scenes the card's rule asks the policy to label ({@code reachable_target}). */
  private static final double MIN_SHARE = 0.2;

  @Test
  void shouldBeTheHighestTargetAtWhichThePolicyLabelsAFifthOfTheValidationScenes() throws IOException {
    ModelFolder model = ModelFolder.of(BUNDLED);
    DetectionReplay replay = DetectionReplay.of(model);
    List<DetectionReplay.Frame> validation = replay.read(
        Files.readAllBytes(model.path(".validation.jsonl").orElseThrow()));
    double target = replay.frameExactnessTarget().orElseThrow();

    assertThat(validationShareAt(model, validation, target)).isGreaterThanOrEqualTo(MIN_SHARE);
    assertThat(validationShareAt(model, validation, Math.round((target + 0.01) * 100) / 100.0)).isLessThan(MIN_SHARE);
  }

  /** The share of the validation scenes the policy would model-label at the start of a stream working to target. */
  private static double validationShareAt(ModelFolder model, List<DetectionReplay.Frame> validation, double target)
      throws IOException {
    ReviewToolkit policy = ReviewToolkit.forModel(new Env(Map.of()), model, ModelIdentity.read(model),
        OptionalDouble.of(target));
    assertThat(policy.hasValidation()).isTrue();
    double threshold = policy.newStream().initial().thresholds().get(0);
    return (double) validation.stream().filter(f -> f.score() >= threshold).count() / validation.size();
  }
}
