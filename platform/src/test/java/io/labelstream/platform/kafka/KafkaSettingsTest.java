package io.labelstream.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelstream.platform.config.Env;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaSettingsTest {

  private static final Map<String, String> SECURED = Map.of(
      "KAFKA_BOOTSTRAP_SERVERS", "kafka:9093",
      "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
      "KAFKA_SASL_MECHANISM", "PLAIN",
      "KAFKA_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.plain.PlainLoginModule required "
          + "username=\"jaas-user\" password=\"jaas-secret\";",
      "KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/kafka/truststore.p12",
      "KAFKA_SSL_TRUSTSTORE_PASSWORD", "truststore-secret",
      "KAFKA_SSL_KEYSTORE_LOCATION", "/etc/kafka/keystore.p12",
      "KAFKA_SSL_KEYSTORE_PASSWORD", "keystore-secret",
      "KAFKA_SSL_KEY_PASSWORD", "key-secret");

  @Test
  void shouldPassEverySecuritySettingToTheClientsUnderKafkasName() {
    KafkaSettings kafka = KafkaSettings.from(new Env(SECURED));

    assertThat(kafka.clientConfig()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "bootstrap.servers", "kafka:9093",
        "security.protocol", "SASL_SSL",
        "sasl.mechanism", "PLAIN",
        "sasl.jaas.config", SECURED.get("KAFKA_SASL_JAAS_CONFIG"),
        "ssl.truststore.location", "/etc/kafka/truststore.p12",
        "ssl.truststore.password", "truststore-secret",
        "ssl.keystore.location", "/etc/kafka/keystore.p12",
        "ssl.keystore.password", "keystore-secret",
        "ssl.key.password", "key-secret"));
  }

  @Test
  void shouldNeverShowASecretInToStringButShowTheRest() {
    String shown = KafkaSettings.from(new Env(SECURED)).toString();

    assertThat(shown).doesNotContain("jaas-secret", "jaas-user", "truststore-secret", "keystore-secret", "key-secret");
    assertThat(shown).contains("SASL_SSL", "PLAIN", "/etc/kafka/truststore.p12", "/etc/kafka/keystore.p12", "[hidden]");
  }

  @Test
  void shouldStayHiddenWhenPointedAtAnotherCluster() {
    String shown = KafkaSettings.from(new Env(SECURED)).withBootstrapServers("127.0.0.1:9092").toString();

    assertThat(shown).doesNotContain("jaas-secret", "truststore-secret", "keystore-secret", "key-secret");
  }
}
