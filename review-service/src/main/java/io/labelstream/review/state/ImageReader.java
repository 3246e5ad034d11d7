package io.labelstream.review.state;

import io.labelstream.platform.kafka.AvroBytes;
import io.labelstream.platform.kafka.KafkaClients;
import io.labelstream.platform.kafka.KafkaSettings;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.Frame;
import io.labelstream.schemas.avro.ImageRef;
import io.labelstream.schemas.avro.ReviewRequest;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads an open task's image back from the record that carries it (a review request, or a frame in
 * {@code frames.v1}) when the page asks for it, so the queue never keeps image bytes.
 *
 * <p>One consumer, reused, and one read at a time: a page shows one image per task (and the browser keeps it), so
 * reads are few; serialising them also bounds the memory they take to one record whatever the number of callers. A
 * caller that cannot have the reader within {@link #WAIT} is told Kafka is unavailable rather than queued for longer.
 */
public final class ImageReader implements AutoCloseable {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private final KafkaConsumer<String, byte[]> consumer;
  private final ReentrantLock lock = new ReentrantLock();

  public ImageReader(KafkaSettings kafka, String instanceId) {
    var props = new KafkaClients(kafka, "review", instanceId).consumer("images");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
    this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
  }

  /**
   * The image of {@code frameId} carried by the record at {@code topic}/{@code partition}/{@code offset}; empty when
   * the record is gone (retention) or is not about that frame (its key).
   *
   * @throws org.apache.kafka.common.KafkaException when Kafka does not answer in time (the caller's 503)
   */
  /**
   * An image as a Kafka record carries it: its bytes, and the frame store reference a frame written by ingest with a
   * store has (its bytes then empty unless it was small enough to travel inline too).
   */
  public record Carried(byte[] bytes, ImageRef ref) {
    /** True when the record carries no bytes, only the reference. */
    public boolean byReferenceOnly() {
      return bytes.length == 0 && ref != null;
    }
  }

  public Optional<Carried> read(String topic, int partition, long offset, String frameId) {
    try {
      if (!lock.tryLock(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new TimeoutException("the image reader was busy for " + WAIT.toSeconds() + " s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptException(e);
    }
    try {
      return readLocked(topic, partition, offset, frameId);
    } finally {
      lock.unlock();
    }
  }

  private Optional<Carried> readLocked(String topic, int partition, long offset, String frameId) {
    TopicPartition tp = new TopicPartition(topic, partition);
    consumer.assign(List.of(tp));
    consumer.seek(tp, offset);
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
        if (record.offset() != offset || record.value() == null || !frameId.equals(record.key())) {
          return Optional.empty(); // compacted or deleted, or not about this frame: its record is no longer there
        }
        return imageOf(topic, record.value());
      }
      if (consumer.position(tp) > offset) {
        return Optional.empty();
      }
    }
    throw new TimeoutException("no answer from Kafka within " + WAIT.toSeconds() + " s reading " + tp + "@" + offset);
  }

  /**
   * Both topics are keyed by frame id, which the caller checked. A review request that points at its frame carries no
   * image: the queue reads such a task's image from frames.v1, never from the request.
   */
  private static Optional<Carried> imageOf(String topic, byte[] value) {
    if (topic.equals(Topics.FRAMES.name())) {
      Frame frame = Topics.FRAMES.valueSerde().deserializer().deserialize(topic, value);
      return Optional.of(new Carried(AvroBytes.copy(frame.getImage()), frame.getImageRef()));
    }
    if (topic.equals(Topics.REVIEW_REQUESTS.name())) {
      ReviewRequest request = Topics.REVIEW_REQUESTS.valueSerde().deserializer().deserialize(topic, value);
      return Optional.ofNullable(request.getImage()).map(AvroBytes::copy)
          .map(bytes -> new Carried(bytes, request.getImageRef()))
          .or(() -> Optional.ofNullable(request.getImageRef()).map(ref -> new Carried(new byte[0], ref)));
    }
    throw new IllegalArgumentException("no images in " + topic);
  }

  @Override
  public void close() {
    lock.lock();
    try {
      consumer.close();
    } finally {
      lock.unlock();
    }
  }
}
