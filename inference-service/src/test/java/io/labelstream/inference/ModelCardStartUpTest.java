package io.labelstream.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker given a model whose card does not describe its graph refuses to start, as it does an invalid setting: exit
 * code 2 and one line naming the card field and what the graph has, before it reaches for Kafka. Runs the service's
 * own main (the container image's entry point) in a fresh JVM.
 */
class ModelCardStartUpTest {

  /** Nothing listens here: the worker must refuse the model before it tries to reach Kafka. */
  private static final String NO_KAFKA = "127.0.0.1:1";
  private static final Path GREY = Path.of("src", "test", "resources", "models", "grey-nchw-logits");

  @Test
  void shouldRefuseToStartWithOneLineNamingTheCardField(@TempDir Path dir) throws Exception {
    Path model = Files.createDirectory(dir.resolve("model"));
    Files.copy(GREY.resolve("grey-nchw-logits.onnx"), model.resolve("grey-nchw-logits.onnx"));
    String card = Files.readString(GREY.resolve("grey-nchw-logits.card.json"));
    assertThat(card).contains("\"channels\": 1");
    Files.writeString(model.resolve("grey-nchw-logits.card.json"), card.replace("\"channels\": 1", "\"channels\": 3"));

    Process process = start(dir, model);

    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the worker ended").isTrue();
    String stderr = Files.readString(dir.resolve("stderr.txt"), StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as("exit code; stderr:%n%s", stderr).isEqualTo(2);
    assertThat(stderr.lines().filter(l -> l.startsWith("configuration error:")).toList()).containsExactly(
        "configuration error: LABELSTREAM_MODEL_DIR=" + model.resolve("grey-nchw-logits.onnx").toAbsolutePath()
            + " is invalid: model card field 'input.channels' is 3 but the graph input 'image' has shape "
            + "[1,1,32,32] (NCHW: channels 1)");
    assertThat(stderr).doesNotContain("\tat ").doesNotContain("Exception");
  }

  private static Process start(Path dir, Path model) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
        InferenceService.class.getName()));
    builder.environment().clear();
    builder.environment().put("KAFKA_BOOTSTRAP_SERVERS", NO_KAFKA);
    builder.environment().put("LABELSTREAM_DATA_DIR", dir.toString());
    builder.environment().put("LABELSTREAM_MODEL_DIR", model.toString());
    builder.redirectError(dir.resolve("stderr.txt").toFile()).redirectOutput(dir.resolve("stdout.txt").toFile());
    return builder.start();
  }
}
