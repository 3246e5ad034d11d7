package io.labelstream.review.dataset;

import io.labelstream.platform.kafka.KafkaClients;
import io.labelstream.platform.kafka.KafkaSettings;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.DatasetSnapshot;
import io.labelstream.schemas.avro.Label;
import java.io.IOException;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads a snapshot's labels back from datasets.labels.v1, in snapshot order, one at a time. The labels were
 * copied there once, when the snapshot was made, and are never rewritten: every read gives the same labels in the
 * same order, which is what makes exports byte-for-byte repeatable.
 */
final class SnapshotReader {

  @FunctionalInterface
  interface LabelVisitor {
    /** @param ordinal the label's position in the snapshot, from 0 */
    void accept(int ordinal, Label label) throws IOException;
  }

  private static final int FETCH_BYTES = 4 * 1024 * 1024;

  private final KafkaClients clients;

  SnapshotReader(KafkaSettings kafka, String instanceId) {
    this.clients = new KafkaClients(kafka, "review", instanceId);
  }

  /** Opens the consumer first, so a broker that cannot be reached fails the request before any byte is sent. */
  Session open() {
    return new Session(PartitionReads.consumer(clients, "dataset-export", FETCH_BYTES));
  }

  /** One export's reads; each {@link #forEach} is a full pass over the snapshot. */
  static final class Session implements AutoCloseable {

    private final KafkaConsumer<String, byte[]> consumer;

    private Session(KafkaConsumer<String, byte[]> consumer) {
      this.consumer = consumer;
    }

    /** Visits every label of the snapshot in order; fails if the content is not all there. */
    void forEach(DatasetSnapshot snapshot, LabelVisitor visitor) throws IOException {
      String prefix = snapshot.getDatasetId() + "/";
      int[] seen = {0};
      if (snapshot.getTotal() > 0) {
        TopicPartition partition = new TopicPartition(Topics.DATASET_LABELS.name(), snapshot.getContentPartition());
        PartitionReads.read(consumer, partition, snapshot.getContentStartOffset(), snapshot.getContentEndOffset(), record -> {
          // Another instance's snapshot may have been written into the same range; its keys have another prefix.
          if (record.key() == null || !record.key().startsWith(prefix) || record.value() == null) {
            return;
          }
          Label label = Topics.DATASET_LABELS.valueSerde().deserializer().deserialize(record.topic(), record.value());
          visitor.accept(seen[0]++, label);
        });
      }
      if (seen[0] != snapshot.getTotal()) {
        throw new IllegalStateException("snapshot " + snapshot.getDatasetId() + " should hold " + snapshot.getTotal()
            + " labels but datasets.labels.v1 gave " + seen[0]);
      }
    }

    @Override
    public void close() {
      consumer.close();
    }
  }
}
