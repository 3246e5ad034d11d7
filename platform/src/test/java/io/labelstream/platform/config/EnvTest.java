package io.labelstream.platform.config;

import static io.labelstream.platform.config.InferenceVariables.INFERENCE_AUDIT_RATE;
import static io.labelstream.platform.config.InferenceVariables.INFERENCE_EXACTLY_ONCE;
import static io.labelstream.platform.config.InferenceVariables.INFERENCE_ROUTING_THRESHOLD;
import static io.labelstream.platform.config.IngestVariables.INGEST_PORT;
import static io.labelstream.platform.config.ReviewVariables.REVIEW_POLICY_TARGET_ACCURACY;
import static io.labelstream.platform.config.ReviewVariables.REVIEW_QUEUE_ORDER;
import static io.labelstream.platform.config.SharedVariables.HTTP_HOST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labelstream.platform.kafka.KafkaSettings;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EnvTest {

  @Test
  void shouldUseDefaultsForUnsetAndBlankVariables() {
    Env env = new Env(Map.of("INGEST_PORT", " "));

    assertThat(env.get(INGEST_PORT)).isEqualTo(8081);
    assertThat(env.get(INFERENCE_AUDIT_RATE)).isEqualTo(0.02);
    assertThat(env.find(INFERENCE_ROUTING_THRESHOLD)).isEmpty();
  }

  @Test
  void shouldNameTheVariableAndTheAllowedValuesWhenAValueIsInvalid() {
    Env env = new Env(Map.of("INFERENCE_ROUTING_THRESHOLD", "1.5", "INGEST_PORT", "http", "REVIEW_QUEUE_ORDER", "lifo"));

    assertThatThrownBy(() -> env.find(INFERENCE_ROUTING_THRESHOLD))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("INFERENCE_ROUTING_THRESHOLD=1.5")
        .hasMessageContaining("from 0.0 to 1.0");
    assertThatThrownBy(() -> env.get(INGEST_PORT))
        .hasMessageContaining("INGEST_PORT=http")
        .hasMessageContaining("whole number");
    assertThatThrownBy(() -> env.get(REVIEW_QUEUE_ORDER))
        .hasMessageContaining("REVIEW_QUEUE_ORDER=lifo")
        .hasMessageContaining("one of uncertainty, fifo, round_robin");
  }

  @Test
  void shouldRememberEveryNameAskedForWhetherSetOrNotDeprecatedNamesIncluded() {
    Env env = new Env(Map.of("INGEST_PORT", "9000", "INFERENCE_AUDIT_RATE", "0.1", "UNREAD", "x"));

    env.get(INGEST_PORT);
    env.get(INFERENCE_AUDIT_RATE);
    env.get(INFERENCE_EXACTLY_ONCE);
    env.get(HTTP_HOST);

    assertThat(env.namesRead()).containsExactlyInAnyOrder("INGEST_PORT", "INFERENCE_AUDIT_RATE", "AUDIT_RATE",
        "INFERENCE_EXACTLY_ONCE", "HTTP_HOST");
  }

  @Test
  void shouldStillReadADeprecatedNameWhenTheNewOneIsUnset() {
    Env env = new Env(Map.of("POLICY_TARGET_ACCURACY", "0.95", "ROUTING_THRESHOLD", "0.8"));

    assertThat(env.get(REVIEW_POLICY_TARGET_ACCURACY)).isEqualTo(0.95);
    assertThat(env.find(INFERENCE_ROUTING_THRESHOLD)).contains(0.8);
    assertThat(env.formerNamesUsed()).containsExactlyInAnyOrder("POLICY_TARGET_ACCURACY", "ROUTING_THRESHOLD");
  }

  @Test
  void shouldPreferTheNewNameWhenBothAreSet() {
    Env env = new Env(Map.of("AUDIT_RATE", "0.5", "INFERENCE_AUDIT_RATE", "0.1"));

    assertThat(env.get(INFERENCE_AUDIT_RATE)).isEqualTo(0.1);
  }

  @Test
  void shouldNameTheDeprecatedVariableActuallySetWhenItsValueIsInvalid() {
    Env env = new Env(Map.of("AUDIT_RATE", "lots"));

    assertThatThrownBy(() -> env.get(INFERENCE_AUDIT_RATE))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("AUDIT_RATE=lots is invalid")
        .hasMessageContaining("deprecated name of INFERENCE_AUDIT_RATE");
  }

  @Test
  void shouldNeverRepeatASecretValueInAnError() {
    Setting<String> secret = KafkaVariables.KAFKA_SASL_JAAS_CONFIG;

    assertThat(Env.invalid(secret, "s3cret", "something else").getMessage()).doesNotContain("s3cret").contains("[hidden]");
  }

  @Test
  void shouldRefuseToReadAVariableThatIsNotDeclared() {
    Setting<String> undeclared = new Setting<>("INGEST_SOMETHING_NEW", Scope.INGEST, ValueType.text("text"),
        Optional.empty(), "unset", "not in the registry", List.of(), false);

    assertThatThrownBy(() -> new Env(Map.of()).find(undeclared))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("INGEST_SOMETHING_NEW is not declared");
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

  @Test
  void shouldSizeFrameTopicsFromTheInlineLimitWhenImagesTravelByReference() {
    KafkaSettings kafka = KafkaSettings.from(new Env(Map.of("INGEST_MAX_BYTES", Integer.toString(50 * 1024 * 1024),
        "FRAME_STORE", "file:///var/lib/labelstream/frames", "FRAME_STORE_INLINE_MAX_BYTES", "65536")));

    assertThat(kafka.frameLimits().maxRecordBytes()).as("a 50 MB frame travels as a reference").isEqualTo(1024 * 1024);
  }

  @Test
  void shouldKeepFollowingTheIngestLimitWhileEveryFrameTravelsInlineToo() {
    KafkaSettings kafka = KafkaSettings.from(new Env(Map.of("INGEST_MAX_BYTES", Integer.toString(20 * 1024 * 1024),
        "FRAME_STORE", "file:///var/lib/labelstream/frames",
        "FRAME_STORE_INLINE_MAX_BYTES", Long.toString(FrameStoreVariables.INLINE_EVERY_FRAME))));
    KafkaSettings byDefault = KafkaSettings.from(new Env(Map.of("INGEST_MAX_BYTES", Integer.toString(20 * 1024 * 1024),
        "FRAME_STORE", "file:///var/lib/labelstream/frames")));

    assertThat(kafka.frameLimits().maxRecordBytes()).isGreaterThan(20 * 1024 * 1024);
    assertThat(byDefault.frameLimits().maxRecordBytes()).isLessThan(2 * 1024 * 1024); // 16 KiB inline by default
  }
}
