package io.labelstream.review.queue;

import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.FrameRecord;
import io.labelstream.schemas.avro.ReviewRequest;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Where an open task's image is. A review request points at its frame's record in frames.v1 (or, written before v3,
 * carries the image itself), and anyone who can reach ingest can make review requests, so the queue keeps only where
 * the image is in Kafka and the page's request reads it back from there: open tasks cost the heap a few hundred bytes
 * each whatever their images weigh.
 */
public sealed interface TaskImage {

  /** Image bytes the task keeps in memory. */
  int heldBytes();

  /** The record in {@code topic} (a review request or a frame) that carries the image. */
  record InKafka(String topic, int partition, long offset) implements TaskImage {
    @Override
    public int heldBytes() {
      return 0;
    }
  }

  /**
   * An image kept in memory: only for gold tasks, whose images admins loaded and {@link GoldTasks} keeps anyway (one
   * copy per gold frame, not per task).
   */
  record Held(byte[] bytes) implements TaskImage {
    @Override
    public int heldBytes() {
      return bytes.length;
    }
  }

  /** The image carried by the record read. */
  public static TaskImage in(ConsumerRecord<?, ?> record) {
    return new InKafka(record.topic(), record.partition(), record.offset());
  }

  /** The image of {@code request}, read from {@code record}: in the frame's record when it says where that is. */
  public static TaskImage of(ConsumerRecord<?, ?> record, ReviewRequest request) {
    FrameRecord frame = request.getFrameRecord();
    return frame == null ? in(record) : new InKafka(Topics.FRAMES.name(), frame.getPartition(), frame.getOffset());
  }
}
