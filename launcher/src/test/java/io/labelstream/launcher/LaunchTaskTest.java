package io.labelstream.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labelstream.platform.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How {@code --task} picks the model, and how it meets LABELSTREAM_MODEL_DIR. */
class LaunchTaskTest {

  private static final Path ROOT = Path.of(System.getProperty("labelstream.root"));
  /** A classifier and a detector with their cards, as a user would name them. */
  private static final Path CLASSIFIER = ROOT.resolve("model/fashion-mnist-ensemble.onnx");
  private static final Path DETECTOR = ROOT.resolve("inference-service/src/test/resources/detection/yolo11n");

  @TempDir
  Path repository;

  @Test
  void shouldKeepTodaysBundledClassifierWithoutATask() {
    LaunchTask.Launch launch = LaunchTask.resolve(Map.of("A", "b"), Optional.empty(), repository);
    assertThat(launch.task()).isEqualTo(LaunchTask.CLASSIFICATION);
    assertThat(launch.environment()).isEqualTo(Map.of("A", "b"));
    assertThat(LaunchTask.resolve(Map.of(), Optional.of(LaunchTask.CLASSIFICATION), repository).environment())
        .doesNotContainKey("LABELSTREAM_MODEL_DIR");
  }

  @Test
  void shouldNameTheBundledDetectorThroughLabelstreamModelDir() throws Exception {
    Path onnx = Files.createDirectories(repository.resolve("model")).resolve("fashion-detector.onnx");
    Files.write(onnx, new byte[] {1});
    LaunchTask.Launch launch = LaunchTask.resolve(Map.of("A", "b"), Optional.of(LaunchTask.DETECTION), repository);
    assertThat(launch.task()).isEqualTo(LaunchTask.DETECTION);
    assertThat(launch.environment()).containsEntry("A", "b")
        .containsEntry("LABELSTREAM_MODEL_DIR", onnx.toAbsolutePath().normalize().toString());
  }

  @Test
  void shouldSayWhereTheBundledDetectorIsMissing() {
    assertThatThrownBy(() -> LaunchTask.resolve(Map.of(), Optional.of(LaunchTask.DETECTION), repository))
        .isInstanceOf(ConfigException.class).hasMessageContaining("model/fashion-detector.onnx")
        .hasMessageContaining("LABELSTREAM_MODEL_DIR");
  }

  @Test
  void shouldRunTheUsersModelWithTheTaskItsCardSays() {
    Map<String, String> env = Map.of("LABELSTREAM_MODEL_DIR", DETECTOR.toString());
    assertThat(LaunchTask.resolve(env, Optional.empty(), repository).task()).isEqualTo(LaunchTask.DETECTION);
    LaunchTask.Launch agreed = LaunchTask.resolve(env, Optional.of(LaunchTask.DETECTION), repository);
    assertThat(agreed.task()).isEqualTo(LaunchTask.DETECTION);
    assertThat(agreed.environment()).isEqualTo(env);
    assertThat(LaunchTask.resolve(Map.of("LABELSTREAM_MODEL_DIR", CLASSIFIER.toString()), Optional.empty(), repository)
        .task()).isEqualTo(LaunchTask.CLASSIFICATION);
  }

  @Test
  void shouldRefuseATaskTheUsersModelDoesNot() {
    assertThatThrownBy(() -> LaunchTask.resolve(Map.of("LABELSTREAM_MODEL_DIR", CLASSIFIER.toString()),
        Optional.of(LaunchTask.DETECTION), repository))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--task detection and LABELSTREAM_MODEL_DIR=")
        .hasMessageContaining("says task classification");
    assertThatThrownBy(() -> LaunchTask.resolve(Map.of("LABELSTREAM_MODEL_DIR", DETECTOR.toString()),
        Optional.of(LaunchTask.CLASSIFICATION), repository))
        .isInstanceOf(ConfigException.class).hasMessageContaining("says task detection");
  }

  @Test
  void shouldParseTheTaskOptionAndRefuseAnythingElse() {
    assertThat(LaunchOptions.parse("up", List.of("--task", "detection")))
        .isEqualTo(new LaunchOptions(Optional.of(LaunchTask.DETECTION), false));
    assertThat(LaunchOptions.parse("demo", List.of("--task=Classification", "--exit")))
        .isEqualTo(new LaunchOptions(Optional.of(LaunchTask.CLASSIFICATION), true));
    assertThat(LaunchOptions.parse("demo", List.of())).isEqualTo(new LaunchOptions(Optional.empty(), false));
    assertThatThrownBy(() -> LaunchOptions.parse("up", List.of("--task", "segmentation")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("unknown task 'segmentation': --task takes classification (the default) or detection");
    assertThatThrownBy(() -> LaunchOptions.parse("up", List.of("--task"))).hasMessageContaining("needs a value");
    assertThatThrownBy(() -> LaunchOptions.parse("up", List.of("--exit"))).hasMessageContaining("unknown option '--exit'");
    assertThatThrownBy(() -> LaunchOptions.parse("demo", List.of("--task", "detection", "--task", "detection")))
        .hasMessageContaining("twice");
  }
}
