package io.labelstream.platform.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labelstream.platform.kafka.KafkaSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvTest {

  @Test
  void shouldUseDefaultsForUnsetAndBlankVariables() {
    Env env = new Env(Map.of("INGEST_PORT", " "));

    assertThat(env.port("INGEST_PORT", 8081)).isEqualTo(8081);
    assertThat(env.doubleIn("ROUTING_THRESHOLD", 0.9, 0, 1)).isEqualTo(0.9);
  }

  @Test
  void shouldNameTheVariableAndTheAllowedValuesWhenAValueIsInvalid() {
    Env env = new Env(Map.of("ROUTING_THRESHOLD", "1.5", "INGEST_PORT", "http"));

    assertThatThrownBy(() -> env.doubleIn("ROUTING_THRESHOLD", 0.9, 0, 1))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ROUTING_THRESHOLD=1.5")
        .hasMessageContaining("from 0.0 to 1.0");
    assertThatThrownBy(() -> env.port("INGEST_PORT", 8081))
        .hasMessageContaining("INGEST_PORT=http")
        .hasMessageContaining("whole number");
  }

  @Test
  void shouldRememberEveryNameAskedForWhetherSetOrNot() {
    Env env = new Env(Map.of("INGEST_PORT", "9000", "AUDIT_RATE", "0.1", "UNREAD", "x"));

    env.port("INGEST_PORT", 8081);
    env.doubleIn("AUDIT_RATE", 0.02, 0, 1);
    env.bool("INFERENCE_EXACTLY_ONCE", true);
    env.string("HTTP_HOST", "0.0.0.0");

    assertThat(env.namesRead()).containsExactlyInAnyOrder("INGEST_PORT", "AUDIT_RATE", "INFERENCE_EXACTLY_ONCE", "HTTP_HOST");
  }

  @Test
  void shouldPassKafkaSecuritySettingsThroughAndHideSecrets() {
    KafkaSettings kafka = KafkaSettings.from(new Env(Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", "kafka:9093",
        "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
        "KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
        "KAFKA_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"s3cret\";")));

    assertThat(kafka.clientConfig())
        .containsEntry("bootstrap.servers", "kafka:9093")
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsKey("sasl.jaas.config");
    assertThat(kafka.toString()).doesNotContain("s3cret").contains("[hidden]");
  }

  @Test
  void shouldSizeFrameTopicsFromTheIngestLimit() {
    KafkaSettings kafka = KafkaSettings.from(new Env(Map.of("INGEST_MAX_BYTES", Integer.toString(20 * 1024 * 1024))));

    assertThat(kafka.frameLimits().maxRecordBytes()).isGreaterThan(20 * 1024 * 1024);
    assertThat(kafka.frameLimits().fetchBytes()).isGreaterThanOrEqualTo(kafka.frameLimits().maxRecordBytes());
  }
}
