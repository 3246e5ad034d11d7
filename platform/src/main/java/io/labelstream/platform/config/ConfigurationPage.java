package io.labelstream.platform.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Renders docs/configuration.md from {@link ConfigRegistry}: per scope a table of every variable, then the deprecated
 * names with their replacements. The page is committed; {@code ConfigurationPageTest} fails when it is stale.
 */
public final class ConfigurationPage {

  /** The one command that rewrites the committed page, run from the repository root. */
  public static final String REGENERATE = "mvn -B -q -pl platform -am test -Dtest=ConfigurationPageTest "
      + "-Dsurefire.failIfNoSpecifiedTests=false -Dlabelstream.regenerate.docs=true";

  private ConfigurationPage() {}

  /** Writes the page to the path given (default docs/configuration.md). */
  public static void main(String[] args) throws IOException {
    Path page = Path.of(args.length > 0 ? args[0] : "docs/configuration.md");
    Files.createDirectories(page.toAbsolutePath().getParent());
    Files.writeString(page, render(), StandardCharsets.UTF_8);
  }

  public static String render() {
    StringBuilder page = new StringBuilder();
    page.append("# Configuration\n\n")
        .append("<!-- Generated from io.labelstream.platform.config.ConfigRegistry; do not edit by hand. Regenerate:\n")
        .append("     ").append(REGENERATE).append(" -->\n\n")
        .append("Every setting is an environment variable, read once at start-up. A value that cannot be used stops ")
        .append("the service with one line naming the variable and what it accepts. A blank value counts as unset.\n");
    for (Scope scope : Scope.values()) {
      page.append("\n## ").append(scope.title()).append("\n\n").append(scope.summary()).append("\n\n")
          .append("| Variable | Accepts | Default | What it does |\n")
          .append("|---|---|---|---|\n");
      for (Setting<?> setting : ConfigRegistry.of(scope)) {
        page.append("| `").append(setting.name()).append("` | ").append(cell(setting.type().accepts()))
            .append(" | ").append(cell(setting.defaultText())).append(" | ").append(cell(setting.doc()));
        if (!setting.formerNames().isEmpty()) {
          page.append(" Formerly ").append(setting.formerNames().stream().map(n -> "`" + n + "`")
              .collect(Collectors.joining(", "))).append('.');
        }
        page.append(" |\n");
      }
    }
    page.append("\n## Deprecated names\n\n")
        .append("These names still work: each logs a warning at start-up naming its replacement. When both an old and ")
        .append("a new name are set, the new one wins.\n\n")
        .append("| Old name | Use instead |\n")
        .append("|---|---|\n");
    for (Map.Entry<String, Setting<?>> former : ConfigRegistry.formerNames().entrySet()) {
      page.append("| `").append(former.getKey()).append("` | `").append(former.getValue().name()).append("` |\n");
    }
    return page.toString();
  }

  private static String cell(String text) {
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;");
  }
}
