package io.labelstream.inference.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import io.labelstream.platform.config.ConfigException;
import io.labelstream.platform.config.Env;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Device selection up to the provider, on the CPU build of ONNX Runtime these machines run. */
class SessionSettingsTest {

  @Test
  void shouldReadEveryKnobAndNameTheVariableOfABadValue() {
    SessionSettings settings = SessionSettings.from(new Env(Map.of("INFERENCE_DEVICE", "cuda:1",
        "INFERENCE_DEVICE_FALLBACK", "cpu", "INFERENCE_INTRA_OP_THREADS", "2", "INFERENCE_INTER_OP_THREADS", "1",
        "INFERENCE_GRAPH_OPTIMIZATION", "extended", "INFERENCE_MEMORY_ARENA", "false")));

    assertThat(settings.device()).isEqualTo(new SessionSettings.Device(true, 1));
    assertThat(settings.fallbackToCpu()).isTrue();
    assertThat(settings.intraOpThreads()).isEqualTo(2);
    assertThat(settings.interOpThreads()).isEqualTo(1);
    assertThat(settings.optimization()).isEqualTo(SessionSettings.Optimization.EXTENDED);
    assertThat(settings.memoryArena()).isFalse();
    assertThatThrownBy(() -> SessionSettings.from(new Env(Map.of("INFERENCE_DEVICE", "tpu"))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("INFERENCE_DEVICE=tpu").hasMessageContaining("cuda:N");
  }

  @Test
  void shouldRefuseToStartOnAGpuThisRuntimeCannotUseAndSayWhatIsMissing() throws Exception {
    SessionSettings cuda = SessionSettings.from(new Env(Map.of("INFERENCE_DEVICE", "cuda:0")));

    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      assertThatThrownBy(() -> cuda.apply(options, EnumSet.of(OrtProvider.CPU)))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("no CUDA execution provider")
          .hasMessageContaining("-Pgpu")
          .hasMessageContaining("INFERENCE_DEVICE_FALLBACK=cpu");
    }
  }

  @Test
  void shouldFallBackToTheCpuWhenAllowedAndStillRunTheModel() throws Exception {
    SessionSettings cuda = SessionSettings.from(new Env(Map.of("INFERENCE_DEVICE", "cuda:0", "INFERENCE_DEVICE_FALLBACK", "cpu")));

    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      assertThat(cuda.apply(options, SessionSettings.availableProviders())).isEqualTo(SessionSettings.Device.CPU);
    }
    try (OnnxModel model = OnnxModel.load(Optional.empty(), cuda)) {
      assertThat(model.run(java.util.List.of(new float[784]))[0].meanProbs()).hasSize(10);
    }
  }
}
