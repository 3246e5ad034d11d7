package io.labelstream.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelstream.platform.config.ConfigException;
import io.labelstream.platform.config.Env;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.UnsupportedSaslMechanismException;
import org.junit.jupiter.api.Test;

class TopicProvisionerTest {

  private static final KafkaSettings PLAIN = KafkaSettings.from(new Env(Map.of("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092")));
  private static final KafkaSettings SASL = KafkaSettings.from(new Env(Map.of("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092",
      "KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT", "KAFKA_SASL_MECHANISM", "SCRAM-SHA-512")));

  @Test
  void shouldCallARejectedLoginAConfigurationErrorNamingTheCredentialSettings() {
    RuntimeException failure = TopicProvisioner.failure(SASL, "cannot list topics",
        new SaslAuthenticationException("Authentication failed: Invalid username or password"));

    assertThat(failure).isInstanceOf(ConfigException.class)
        .hasMessageContaining("kafka:9092")
        .hasMessageContaining("Kafka rejected the credentials (SASL authentication failed")
        .hasMessageContaining("KAFKA_SASL_JAAS_CONFIG")
        .hasCauseInstanceOf(SaslAuthenticationException.class);
  }

  @Test
  void shouldPointAtTheProtocolAndMechanismWhenTheHandshakeIsRefused() {
    RuntimeException failure = TopicProvisioner.failure(SASL, "cannot list topics",
        new UnsupportedSaslMechanismException("Client SASL mechanism 'SCRAM-SHA-512' not enabled in the server"));

    assertThat(failure).isInstanceOf(ConfigException.class)
        .hasMessageContaining("KAFKA_SECURITY_PROTOCOL (now SASL_PLAINTEXT)")
        .hasMessageContaining("KAFKA_SASL_MECHANISM");
  }

  @Test
  void shouldNameTheSecurityProtocolWhenKafkaDoesNotAnswer() {
    RuntimeException failure = TopicProvisioner.failure(PLAIN, "cannot list topics",
        new org.apache.kafka.common.errors.TimeoutException("Timed out waiting for a node assignment. Call: listTopics"));

    assertThat(failure).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no answer within 30 s")
        .hasMessageContaining("KAFKA_BOOTSTRAP_SERVERS")
        .hasMessageContaining("KAFKA_SECURITY_PROTOCOL (now PLAINTEXT)");
    assertThat(TopicProvisioner.failure(PLAIN, "cannot list topics", new TimeoutException()))
        .hasMessageContaining("KAFKA_SECURITY_PROTOCOL (now PLAINTEXT)");
  }
}
