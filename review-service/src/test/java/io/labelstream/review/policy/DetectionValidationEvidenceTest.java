package io.labelstream.review.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelstream.platform.config.Env;
import io.labelstream.platform.model.DetectionReplay;
import io.labelstream.platform.model.ModelFolder;
import io.labelstream.platform.model.ModelIdentity;
import io.labelstream.review.ReviewFixtures;
import io.labelstream.review.ReviewToolkit;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.function.DoublePredicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A detector's validation scenes ({@code <model>.validation.jsonl}) as the policy's starting evidence. */
class DetectionValidationEvidenceTest {

  private static final Env DEFAULTS = new Env(Map.of());

  /**
   * Scenes with one true box each, found by one candidate of score {@code s}; the frame is exact unless
   * {@code wrong} says so for its score, in which case the candidate has another class.
   */
  private static String scenes(int n, long seed, DoublePredicate wrong) {
    Random random = new Random(seed);
    StringBuilder jsonl = new StringBuilder();
    for (int i = 0; i < n; i++) {
      double s = 0.5 + 0.5 * random.nextDouble();
      int predicted = wrong.test(s) ? 4 : 3;
      jsonl.append(String.format(Locale.ROOT, "{\"scene\":%d,\"width\":640,\"height\":480,\"truth\":[{\"classIndex\":3,"
          + "\"x\":50,\"y\":60,\"w\":90,\"h\":70}],\"candidates\":[{\"classIndex\":%d,\"x\":51,\"y\":60,\"w\":90,"
          + "\"h\":70,\"score\":%.5f,\"scores\":[]}]}%n", i, predicted, s));
    }
    return jsonl.toString();
  }

  private static Path detector(Path folder, String jsonl, String cardExtra) throws IOException {
    ReviewFixtures.detectionModel(folder, "boxes", List.of("a", "b", "c", "d", "e"));
    Path card = folder.resolve("boxes.card.json");
    String text = Files.readString(card).strip();
    Files.writeString(card, text.substring(0, text.length() - 1) + cardExtra + "}\n");
    if (jsonl != null) {
      Files.writeString(folder.resolve("boxes.validation.jsonl"), jsonl);
    }
    return folder;
  }

  private static ReviewToolkit toolkit(Path folder) throws IOException {
    ModelFolder model = ModelFolder.of(folder);
    return ReviewToolkit.forModel(DEFAULTS, model, ModelIdentity.read(model), OptionalDouble.empty());
  }

  @Test
  void shouldOpenADetectorWhereItsValidationScenesSupportTheTargetExactlyAsAClassifiersCsvWould(@TempDir Path dir)
      throws IOException {
    Random noise = new Random(3);
    // Exactness rises with the score: no error above 0.95, then more and more below.
    String jsonl = scenes(4000, 11, s -> s < 0.95 && noise.nextDouble() < (0.95 - s) * 2);
    ReviewToolkit detector = toolkit(detector(dir, jsonl, ", \"frameExactnessTarget\": 0.97"));

    ReviewToolkit.Policy initial = detector.newStream().initial();
    assertThat(detector.hasValidation()).isTrue();
    assertThat(detector.targets().target()).isEqualTo(0.97);
    assertThat(initial.thresholds()).hasSize(1);
    double threshold = initial.thresholds().get(0);
    assertThat(threshold).isLessThan(0.95).isGreaterThan(0.5);
    assertThat(initial.lowerBound()).isGreaterThanOrEqualTo(0.97);

    // The same evidence as a one-class classifier's validation CSV (label 1 = not exact; at 0.97, where the default
    // class floor is the target too) gives the same threshold:
    // the same weight, bound and fixed-sequence walk.
    List<DetectionReplay.Frame> frames = DetectionReplay.of(ModelFolder.of(dir))
        .read(jsonl.getBytes(StandardCharsets.UTF_8));
    StringBuilder csv = new StringBuilder("index,label,predicted,score\n");
    frames.forEach(f -> csv.append(f.scene()).append(',').append(f.exact() ? 0 : 1).append(",0,").append(f.score())
        .append('\n'));
    ReviewToolkit classifier = ReviewToolkit.withTargets(0.97, 0.95,
        new ByteArrayInputStream(csv.toString().getBytes(StandardCharsets.UTF_8)), 1);
    assertThat(classifier.newStream().initial().thresholds()).containsExactly(threshold);

    // And the frames it admits are exact at least as often as the target.
    long admitted = frames.stream().filter(f -> f.score() >= threshold).count();
    long exact = frames.stream().filter(f -> f.score() >= threshold && f.exact()).count();
    assertThat((double) exact / admitted).isGreaterThanOrEqualTo(0.97);
  }

