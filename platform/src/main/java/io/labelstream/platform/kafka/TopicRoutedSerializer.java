package io.labelstream.platform.kafka;

import io.labelstream.schemas.Topic;
import io.labelstream.schemas.Topics;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Lets one (transactional) producer write to several topics: each value is serialised with the
 * serde the topic registry names for its topic.
 */
public final class TopicRoutedSerializer implements Serializer<Object> {

  private static final Map<String, Serializer<Object>> BY_TOPIC = Topics.all().stream()
      .collect(Collectors.toUnmodifiableMap(Topic::name, TopicRoutedSerializer::valueSerializer));

  @SuppressWarnings("unchecked")
  private static Serializer<Object> valueSerializer(Topic<?, ?> topic) {
    return (Serializer<Object>) topic.valueSerde().serializer();
  }

  @Override
  public byte[] serialize(String topic, Object data) {
    Serializer<Object> serializer = BY_TOPIC.get(topic);
    if (serializer == null) {
      throw new IllegalArgumentException("no serde registered for topic " + topic);
    }
    return serializer.serialize(topic, data);
  }
}
