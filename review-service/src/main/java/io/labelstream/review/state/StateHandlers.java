package io.labelstream.review.state;

import io.labelstream.schemas.Topic;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What the review service's state is made of: for each topic the {@link StateTailer} reads, the handlers that apply
 * its records. Components register here, so the reader knows topics and handlers, not who consumes what.
 *
 * <p>A record is decoded once, with its topic's serde, and handed to the topic's handlers in the order they were
 * registered. A handler that throws makes the record unreadable for the reader (see {@link StateTailer}); the
 * handlers registered after it do not see it.
 *
 * <p>A tombstone (null value) is by default unreadable as well; a topic where tombstones mean something says so with
 * {@link #skipTombstones} (ignored) or {@link #deliverTombstones} (handed to the handlers as null).
 *
 * <p>A topic may have an {@link Intake}: a record it does not admit is not applied (no handler sees it) and waits in
 * Kafka, with the records after it in its partition, until the intake has room (see {@link StateTailer}).
 *
 * <p>Registration happens before the reader starts; it is not thread-safe.
 */
public final class StateHandlers {

  /** Applies one record of a topic, given with its decoded value. */
  @FunctionalInterface
  public interface Handler<V> {
    void apply(ConsumerRecord<String, byte[]> record, V value);
  }

  /** Whether a topic's records may be applied now; used for topics whose records make state that must be bounded. */
  public interface Intake<V> {
    /** Whether {@code value} may be applied now. */
    boolean admits(V value);

    /** Whether records this intake refused are worth reading again. */
    boolean hasRoom();
  }

  private enum Tombstones { UNREADABLE, SKIPPED, DELIVERED }

  /** The handlers of one topic. */
  private static final class TopicHandlers<V> {
    final Topic<String, V> topic;
    final List<Handler<V>> decoded = new ArrayList<>();
    final List<Consumer<ConsumerRecord<String, byte[]>>> raw = new ArrayList<>();
    Tombstones tombstones = Tombstones.UNREADABLE;
    Intake<V> intake;

    TopicHandlers(Topic<String, V> topic) {
      this.topic = topic;
    }

    boolean apply(ConsumerRecord<String, byte[]> record) {
      V value = null;
      if (intake != null) {
        value = decode(record);
        if (value != null && !intake.admits(value)) {
          return false;
        }
      }
      raw.forEach(handler -> handler.accept(record));
      if (decoded.isEmpty()) {
        return true;
      }
      if (intake == null) {
        value = decode(record);
      }
      if (value == null && tombstones == Tombstones.SKIPPED) {
        return true;
      }
      if (value == null && tombstones == Tombstones.UNREADABLE) {
        throw new IllegalArgumentException("a tombstone where " + topic + " needs a value");
      }
      for (Handler<V> handler : decoded) {
        handler.apply(record, value);
      }
      return true;
    }

    private V decode(ConsumerRecord<String, byte[]> record) {
      return topic.valueSerde().deserializer().deserialize(record.topic(), record.value());
    }
  }

  private final Map<String, TopicHandlers<?>> byTopic = new LinkedHashMap<>();

  /** Hands each record of {@code topic} to {@code handler}, decoded. */
  public <V> StateHandlers on(Topic<String, V> topic, Consumer<? super V> handler) {
    return onRecord(topic, (record, value) -> handler.accept(value));
  }

  /** Hands each record of {@code topic} to {@code handler}, decoded, with the record (for its position or key). */
  public <V> StateHandlers onRecord(Topic<String, V> topic, Handler<V> handler) {
    handlers(topic).decoded.add(handler);
    return this;
  }

  /**
   * Hands each record of {@code topic} to {@code handler} as read, tombstones included, before any decoded handler:
   * for a component that decodes (and forgives a bad record) on its own.
   */
  public StateHandlers onRaw(Topic<String, ?> topic, Consumer<ConsumerRecord<String, byte[]>> handler) {
    handlers(topic).raw.add(handler);
    return this;
  }

  /** Records of {@code topic} are applied only when {@code intake} admits them; the others wait in Kafka. */
  public <V> StateHandlers limit(Topic<String, V> topic, Intake<V> intake) {
    handlers(topic).intake = intake;
    return this;
  }

  /** Tombstones on {@code topic} are ignored instead of unreadable. */
  public StateHandlers skipTombstones(Topic<String, ?> topic) {
    handlers(topic).tombstones = Tombstones.SKIPPED;
    return this;
  }

  /** Tombstones on {@code topic} reach its handlers as a null value. */
  public StateHandlers deliverTombstones(Topic<String, ?> topic) {
    handlers(topic).tombstones = Tombstones.DELIVERED;
    return this;
  }

  /** The topics with handlers, in the order they were first registered. */
  public List<Topic<String, ?>> topics() {
    List<Topic<String, ?>> topics = new ArrayList<>();
    byTopic.values().forEach(handlers -> topics.add(handlers.topic));
    return topics;
  }

  /**
   * Applies a record of one of {@link #topics()}.
   *
   * @return false when the topic's intake did not admit it: nothing was applied, it is to be read again later
   * @throws RuntimeException when the record cannot be decoded or a handler fails on it
   */
  boolean apply(ConsumerRecord<String, byte[]> record) {
    TopicHandlers<?> handlers = byTopic.get(record.topic());
    if (handlers == null) {
      throw new IllegalArgumentException("no handler for topic " + record.topic());
    }
    return handlers.apply(record);
  }

  /** Whether records of {@code topic} its intake refused are worth reading again (true for a topic without one). */
  boolean hasRoom(String topic) {
    TopicHandlers<?> handlers = byTopic.get(topic);
    return handlers == null || handlers.intake == null || handlers.intake.hasRoom();
  }

  @SuppressWarnings("unchecked")
  private <V> TopicHandlers<V> handlers(Topic<String, V> topic) {
    TopicHandlers<?> existing = byTopic.get(topic.name());
    if (existing != null && existing.topic != topic) {
      throw new IllegalArgumentException("two topics named " + topic.name());
    }
    return (TopicHandlers<V>) byTopic.computeIfAbsent(topic.name(), name -> new TopicHandlers<>(topic));
  }
}
