package io.labelstream.schemas;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The producer settings every LabelStream writer starts from, services and fleets alike. They live here, beside the
 * topics, because fleets that write frames straight to Kafka ({@link FleetFrameProducer}) depend on this module
 * only; the services' client factory ({@code io.labelstream.platform.kafka.KafkaClients}) builds on the same maps.
 */
public final class ProducerDefaults {

  private ProducerDefaults() {}

  /**
   * acks=all with idempotence: a write is acknowledged once every in-sync replica has it, and the producer's own
   * retries never write it twice.
   */
  public static Map<String, Object> reliable() {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    return config;
  }

  /**
   * {@link #reliable()} with one request in flight, for writers that may be the first on a partition created a
   * moment ago: there a Kafka 4.4 broker can bounce a first batch (NOT_LEADER_OR_FOLLOWER), append the next one in
   * flight, and then refuse the first batch's retries for ever (OUT_OF_ORDER_SEQUENCE_NUMBER, KAFKA-15591, fixed in
   * 4.5): its records would be lost, idempotence or not.
   */
  public static Map<String, Object> reliableOneInFlight() {
    Map<String, Object> config = reliable();
    config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
    return config;
  }
}
