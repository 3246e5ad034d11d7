package io.labelstream.ingest.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labelstream.ingest.auth.Sender;
import io.labelstream.platform.config.ConfigException;
import io.labelstream.platform.config.Env;
import io.labelstream.testsupport.TestSenders;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IngestConfigTest {

  @Test
  void shouldStartFromItsSecretsAndOtherwiseItsDefaults() {
    IngestConfig config = IngestConfig.from(new Env(TestSenders.with(Map.of())));

    assertThat(config.http().port()).isEqualTo(8081);
    assertThat(config.maxBatchBytes()).isLessThanOrEqualTo(config.maxInFlightBytes());
    assertThat(config.senders().find(TestSenders.TOKEN)).contains(new Sender("test-fleet"));
    assertThat(config.senderBurst()).isGreaterThanOrEqualTo(config.maxBatchFrames());
  }

  /** Alone, ingest cannot make up tokens (fleets could not know them) nor a frame-id secret (restarts would change ids). */
  @Test
  void shouldRefuseToRunAloneWithoutSenderTokensOrFrameIdSecretNamingTheSetting() {
    assertThatThrownBy(() -> IngestConfig.from(new Env(Map.of("INGEST_FRAME_ID_SECRET", TestSenders.FRAME_ID_SECRET))))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("INGEST_TOKENS is not set");
    assertThatThrownBy(() -> IngestConfig.from(new Env(Map.of("INGEST_TOKENS", TestSenders.INGEST_TOKENS))))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("INGEST_FRAME_ID_SECRET is not set");
  }

  @Test
  void shouldRefuseMalformedSenderTokensAndShortSecretsWithoutEchoingThem() {
    assertThatThrownBy(() -> IngestConfig.from(new Env(TestSenders.with(Map.of("INGEST_TOKENS", "fleet:short")))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("INGEST_TOKENS").hasMessageNotContaining("short");
    assertThatThrownBy(() -> IngestConfig.from(new Env(TestSenders.with(Map.of("INGEST_TOKENS", "a:same-token-1,b:same-token-1")))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("same token").hasMessageNotContaining("same-token-1");
    assertThatThrownBy(() -> IngestConfig.from(new Env(TestSenders.with(Map.of("INGEST_FRAME_ID_SECRET", "too-short-123")))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("INGEST_FRAME_ID_SECRET")
        .hasMessageNotContaining("too-short-123");
  }

  @Test
  void shouldAcceptSenderTokensGivenOnlyAsTheirSha256() {
    String hash = java.util.HexFormat.of().formatHex(io.labelstream.platform.hash.Sha256.of("fleet-token-42"));
    IngestConfig config = IngestConfig.from(new Env(TestSenders.with(Map.of("INGEST_TOKENS", "fleet:sha256:" + hash))));

    assertThat(config.senders().find("fleet-token-42")).contains(new Sender("fleet"));
    assertThat(config.senders().find(hash)).isEmpty();
    assertThat(config.toString()).contains("fleet").doesNotContain(hash).doesNotContain(TestSenders.FRAME_ID_SECRET);
  }

  @Test
  void shouldRefuseABurstSmallerThanAFullBatch() {
    assertThatThrownBy(() -> IngestConfig.from(new Env(TestSenders.with(Map.of("INGEST_MAX_BATCH_FRAMES", "64",
        "INGEST_SENDER_BURST", "10")))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("INGEST_SENDER_BURST").hasMessageContaining("64");
  }

  /** Before the registry this was an IllegalArgumentException the launcher did not catch: a stack trace. */
  @Test
  void shouldRefuseABatchLimitAboveTheInFlightBudgetAsAnInvalidSettingNamingIt() {
    Env env = new Env(TestSenders.with(Map.of("INGEST_MAX_BYTES", "1048576", "INGEST_MAX_IN_FLIGHT_BYTES", "2097152",
        "INGEST_MAX_BATCH_BYTES", "4194304")));

    assertThatThrownBy(() -> IngestConfig.from(env))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("INGEST_MAX_BATCH_BYTES=4194304 is invalid")
        .hasMessageContaining("INGEST_MAX_IN_FLIGHT_BYTES");
  }

  @Test
  void shouldRefuseAnInFlightBudgetBelowOneFrame() {
    Env env = new Env(Map.of("INGEST_MAX_BYTES", "4194304", "INGEST_MAX_IN_FLIGHT_BYTES", "2097152",
        "INGEST_MAX_BATCH_BYTES", "2048"));

    assertThatThrownBy(() -> IngestConfig.from(env))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("INGEST_MAX_IN_FLIGHT_BYTES=2097152 is invalid")
        .hasMessageContaining("INGEST_MAX_BYTES");
  }
}
