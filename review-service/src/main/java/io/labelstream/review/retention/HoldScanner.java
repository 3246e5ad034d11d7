package io.labelstream.review.retention;

import io.labelstream.platform.kafka.KafkaClients;
import io.labelstream.platform.kafka.KafkaSettings;
import io.labelstream.review.dataset.PartitionReads;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.DatasetSnapshot;
import io.labelstream.schemas.avro.Frame;
import io.labelstream.schemas.avro.GoldFrame;
import io.labelstream.schemas.avro.ImageRef;
import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.ReviewRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads from Kafka which stored images are still needed ({@link ImageHolds}): every topic whose records carry an
 * {@link ImageRef}, from its beginning to its end, committed records only. A record that cannot be decoded fails the
 * scan (and so the collection): deleting an image because its holder was unreadable would lose it.
 *
 * <ul>
 *   <li>frames.v1 and review.requests.v1: every record still in the topic holds its image (a frame the worker has
 *       not reached yet, a task still open);
 *   <li>review.gold.v1 (compacted by gold id): the gold frames that exist, tombstones removing them;
 *   <li>datasets.v1 and datasets.labels.v1: the labels of every snapshot not deleted hold their images for as long
 *       as the snapshot exists;
 *   <li>labels.v1: every label holds its image until its time plus the retention.
 * </ul>
 */
final class HoldScanner {

  private final KafkaClients clients;

  HoldScanner(KafkaSettings kafka, String instanceId) {
    this.clients = new KafkaClients(kafka, "review", instanceId);
  }

  ImageHolds scan(Instant now, Duration retention) {
    ImageHolds holds = new ImageHolds();
    try (KafkaConsumer<String, byte[]> consumer = PartitionReads.consumer(clients, "frame-store-collector",
        clients.settings().frameLimits().maxRecordBytes())) {
      readAll(consumer, Topics.FRAMES.name(), record -> holds.hold(
          Topics.FRAMES.valueSerde().deserializer().deserialize(record.topic(), record.value()).getImageRef(),
          Instant.MAX, "frame " + record.key() + " in frames.v1"));
      readAll(consumer, Topics.REVIEW_REQUESTS.name(), record -> holds.hold(
          Topics.REVIEW_REQUESTS.valueSerde().deserializer().deserialize(record.topic(), record.value())
              .getImageRef(), Instant.MAX, "review request for " + record.key()));
      Map<String, ImageRef> gold = new HashMap<>();
      readAll(consumer, Topics.REVIEW_GOLD.name(), record -> {
        GoldFrame frame = record.value() == null ? null
            : Topics.REVIEW_GOLD.valueSerde().deserializer().deserialize(record.topic(), record.value());
        gold.put(record.key(), frame == null ? null : frame.getImageRef());
      });
      gold.forEach((id, ref) -> holds.hold(ref, Instant.MAX, "gold frame " + id));
      Map<String, DatasetSnapshot> snapshots = new HashMap<>();
      readAll(consumer, Topics.DATASETS.name(), record -> snapshots.put(record.key(), record.value() == null ? null
          : Topics.DATASETS.valueSerde().deserializer().deserialize(record.topic(), record.value())));
      readAll(consumer, Topics.DATASET_LABELS.name(), record -> {
        String datasetId = datasetOf(record.key());
        if (datasetId != null && snapshots.get(datasetId) != null) {
          Label label = Topics.DATASET_LABELS.valueSerde().deserializer().deserialize(record.topic(), record.value());
          holds.hold(label.getImageRef(), Instant.MAX, "dataset " + datasetId);
        }
      });
      readAll(consumer, Topics.LABELS.name(), record -> {
        Label label = Topics.LABELS.valueSerde().deserializer().deserialize(record.topic(), record.value());
        holds.hold(label.getImageRef(), label.getLabelledAt().plus(retention), "label of " + record.key());
      });
    }
    return holds;
  }

  /** Content records are keyed {@code <datasetId>/<frameId>}. */
  private static String datasetOf(String key) {
    int slash = key == null ? -1 : key.indexOf('/');
    return slash < 0 ? null : key.substring(0, slash);
  }

  /**
   * Every committed record of every partition of {@code topic}, to the end of the log; tombstones only for the
   * compacted topics whose visitors need them (a deleted gold frame or snapshot).
   */
  private static void readAll(KafkaConsumer<String, byte[]> consumer, String topic, Visitor visitor) {
    boolean tombstones = topic.equals(Topics.REVIEW_GOLD.name()) || topic.equals(Topics.DATASETS.name());
    for (TopicPartition partition : PartitionReads.partitions(consumer, topic)) {
      try {
        PartitionReads.readToEnd(consumer, partition, record -> {
          if (record.value() != null || tombstones) {
            visitor.accept(record);
          }
        });
      } catch (IOException e) {
        throw new UncheckedIOException(e); // the visitors write nothing: never thrown
      }
    }
  }

  private interface Visitor {
    void accept(ConsumerRecord<String, byte[]> record);
  }
}
