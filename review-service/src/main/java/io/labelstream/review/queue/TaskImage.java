package io.labelstream.review.queue;

import io.labelstream.review.images.StoredImage;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.FrameRecord;
import io.labelstream.schemas.avro.ReviewRequest;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Where an open task's image is. A review request names its image in the frame store (v4), points at its frame's
 * record in frames.v1 (v3) or carries the image itself (before v3), and anyone who can reach ingest can make review
 * requests, so the queue keeps only where the image is and the page's request reads it back from there: open tasks
 * cost the heap a few hundred bytes each whatever their images weigh.
 */
public sealed interface TaskImage {

  /** Image bytes the task keeps in memory. */
  int heldBytes();

  /** The image's frame store reference, if the task has one: HUMAN labels and flags carry it on. */
  default StoredImage stored() {
    return null;
  }

  /**
   * An image in the frame store. {@code fallback} is where Kafka has it too (or null): used only when this service runs
   * without a store, as before there was one.
   */
  record Stored(StoredImage image, TaskImage fallback) implements TaskImage {
    @Override
    public int heldBytes() {
      return 0;
    }

    @Override
    public StoredImage stored() {
      return image;
    }
  }

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

  /**
   * The image of {@code request}, read from {@code record}: in the frame store when the request names it there, else
   * in the frame's record when it says where that is, else in the request.
   */
  public static TaskImage of(ConsumerRecord<?, ?> record, ReviewRequest request) {
    FrameRecord frame = request.getFrameRecord();
    TaskImage inKafka = frame == null ? in(record)
        : new InKafka(Topics.FRAMES.name(), frame.getPartition(), frame.getOffset());
    return request.getImageRef() == null ? inKafka : new Stored(StoredImage.of(request.getImageRef()), inKafka);
  }
}
