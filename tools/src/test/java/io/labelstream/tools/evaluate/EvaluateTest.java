package io.labelstream.tools.evaluate;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelstream.review.ReviewToolkit;
import io.labelstream.review.ReviewToolkit.Policy;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The threshold controller on the bundled model's real test predictions. */
class EvaluateTest {

  private static final Path MODEL = Path.of(System.getProperty("labelstream.root", "..")).resolve("model");

  @Test
  void shouldMeetEveryAccuracyGuaranteeTargetOnTheBundledModel() throws Exception {
    assertThat(Evaluate.run(Map.of("LABELSTREAM_MODEL_DIR", MODEL.toString()))).isZero();
  }

  @Test
  void shouldRaiseThresholdsWhenImagesGetCorruptedMidStreamAndStayHonest() throws Exception {
    TestPredictions test = TestPredictions.read(MODEL.resolve("fashion-mnist-ensemble.test.csv"));
    ReviewToolkit policies;
    try (InputStream in = Files.newInputStream(MODEL.resolve("fashion-mnist-ensemble.validation.csv"))) {
      policies = ReviewToolkit.withTargets(0.99, 0.95, in, 10);
    }
    StreamSimulation simulation = new StreamSimulation(policies, 0.02, 200, 2_000);
    Random corruption = new Random(7);
    // From frame 3,000 on, 20% of the images are corrupted: the model still answers confidently, but wrongly.
    StreamSimulation.Result result = simulation.run(test.rows(), 1, (i, row) -> i >= 3_000 && corruption.nextDouble() < 0.2
        ? new TestPredictions.Row(row.index(), (row.predicted() + 1) % 10, row.predicted(), row.score()) : row);

    List<Policy> history = result.history();
    Policy beforeDrift = history.get(3_000 / 200);
    Policy last = history.get(history.size() - 1);
    assertThat(last.validationTrusted()).isFalse();
    assertThat(mean(last.thresholds())).isGreaterThan(mean(beforeDrift.thresholds()));
    assertThat(last.lowerBound()).isLessThanOrEqualTo(result.realisedAccuracy());
  }

  private static double mean(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
  }
}
