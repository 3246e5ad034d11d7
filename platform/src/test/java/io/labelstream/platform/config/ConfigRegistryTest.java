package io.labelstream.platform.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class ConfigRegistryTest {

  @Test
  void shouldGiveEverySettingItsScopesPrefixOrTheSharedOne() {
    for (Setting<?> setting : ConfigRegistry.all()) {
      String prefix = switch (setting.scope()) {
        case INGEST, INFERENCE, REVIEW, KAFKA, FRAME_STORE -> setting.scope().name() + "_";
        case SHARED -> "";
        case LAUNCHER, TOOLS -> "LABELSTREAM_";
      };
      assertThat(setting.name()).as("%s in %s", setting.name(), setting.scope())
          .startsWith(setting.scope() == Scope.FRAME_STORE ? "FRAME_STORE" : prefix);
    }
  }

  @Test
  void shouldDocumentEverySettingAndCheckItsDefaultAgainstItsOwnType() {
    for (Setting<?> setting : ConfigRegistry.all()) {
      assertThat(setting.doc()).as("doc of %s", setting.name()).isNotBlank().endsWith(".");
      assertThat(setting.type().accepts()).as("accepts of %s", setting.name()).isNotBlank();
      setting.defaultValue().ifPresent(value -> assertThat(parsed(setting, String.valueOf(value).toLowerCase(Locale.ROOT)))
          .as("default of %s", setting.name()).isEqualTo(value));
    }
  }

  @Test
  void shouldNameTheModelFolderOnceForEveryReader() {
    assertThat(ConfigRegistry.formerNames()).containsKeys("MODEL_PATH", "POLICY_MODEL_DIR");
    assertThat(List.of(ConfigRegistry.formerNames().get("MODEL_PATH"), ConfigRegistry.formerNames().get("POLICY_MODEL_DIR")))
        .containsOnly(SharedVariables.LABELSTREAM_MODEL_DIR);
  }

  @Test
  void shouldReplaceEveryUnprefixedNameWithAPrefixedOne() {
    assertThat(ConfigRegistry.formerNames()).containsKeys("ROUTING_THRESHOLD", "AUDIT_RATE", "LABEL_CLASSES",
        "POLICY_TARGET_ACCURACY", "POLICY_CONFIDENCE", "POLICY_CLASS_TARGET", "POLICY_VALIDATION_WEIGHT",
        "POLICY_INTERVAL_MS");
    ConfigRegistry.formerNames().keySet().forEach(old -> assertThat(ConfigRegistry.named(old)).as(old).isEmpty());
  }

  private static Object parsed(Setting<?> setting, String text) {
    return setting.type().parse(text);
  }
}
