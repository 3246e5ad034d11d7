package io.labelstream.platform.kafka;

import io.labelstream.platform.config.Env;
import io.labelstream.platform.config.FrameStoreVariables;
import io.labelstream.platform.config.IngestVariables;
import io.labelstream.platform.config.KafkaVariables;
import io.labelstream.platform.config.Setting;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * How every client of a service reaches Kafka: the bootstrap servers, TLS/SASL settings passed through unchanged,
 * and the topic settings used when a service creates missing topics.
 *
 * @param bootstrapServers empty when the launcher is to start an embedded broker
 * @param security client properties such as security.protocol and sasl.jaas.config
 * @param topicPartitions partitions of topics created at start-up
 * @param replicationFactor replication of topics created at start-up
 * @param frameLimits size limits of records that carry images: they follow the ingest limit, or with a frame store
 *     the inline limit
 */
public record KafkaSettings(
    Optional<String> bootstrapServers,
    Map<String, String> security,
    int topicPartitions,
    short replicationFactor,
    FrameLimits frameLimits) {

  private static final Map<Setting<String>, String> SECURITY_VARIABLES = new LinkedHashMap<>();
  private static final Set<String> SECRETS = Set.of("sasl.jaas.config", "ssl.truststore.password",
      "ssl.keystore.password", "ssl.key.password");

  static {
    SECURITY_VARIABLES.put(KafkaVariables.KAFKA_SECURITY_PROTOCOL, "security.protocol");
    SECURITY_VARIABLES.put(KafkaVariables.KAFKA_SASL_MECHANISM, "sasl.mechanism");
    SECURITY_VARIABLES.put(KafkaVariables.KAFKA_SASL_JAAS_CONFIG, "sasl.jaas.config");
    SECURITY_VARIABLES.put(KafkaVariables.KAFKA_SSL_TRUSTSTORE_LOCATION, "ssl.truststore.location");
    SECURITY_VARIABLES.put(KafkaVariables.KAFKA_SSL_TRUSTSTORE_PASSWORD, "ssl.truststore.password");
    SECURITY_VARIABLES.put(KafkaVariables.KAFKA_SSL_KEYSTORE_LOCATION, "ssl.keystore.location");
    SECURITY_VARIABLES.put(KafkaVariables.KAFKA_SSL_KEYSTORE_PASSWORD, "ssl.keystore.password");
    SECURITY_VARIABLES.put(KafkaVariables.KAFKA_SSL_KEY_PASSWORD, "ssl.key.password");
  }

  public KafkaSettings {
    security = Map.copyOf(security);
  }

  public static KafkaSettings from(Env env) {
    Map<String, String> security = new HashMap<>();
    SECURITY_VARIABLES.forEach((variable, property) -> env.find(variable).ifPresent(v -> security.put(property, v)));
    return new KafkaSettings(
        env.find(KafkaVariables.KAFKA_BOOTSTRAP_SERVERS),
        security,
        env.get(KafkaVariables.KAFKA_TOPIC_PARTITIONS),
        env.get(KafkaVariables.KAFKA_REPLICATION_FACTOR).shortValue(),
        frameLimits(env));
  }

  /**
   * Every service reads the same variables, so producers, consumers and topics agree: with FRAME_STORE set only
   * images up to FRAME_STORE_INLINE_MAX_BYTES travel inside a record.
   */
  private static FrameLimits frameLimits(Env env) {
    long ingestMaxBytes = env.get(IngestVariables.INGEST_MAX_BYTES);
    return env.isSet(FrameStoreVariables.FRAME_STORE)
        ? FrameLimits.withFrameStore(ingestMaxBytes, env.get(FrameStoreVariables.FRAME_STORE_INLINE_MAX_BYTES))
        : FrameLimits.forIngestLimit(ingestMaxBytes);
  }

  /** The same settings pointed at a given cluster (the launcher uses it for the embedded broker). */
  public KafkaSettings withBootstrapServers(String servers) {
    return new KafkaSettings(Optional.of(servers), security, topicPartitions, replicationFactor, frameLimits);
  }

  /** Properties every producer, consumer and admin client of this service starts from. */
  public Map<String, Object> clientConfig() {
    Map<String, Object> config = new HashMap<>(security);
    config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers.orElseThrow(
        () -> new IllegalStateException("KAFKA_BOOTSTRAP_SERVERS is not set and no embedded broker was started")));
    return config;
  }

  @Override
  public String toString() {
    Map<String, String> shown = new LinkedHashMap<>();
    security.forEach((k, v) -> shown.put(k, SECRETS.contains(k) ? "[hidden]" : v));
    return "KafkaSettings[bootstrapServers=" + bootstrapServers.orElse("(embedded)") + ", security=" + shown
        + ", topicPartitions=" + topicPartitions + ", replicationFactor=" + replicationFactor + ", " + frameLimits + "]";
  }
}
