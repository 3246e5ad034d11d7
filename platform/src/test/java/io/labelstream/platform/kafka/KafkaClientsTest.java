package io.labelstream.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labelstream.platform.config.Env;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaClientsTest {

  private final KafkaSettings settings = KafkaSettings.from(new Env(Map.of(
      "KAFKA_BOOTSTRAP_SERVERS", "kafka:9093",
      "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
      "INGEST_MAX_BYTES", Long.toString(20L * 1024 * 1024))));
  private final KafkaClients clients = new KafkaClients(settings, "review", "r1");

  @Test
  void shouldNameEveryClientByServiceRoleAndInstance() {
    assertThat(clients.clientId("queue")).isEqualTo("labelstream-review-queue-r1");
    assertThat(new KafkaClients(settings, "ingest", null).clientId("frames")).isEqualTo("labelstream-ingest-frames");
  }

  @Test
  void shouldKeepTheTransactionalIdOfEarlierReleasesSoAnUpgradeFencesTheOldInstance() {
    assertThat(clients.transactionalProducer("queue")).containsEntry("transactional.id", "labelstream-review-r1");
    assertThatThrownBy(() -> new KafkaClients(settings, "ingest", null).transactionalId())
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void shouldMakeEveryProducerIdempotentWithAcksAllAndTheFrameSizeLimit() {
    assertThat(clients.producer("policy")).containsAllEntriesOf(Map.of(
        "bootstrap.servers", "kafka:9093",
        "security.protocol", "SASL_SSL",
        "acks", "all",
        "enable.idempotence", true,
        "client.id", "labelstream-review-policy-r1",
        "max.request.size", settings.frameLimits().maxRecordBytes()));
    assertThat(clients.producerOneInFlight("dataset")).containsEntry("max.in.flight.requests.per.connection", 1);
  }

  @Test
  void shouldMakeEveryConsumerReadCommittedRecordsOnlyAndCommitNothingByItself() {
    assertThat(clients.groupConsumer("election", "leaders")).containsAllEntriesOf(Map.of(
        "security.protocol", "SASL_SSL",
        "client.id", "labelstream-review-election-r1",
        "group.id", "leaders",
        "isolation.level", "read_committed",
        "enable.auto.commit", false,
        "max.partition.fetch.bytes", settings.frameLimits().fetchBytes(),
        "fetch.max.bytes", settings.frameLimits().fetchBytes()));
  }

  @Test
  void shouldBoundASendAndAnAdminCallByTheTimeoutTheCallerGives() {
    assertThat(KafkaClients.withSendTimeout(clients.producer("frames"), Duration.ofSeconds(5))).containsAllEntriesOf(Map.of(
        "max.block.ms", 5000, "request.timeout.ms", 4900, "delivery.timeout.ms", 5000));
    assertThat(clients.admin("health", Duration.ofSeconds(2))).containsAllEntriesOf(Map.of(
        "security.protocol", "SASL_SSL",
        "client.id", "labelstream-review-health-r1",
        "default.api.timeout.ms", 2000,
        "request.timeout.ms", 2000));
  }
}
