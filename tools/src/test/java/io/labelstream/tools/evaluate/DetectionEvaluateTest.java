package io.labelstream.tools.evaluate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labelstream.platform.model.DetectionReplay;
import io.labelstream.platform.model.ModelFolder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./labelstream evaluate --task detection} on generated detectors (SyntheticDetector). */
class DetectionEvaluateTest {

  private record Run(int exit, String printed, JsonNode json) {}

  private static Run evaluate(Path folder, OptionalDouble target) throws Exception {
    Path json = folder.resolve("figures.json");
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    int exit = DetectionEvaluate.run(Map.of("LABELSTREAM_MODEL_DIR", folder.toString()),
        new DetectionEvaluate.Options(target, Optional.of(json)), new PrintStream(printed, true, StandardCharsets.UTF_8));
    return new Run(exit, printed.toString(StandardCharsets.UTF_8), new ObjectMapper().readTree(json.toFile()));
  }

  @Test
  void shouldReplayTheTestScenesAndReportFiguresComputedFromThem(@TempDir Path dir) throws Exception {
    Path folder = SyntheticDetector.write(Files.createDirectory(dir.resolve("a")), 5, 3000, 5000, 1.0, 0.95);
    Run run = evaluate(folder, OptionalDouble.empty());
    System.out.println(run.printed());

    List<DetectionReplay.Frame> test = DetectionReplay.of(ModelFolder.of(folder))
        .read(Files.readAllBytes(folder.resolve(SyntheticDetector.NAME + ".test.jsonl")));
    JsonNode json = run.json();
    assertThat(json.get("scenes").asInt()).isEqualTo(5000);
    assertThat(json.get("exactScenes").asLong()).isEqualTo(test.stream().filter(DetectionReplay.Frame::exact).count());
    assertThat(json.get("target").asDouble()).isEqualTo(0.95);
    assertThat(json.get("targetSource").asText()).isEqualTo("the card's frameExactnessTarget");
    assertThat(json.get("scoreThreshold").asDouble()).isEqualTo(0.3);
    assertThat(json.get("startsFromValidation").asBoolean()).isTrue();
    assertThat(json.get("seeds")).hasSize(20);
    // The oracle's share over a whole test set in any order is the share of the best single cut; every seed's
    // figures are bounded and computed per seed (they differ between seeds).
    List<Double> shares = new ArrayList<>();
    for (JsonNode seed : json.get("seeds")) {
      assertThat(seed.get("frames").asInt()).isEqualTo(5000);
      assertThat(seed.get("exactness").asDouble()).isBetween(0.0, 1.0);
      assertThat(seed.get("bound").asDouble()).isBetween(0.0, 1.0);
      assertThat(seed.get("auditShare").asDouble()).isPositive().isLessThan(0.03);
      shares.add(seed.get("shareAfterWarmup").asDouble());
      assertThat(run.printed()).contains(String.format(java.util.Locale.ROOT, "%.4f", seed.get("exactness").asDouble()));
    }
    assertThat(shares.stream().distinct().count()).isGreaterThan(1);
    // Each target's verdict follows from the seeds' figures.
    JsonNode seeds = json.get("seeds");
    List<Boolean> expected = List.of(
        every(seeds, s -> s.get("exactness").asDouble() >= 0.95),
        count(seeds, s -> s.get("exactness").asDouble() >= s.get("bound").asDouble()) >= 19,
        every(seeds, s -> s.get("shareAfterWarmup").asDouble() >= 0.9 * s.get("oracleShareAfterWarmup").asDouble()),
        every(seeds, s -> s.get("auditShare").asDouble() <= 0.03));
    List<Boolean> reported = new ArrayList<>();
    json.get("targets").forEach(t -> reported.add(t.get("met").asBoolean()));
    assertThat(reported).isEqualTo(expected);
    assertThat(json.get("allTargetsMet").asBoolean()).isEqualTo(!expected.contains(false));
    assertThat(run.exit()).isEqualTo(expected.contains(false) ? 1 : 0);
    assertThat(run.printed()).contains("starting from the validation scenes").contains("after2000%");

    // Another target, given on the command line, is the one worked to and changes the figures.
    Run lower = evaluate(folder, OptionalDouble.of(0.9));
    assertThat(lower.json().get("targetSource").asText()).isEqualTo("--target");
    assertThat(lower.json().get("seeds").get(0).get("modelShare").asDouble())
        .isGreaterThan(json.get("seeds").get(0).get("modelShare").asDouble());
  }

  private static boolean every(JsonNode seeds, java.util.function.Predicate<JsonNode> test) {
    return count(seeds, test) == seeds.size();
  }

