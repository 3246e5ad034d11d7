package io.labelstream.platform.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md is generated from the registry and committed; this test fails when it is stale. With
 * {@code -Dlabelstream.regenerate.docs=true} it rewrites the page instead ({@link ConfigurationPage#REGENERATE}).
 */
class ConfigurationPageTest {

  /** Surefire runs in the module's folder; the page lives at the repository root. */
  private static final Path PAGE = Path.of("..", "docs", "configuration.md");

  @Test
  void shouldMatchTheCommittedConfigurationPage() throws IOException {
    String rendered = ConfigurationPage.render();
    if (Boolean.getBoolean("labelstream.regenerate.docs")) {
      Files.createDirectories(PAGE.getParent());
      Files.writeString(PAGE, rendered, StandardCharsets.UTF_8);
    }

    assertThat(PAGE).as("docs/configuration.md").exists();
    assertThat(Files.readString(PAGE, StandardCharsets.UTF_8))
        .as("docs/configuration.md is stale: regenerate it from the repository root with%n  %s%n",
            ConfigurationPage.REGENERATE)
        .isEqualTo(rendered);
  }

  @Test
  void shouldListEveryVariableAndEveryDeprecatedName() {
    String page = ConfigurationPage.render();

    ConfigRegistry.all().forEach(s -> assertThat(page).contains("| `" + s.name() + "` |"));
    ConfigRegistry.formerNames().forEach((old, now) -> assertThat(page).contains("| `" + old + "` | `" + now.name() + "` |"));
    assertThat(page).contains("INFERENCE_ALLOW_SPINNING", "LABELSTREAM_FASHION_MNIST", "LABELSTREAM_MODEL_DIR");
  }
}
