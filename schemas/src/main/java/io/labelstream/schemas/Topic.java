package io.labelstream.schemas;

import org.apache.kafka.common.serialization.Serde;

/**
 * A Kafka topic as a typed object: its name, how its keys and values are (de)serialised, and the two properties
 * that decide its broker configuration.
 *
 * @param compacted true when only the latest record per key matters (cleanup.policy=compact)
 * @param carriesImages true when its records hold whole frames, so its size limits follow the ingest limit
 * @param partitions a partition count the topic needs whatever the cluster default, or 0 for the default
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde, boolean compacted, boolean carriesImages,
    int partitions) {

  public Topic(String name, Serde<K> keySerde, Serde<V> valueSerde, boolean compacted, boolean carriesImages) {
    this(name, keySerde, valueSerde, compacted, carriesImages, 0);
  }

  @Override
  public String toString() {
    return name;
  }
}