  private static long count(JsonNode seeds, java.util.function.Predicate<JsonNode> test) {
    long n = 0;
    for (JsonNode seed : seeds) {
      n += test.test(seed) ? 1 : 0;
    }
    return n;
  }

  @Test
  void shouldChangeItsFiguresWithTheFixtureAndReportAMissedTarget(@TempDir Path dir) throws Exception {
    Run good = evaluate(SyntheticDetector.write(Files.createDirectory(dir.resolve("good")), 5, 3000, 5000, 1.0, 0.95),
        OptionalDouble.empty());
    // A model that errs four times as often, with validation scenes that hide it (they come from the good model).
    Path worse = SyntheticDetector.write(Files.createDirectory(dir.resolve("worse")), 5, 3000, 5000, 4.0, 0.95);
    Files.copy(dir.resolve("good").resolve(SyntheticDetector.NAME + ".validation.jsonl"),
        worse.resolve(SyntheticDetector.NAME + ".validation.jsonl"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Run bad = evaluate(worse, OptionalDouble.empty());
    System.out.println(bad.printed());

    assertThat(bad.json().get("exactScenes").asLong()).isLessThan(good.json().get("exactScenes").asLong());
    assertThat(bad.json().get("seeds").get(0).get("oracleShareAfterWarmup").asDouble())
        .isLessThan(good.json().get("seeds").get(0).get("oracleShareAfterWarmup").asDouble());
    assertThat(bad.json().get("seeds").get(0).get("exactness").asDouble())
        .isNotEqualTo(good.json().get("seeds").get(0).get("exactness").asDouble());
    // Validation promised more than the stream delivers: the bound falls short of the target, or the exactness does.
    assertThat(bad.json().get("allTargetsMet").asBoolean()).isFalse();
    assertThat(bad.exit()).isEqualTo(1);
    assertThat(bad.printed()).contains("[MISSED]").contains("TARGET(S) MISSED");
  }

  /**
   * The bundled detector's real test scenes (or the detector {@code -Dlabelstream.detector} names), when they are in
   * model/: prints the figures docs/label-quality.md quotes. Whatever the detector reaches, the published bound must
   * be honest.
   */
  @Test
  void shouldKeepTheBoundHonestOnTheBundledDetector(@TempDir Path dir) throws Exception {
    Path onnx = Path.of(System.getProperty("labelstream.detector", Path.of(System.getProperty("labelstream.root", ".."))
        .resolve(DetectionEvaluate.BUNDLED).toString()));
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(onnx.resolveSibling("fashion-detector.test.jsonl")),
        "the bundled detector's replay files are not in model/ yet");
    Path json = dir.resolve("figures.json");
    Map<String, String> env = new java.util.HashMap<>(Map.of("LABELSTREAM_MODEL_DIR", onnx.toString()));
    Optional.ofNullable(System.getProperty("labelstream.detector.target"))
        .ifPresent(t -> env.put("REVIEW_POLICY_TARGET_ACCURACY", t));
    DetectionEvaluate.run(env, new DetectionEvaluate.Options(OptionalDouble.empty(), Optional.of(json)), System.out);

    JsonNode seeds = new ObjectMapper().readTree(json.toFile()).get("seeds");
    assertThat(count(seeds, s -> s.get("exactness").asDouble() >= s.get("bound").asDouble())).isGreaterThanOrEqualTo(19);
  }

  @Test
  void shouldJudgeTheShareInEverySeedAndSayWhatTheSeedsMakeTogether() {
    // seed 1: 0.20 of an oracle's 0.25 (0.80, short); seed 2: 0.30 of 0.20 (1.50); together 0.50 of 0.45 (1.111),
    // not the ratios' mean (1.15)
    List<DetectionEvaluate.Seed> seeds = List.of(
        new DetectionEvaluate.Seed(1, 6000, 1200, 0.95, 0.93, 0.94, 2000, 0.20, 0.25, 0.005, 0.20),
        new DetectionEvaluate.Seed(2, 6000, 1800, 0.95, 0.93, 0.94, 2000, 0.30, 0.20, 0.005, 0.30));

    DetectionEvaluate.Check share = DetectionEvaluate.checks(seeds, 0.92, 2000).get(2);

    assertThat(share.met()).isFalse();
    assertThat(share.target()).contains("(1 of 2, lowest ratio 0.800; the 2 seeds together 1.111)");
  }

  @Test
  void shouldRefuseAClassifier() {
    Path classifier = Path.of(System.getProperty("labelstream.root", "..")).resolve("model")
        .resolve("fashion-mnist-ensemble.onnx");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> DetectionEvaluate.run(
            Map.of("LABELSTREAM_MODEL_DIR", classifier.toString()),
            new DetectionEvaluate.Options(OptionalDouble.empty(), Optional.empty()), System.out))
        .hasMessageContaining("needs a detection model");
  }
}
