package io.labelstream.review.dataset;

import io.labelstream.platform.kafka.KafkaSettings;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.DatasetSnapshot;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dataset snapshots that exist: datasets.v1 read from the beginning and followed, so snapshots survive
 * restarts and a snapshot made by another instance shows up too. Snapshots are small (a few hundred bytes), so
 * all of them are kept in memory, ordered by id, which is ordered by creation time.
 */
public final class DatasetCatalog implements Runnable, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DatasetCatalog.class);

  private final KafkaConsumer<String, byte[]> consumer;
  private final NavigableMap<String, DatasetSnapshot> byId = new ConcurrentSkipListMap<>();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean caughtUp;
  private volatile boolean running = true;

  public DatasetCatalog(KafkaSettings kafka, String instanceId) {
    Map<String, Object> props = new HashMap<>(kafka.clientConfig());
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "labelstream-review-datasets-" + instanceId);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
  }

  /** True once every snapshot recorded before start-up is known. */
  public boolean caughtUp() {
    return caughtUp;
  }

  public Optional<DatasetSnapshot> get(String datasetId) {
    return Optional.ofNullable(byId.get(datasetId));
  }

  /** Every snapshot, oldest first. */
  public List<DatasetSnapshot> list() {
    return List.copyOf(byId.values());
  }

  /** A snapshot this instance has just recorded: listed at once, before it comes back from datasets.v1. */
  void put(DatasetSnapshot snapshot) {
    byId.put(snapshot.getDatasetId(), snapshot);
  }

  @Override
  public void run() {
    try {
      List<TopicPartition> partitions = consumer.partitionsFor(Topics.DATASETS.name(), Duration.ofSeconds(30)).stream()
          .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> startupEnd = consumer.endOffsets(partitions);
      while (running) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          apply(record);
        }
        if (!caughtUp && startupEnd.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
          caughtUp = true;
          LOG.info("{} dataset snapshots known", byId.size());
        }
      }
    } catch (WakeupException e) {
      if (running) {
        LOG.error("dataset catalog reader woken unexpectedly", e);
      }
    } catch (RuntimeException e) {
      LOG.error("dataset catalog reader stopped on an unexpected error", e);
    } finally {
      consumer.close();
      stopped.countDown();
    }
  }

  private void apply(ConsumerRecord<String, byte[]> record) {
    if (record.key() == null) {
      return;
    }
    if (record.value() == null) {
      byId.remove(record.key());
      return;
    }
    try {
      put(Topics.DATASETS.valueSerde().deserializer().deserialize(record.topic(), record.value()));
    } catch (RuntimeException e) {
      LOG.warn("dataset snapshot {} at {}-{}@{} cannot be read and is not listed: {}", record.key(), record.topic(),
          record.partition(), record.offset(), e.getMessage());
    }
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
