package io.labelstream.tools.evaluate.drift;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelstream.review.ReviewToolkit;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DriftEvaluateTest {

  /** {@code --per-seed} adds one line per seed under its scenario's row, and nothing else. */
  @Test
  void shouldPrintEachSeedUnderItsScenarioWhenAskedTo() throws Exception {
    List<String> rows = output(false).lines().toList();
    List<String> seeds = output(true).lines().toList();

    List<String> added = seeds.stream().filter(line -> !rows.contains(line)).toList();
    assertThat(added).hasSize(DriftEvaluate.SEEDS).allSatisfy(line -> assertThat(line).startsWith("    seed "));
    assertThat(added.get(0)).startsWith("    seed   1: standing    0 (0 wrong, 1.0000)");
    String scenarioRow = rows.stream().filter(line -> line.startsWith("no change")).findFirst().orElseThrow();
    assertThat(seeds.indexOf(added.get(0)) - 1).as("the first seed's line follows the scenario's row")
        .isEqualTo(seeds.indexOf(scenarioRow));
  }

  private static String output(boolean perSeed) throws Exception {
    DriftStreamRun streams = new DriftStreamRun(
        ReviewToolkit.withTargets(0.99, 0.95, DriftStreamRunTest.validationCsv(), DriftStreamRunTest.CLASSES),
        DriftPredictions.cleanOnly(DriftStreamRunTest.rows(new Random(11), 6_000)), 0.02);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      new DriftEvaluate(streams, out, perSeed).run(DriftSplit.TUNING, List.of(DriftScenario.none()), false);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
