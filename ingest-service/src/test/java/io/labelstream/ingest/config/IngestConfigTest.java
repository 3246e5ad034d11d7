package io.labelstream.ingest.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labelstream.platform.config.ConfigException;
import io.labelstream.platform.config.Env;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IngestConfigTest {

  @Test
  void shouldStartFromNothingButItsDefaults() {
    IngestConfig config = IngestConfig.from(new Env(Map.of()));

    assertThat(config.http().port()).isEqualTo(8081);
    assertThat(config.maxBatchBytes()).isLessThanOrEqualTo(config.maxInFlightBytes());
  }

  /** Before the registry this was an IllegalArgumentException the launcher did not catch: a stack trace. */
  @Test
  void shouldRefuseABatchLimitAboveTheInFlightBudgetAsAnInvalidSettingNamingIt() {
    Env env = new Env(Map.of("INGEST_MAX_BYTES", "1048576", "INGEST_MAX_IN_FLIGHT_BYTES", "2097152",
        "INGEST_MAX_BATCH_BYTES", "4194304"));

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
