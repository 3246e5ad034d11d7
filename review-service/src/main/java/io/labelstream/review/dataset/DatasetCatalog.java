package io.labelstream.review.dataset;

import static io.labelstream.review.state.CheckpointData.readRecord;
import static io.labelstream.review.state.CheckpointData.writeRecord;

import io.labelstream.review.state.Checkpointed;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.DatasetSnapshot;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dataset snapshots that exist: datasets.v1 as the review service's state reader replays and follows it, so
 * snapshots survive restarts and a snapshot made by another instance shows up too. Snapshots are small (a few hundred
 * bytes), so all of them are kept in memory, ordered by id, which is ordered by creation time.
 */
public final class DatasetCatalog implements Checkpointed {

  private static final Logger LOG = LoggerFactory.getLogger(DatasetCatalog.class);

  private final NavigableMap<String, DatasetSnapshot> byId = new ConcurrentSkipListMap<>();

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

  /** A snapshot this instance has just deleted: gone at once, before its tombstone comes back from datasets.v1. */
  void remove(String datasetId) {
    byId.remove(datasetId);
  }

  /** A datasets.v1 record read by the state reader; a tombstone removes its snapshot. */
  public void recorded(ConsumerRecord<String, byte[]> record) {
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
  public void save(DataOutput out) throws IOException {
    List<DatasetSnapshot> snapshots = list();
    out.writeInt(snapshots.size());
    for (DatasetSnapshot snapshot : snapshots) {
      writeRecord(out, Topics.DATASETS, snapshot);
    }
  }

  @Override
  public void restore(DataInput in) throws IOException {
    byId.clear();
    for (int i = in.readInt(); i > 0; i--) {
      put(readRecord(in, Topics.DATASETS));
    }
  }
}