  /** Exact scenes of four separate boxes, each found by a candidate of the true class scoring 0.4-0.7. */
  private static String busyExactScenes(int n, long seed) {
    Random random = new Random(seed);
    StringBuilder jsonl = new StringBuilder();
    for (int i = 0; i < n; i++) {
      StringBuilder truth = new StringBuilder();
      StringBuilder candidates = new StringBuilder();
      for (int b = 0; b < 4; b++) {
        String sep = b == 0 ? "" : ",";
        int x = 10 + 150 * b;
        truth.append(String.format(Locale.ROOT, "%s{\"classIndex\":2,\"x\":%d,\"y\":60,\"w\":90,\"h\":70}", sep, x));
        candidates.append(String.format(Locale.ROOT, "%s{\"classIndex\":2,\"x\":%d,\"y\":61,\"w\":90,\"h\":70,"
            + "\"score\":%.5f,\"scores\":[]}", sep, x, 0.4 + 0.3 * random.nextDouble()));
      }
      jsonl.append(String.format(Locale.ROOT, "{\"scene\":%d,\"width\":640,\"height\":480,\"truth\":[%s],"
          + "\"candidates\":[%s]}%n", i, truth, candidates));
    }
    return jsonl.toString();
  }

  @Test
  void shouldOpenBelowOneHalfWhereFairCallsOnEveryBoxMultiplyToALowFrameScore(@TempDir Path dir) throws IOException {
    // Four boxes kept at 0.4-0.7 on the cut-off 0.25: each certainty 0.6-0.8, the frame score 0.13-0.41, and every
    // scene exact. A classifier's grid ends at 0.499, under which nothing could ever be model-labelled.
    String jsonl = busyExactScenes(2000, 21);
    ReviewToolkit detector = toolkit(detector(dir, jsonl, ", \"frameExactnessTarget\": 0.95"));
    List<DetectionReplay.Frame> frames = DetectionReplay.of(ModelFolder.of(dir))
        .read(jsonl.getBytes(StandardCharsets.UTF_8));
    assertThat(frames).allMatch(DetectionReplay.Frame::exact).allMatch(f -> f.score() < 0.42);

    ReviewToolkit.Policy initial = detector.newStream().initial();

    assertThat(initial.thresholds()).hasSize(1);
    assertThat(initial.thresholds().get(0)).isLessThan(0.2).isGreaterThan(0.0);
    assertThat(initial.lowerBound()).isGreaterThanOrEqualTo(0.95);
  }

  @Test
  void shouldStayClosedWhenNoValidationSceneIsExact(@TempDir Path dir) throws IOException {
    ReviewToolkit detector = toolkit(detector(dir, scenes(4000, 12, s -> true), ""));

    assertThat(detector.hasValidation()).isTrue();
    assertThat(detector.newStream().initial().thresholds()).containsExactly(2.0);
  }

  @Test
  void shouldStartClosedWithoutValidationScenesAndKeepTheConfiguredTargetWithoutACardTarget(@TempDir Path dir)
      throws IOException {
    ReviewToolkit detector = toolkit(detector(dir, null, ""));

    assertThat(detector.hasValidation()).isFalse();
    assertThat(detector.newStream().initial().thresholds()).containsExactly(2.0);
    assertThat(detector.targets().target()).isEqualTo(0.99);
  }

  @Test
  void shouldLetTheSettingOverrideTheCardsTargetAndKeepTheClassFloorAtOrBelowIt(@TempDir Path dir) throws IOException {
    ModelFolder model = ModelFolder.of(detector(dir, null, ", \"frameExactnessTarget\": 0.9"));
    ModelIdentity identity = ModelIdentity.read(model);

    assertThat(PolicySettings.forModel(DEFAULTS, model, identity).target()).isEqualTo(0.9);
    assertThat(PolicySettings.forModel(DEFAULTS, model, identity).classTarget()).isEqualTo(0.9);
    assertThat(PolicySettings.forModel(new Env(Map.of("REVIEW_POLICY_TARGET_ACCURACY", "0.93")), model, identity)
        .target()).isEqualTo(0.93);
  }
}
