package io.labelstream.platform.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.util.Objects;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * Micrometer's Kafka client meters ({@link KafkaClientMetrics}) for whichever client is current. A writer that
 * replaces its producer {@linkplain #follow follows} the new one: the meters of the closed producer are removed
 * from the registry before the new producer's are added, so the registry never goes on showing a producer's last
 * figures after it was closed (a replacement has the same client id, so its meters would otherwise be taken for the
 * old ones and never registered).
 */
public final class ClientMeters implements MeterBinder, AutoCloseable {

  private Object client;
  private MeterRegistry registry;
  private KafkaClientMetrics bound;

  private ClientMeters(Object client) {
    this.client = client;
  }

  public static ClientMeters of(Producer<?, ?> producer) {
    return new ClientMeters(Objects.requireNonNull(producer));
  }

  public static ClientMeters of(Consumer<?, ?> consumer) {
    return new ClientMeters(Objects.requireNonNull(consumer));
  }

  /** Meters that describe nothing until a producer is {@linkplain #follow followed}. */
  static ClientMeters none() {
    return new ClientMeters(null);
  }

  @Override
  public synchronized void bindTo(MeterRegistry registry) {
    unbind();
    this.registry = registry;
    bind();
  }

  /** From now on the meters describe {@code producer}, or nothing when it is null. */
  public synchronized void follow(Producer<?, ?> producer) {
    unbind();
    client = producer;
    bind();
  }

  private void bind() {
    if (registry == null || client == null) {
      return;
    }
    bound = client instanceof Producer<?, ?> producer ? new KafkaClientMetrics(producer)
        : new KafkaClientMetrics((Consumer<?, ?>) client);
    bound.bindTo(registry);
  }

  private void unbind() {
    if (bound != null) {
      bound.close(); // removes every meter it registered
      bound = null;
    }
  }

  /** Removes the meters; the client itself is closed by its owner. */
  @Override
  public synchronized void close() {
    unbind();
    registry = null;
  }
}
