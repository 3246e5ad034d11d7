package io.labelstream.review.dataset;

import io.labelstream.platform.kafka.KafkaClients;
import io.labelstream.platform.kafka.KafkaSettings;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.Frame;
import java.io.IOException;
import java.util.List;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads frames.v1 partition by partition, in offset order, to find the images of a snapshot's frames. Only the
 * frames a caller asks for are decoded; the others cost their bytes on the wire and a hash lookup.
 */
final class FrameScanner {

  private static final Logger LOG = LoggerFactory.getLogger(FrameScanner.class);

  /** Decides from the key alone whether the frame is wanted. */
  interface FrameVisitor {
    boolean wants(String frameId);

    void accept(String frameId, Frame frame) throws IOException;
  }

  private final KafkaClients clients;

  FrameScanner(KafkaSettings kafka, String instanceId) {
    this.clients = new KafkaClients(kafka, "review", instanceId);
  }

  /** Opens the consumer first, so a broker that cannot be reached fails the request before any byte is sent. */
  KafkaConsumer<String, byte[]> open() {
    // One frame may be as large as ingest allows; a fetch never needs to hold more than one of them.
    return PartitionReads.consumer(clients, "dataset-frames", clients.settings().frameLimits().maxRecordBytes());
  }

  /** Visits every frame frames.v1 holds now, partition by partition; a frame that cannot be decoded is skipped. */
  void forEach(KafkaConsumer<String, byte[]> consumer, FrameVisitor visitor) throws IOException {
    for (TopicPartition partition : PartitionReads.partitions(consumer, Topics.FRAMES.name())) {
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long from = consumer.position(partition);
      long end = PartitionReads.endOffset(consumer, partition);
      PartitionReads.read(consumer, partition, from, end, record -> {
        if (record.key() == null || record.value() == null || !visitor.wants(record.key())) {
          return;
        }
        Frame frame;
        try {
          frame = Topics.FRAMES.valueSerde().deserializer().deserialize(record.topic(), record.value());
        } catch (RuntimeException unreadable) {
          // The inference stage dead-letters such a record; here it only means this frame's image is missing.
          LOG.warn("frame {} at {}@{} cannot be decoded, so the export lists it as missing: {}", record.key(),
              partition, record.offset(), unreadable.getMessage());
          return;
        }
        visitor.accept(record.key(), frame);
      });
    }
  }
}
