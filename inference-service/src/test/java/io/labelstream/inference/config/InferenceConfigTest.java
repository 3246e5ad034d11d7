package io.labelstream.inference.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labelstream.inference.model.SessionSettings;
import io.labelstream.platform.config.ConfigException;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.config.InferenceVariables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InferenceConfigTest {

  /** The repository's model folder: the bundled model's .onnx, .card.json and .validation.csv. */
  private static final Path MODEL = Path.of("..", "model");

  @Test
  void shouldStartFromNothingButItsDefaults() {
    InferenceConfig config = InferenceConfig.from(new Env(Map.of()));

    assertThat(config.fixedThreshold()).isEmpty();
    assertThat(config.auditRate()).isEqualTo(0.02);
    assertThat(config.model().location()).isEqualTo("bundled");
    assertThat(config.staticMembership()).isFalse();
  }

  @Test
  void shouldReadThePrefixedNamesAndStillTheDeprecatedOnes() {
    InferenceConfig renamed = InferenceConfig.from(new Env(Map.of("INFERENCE_ROUTING_THRESHOLD", "0.8",
        "INFERENCE_AUDIT_RATE", "0.1")));
    InferenceConfig old = InferenceConfig.from(new Env(Map.of("ROUTING_THRESHOLD", "0.8", "AUDIT_RATE", "0.1")));

    assertThat(renamed.fixedThreshold()).contains(0.8);
    assertThat(renamed.auditRate()).isEqualTo(0.1);
    assertThat(old.fixedThreshold()).isEqualTo(renamed.fixedThreshold());
    assertThat(old.auditRate()).isEqualTo(renamed.auditRate());
  }

  @Test
  void shouldFindTheModelInTheModelFolderOrTakeTheOnnxFileTheOldNameGave(@TempDir Path folder) throws IOException {
    Path onnx = MODEL.resolve("fashion-mnist-ensemble.onnx");
    Path absolute = onnx.toAbsolutePath();
    // model/ holds two bundled models (the classifier and the detector), so a folder of one is made here.
    Path alone = Files.createSymbolicLink(folder.resolve("fashion-mnist-ensemble.onnx"), absolute);
    Files.copy(MODEL.resolve("fashion-mnist-ensemble.card.json"), folder.resolve("fashion-mnist-ensemble.card.json"));

    assertThat(InferenceConfig.from(new Env(Map.of("LABELSTREAM_MODEL_DIR", folder.toString()))).model().path(".onnx"))
        .contains(alone.toAbsolutePath());
    assertThat(InferenceConfig.from(new Env(Map.of("MODEL_PATH", onnx.toString()))).model().path(".onnx"))
        .contains(absolute);
  }

  @Test
  void shouldRefuseAModelFolderThatDoesNotExistOrHoldsNoModel(@TempDir Path empty) {
    assertThatThrownBy(() -> InferenceConfig.from(new Env(Map.of("LABELSTREAM_MODEL_DIR", "/no/such/model"))))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("LABELSTREAM_MODEL_DIR=/no/such/model is invalid");
    assertThatThrownBy(() -> InferenceConfig.from(new Env(Map.of("LABELSTREAM_MODEL_DIR", empty.toString()))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("exactly one .onnx model (found 0)");
  }

  @Test
  void shouldOfferExactlyTheGraphOptimisationsTheSessionKnows() {
    assertThat(InferenceVariables.INFERENCE_GRAPH_OPTIMIZATION.type().accepts()).isEqualTo("one of " + String.join(", ",
        Arrays.stream(SessionSettings.Optimization.values()).map(o -> o.name().toLowerCase(Locale.ROOT)).toList()));
  }
}
