package io.labelstream.platform.kafka;

import io.labelstream.platform.config.Env;
import io.labelstream.schemas.ProducerDefaults;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The one place a service's Kafka producer, consumer and admin settings are made. Every client starts from
 * {@link KafkaSettings#clientConfig()} (bootstrap servers and the TLS/SASL pass-through) and gets:
 * <ul>
 *   <li>a client id of one scheme, {@code labelstream-<service>-<role>-<instance>}, so a broker's quotas, logs and
 *       the {@code client_id} tag of the Kafka client meters say which part of which instance a client is;</li>
 *   <li>producers: acks=all with idempotence ({@link ProducerDefaults}) and a max.request.size that lets through
 *       any frame ingest accepts ({@link FrameLimits});</li>
 *   <li>consumers: read_committed (nothing of an aborted transaction is ever read), no auto-commit (offsets are
 *       committed with the work or not at all) and fetch sizes that fit a frame.</li>
 * </ul>
 * A caller adds only what is its own (linger, a group, its timeouts) to the map it gets back.
 */
public final class KafkaClients {

  private final KafkaSettings settings;
  private final String service;
  private final Optional<String> instance;

  /**
   * @param service the service's short name: ingest, inference, review, bench
   * @param instance this instance's id, or null where instances are interchangeable and unnamed (ingest)
   */
  public KafkaClients(KafkaSettings settings, String service, String instance) {
    this.settings = Objects.requireNonNull(settings);
    this.service = Objects.requireNonNull(service);
    this.instance = Optional.ofNullable(instance).filter(id -> !id.isBlank());
  }

  /** Clients of a cluster reached without security settings, at its address only (benchmarks, tests). */
  public static KafkaClients at(String bootstrapServers, String service, String instance) {
    return new KafkaClients(KafkaSettings.from(new Env(Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers))), service,
        instance);
  }

  public KafkaSettings settings() {
    return settings;
  }

  /** {@code labelstream-<service>-<role>-<instance>}, or {@code labelstream-<service>-<role>} for an unnamed one. */
  public String clientId(String role) {
    return "labelstream-" + service + "-" + role + instance.map(id -> "-" + id).orElse("");
  }

  /**
   * {@code labelstream-<service>-<instance>}. Deliberately not the client id scheme: this id is what fences a
   * previous incarnation of the same instance, so it has stayed the same since the first release and must not
   * change across an upgrade.
   */
  public String transactionalId() {
    return "labelstream-" + service + "-" + instance.orElseThrow(
        () -> new IllegalStateException("a transactional producer needs an instance id"));
  }

  /** An idempotent producer with acks=all. */
  public Map<String, Object> producer(String role) {
    Map<String, Object> config = new HashMap<>(settings.clientConfig());
    config.putAll(ProducerDefaults.reliable());
    config.put(ProducerConfig.CLIENT_ID_CONFIG, clientId(role));
    config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, settings.frameLimits().maxRecordBytes());
    return config;
  }

  /**
   * {@link #producer} with one request in flight, for a writer that may be first on a partition created a moment
   * ago (see {@link ProducerDefaults#reliableOneInFlight()}).
   */
  public Map<String, Object> producerOneInFlight(String role) {
    Map<String, Object> config = producer(role);
    config.putAll(ProducerDefaults.reliableOneInFlight());
    return config;
  }

  /** {@link #producer} with this instance's {@link #transactionalId()}; see {@link TransactionalWriter}. */
  public Map<String, Object> transactionalProducer(String role) {
    Map<String, Object> config = producer(role);
    config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId());
    return config;
  }

  /**
   * Bounds how long a send may take in all: blocking for metadata or buffer space, one request, and delivery with
   * its retries. For producers whose caller waits on every write (an HTTP request).
   */
  public static Map<String, Object> withSendTimeout(Map<String, Object> producerConfig, Duration timeout) {
    int timeoutMs = Math.toIntExact(timeout.toMillis());
    producerConfig.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeoutMs);
    producerConfig.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.max(500, timeoutMs - 100));
    producerConfig.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, timeoutMs);
    return producerConfig;
  }

  /** A consumer that reads committed records only and commits nothing by itself; assign() it, or add a group. */
  public Map<String, Object> consumer(String role) {
    Map<String, Object> config = new HashMap<>(settings.clientConfig());
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId(role));
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, settings.frameLimits().fetchBytes());
    config.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, settings.frameLimits().fetchBytes());
    return config;
  }

  /** {@link #consumer} as a member of {@code group}. */
  public Map<String, Object> groupConsumer(String role, String group) {
    Map<String, Object> config = consumer(role);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    return config;
  }

  /**
   * An admin client whose every call ends by itself within {@code timeout}, so closing it never waits on a call
   * that is still retrying, and a caller learns of a broker that does not answer in that time.
   */
  public Map<String, Object> admin(String role, Duration timeout) {
    Map<String, Object> config = new HashMap<>(settings.clientConfig());
    config.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId(role));
    int timeoutMs = Math.toIntExact(timeout.toMillis());
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(timeoutMs, 30_000));
    return config;
  }
}
