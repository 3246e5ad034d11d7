package io.labelstream.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalSecretsTest {

  @TempDir
  Path dataDir;

  @TempDir
  Path otherDataDir;

  /** A retry after `up` restarts must get the same frameId: the secret is made up once and then kept. */
  @Test
  void shouldMakeUpTheFrameIdSecretOnceAndKeepItInTheDataFolder() {
    String first = LocalSecrets.frameIdSecret(dataDir);

    assertThat(first).hasSizeGreaterThanOrEqualTo(32);
    assertThat(LocalSecrets.frameIdSecret(dataDir)).isEqualTo(first);
    assertThat(dataDir.resolve("ingest/frame-id-secret")).hasContent(first);
    assertThat(LocalSecrets.frameIdSecret(otherDataDir)).isNotEqualTo(first);
  }
}
