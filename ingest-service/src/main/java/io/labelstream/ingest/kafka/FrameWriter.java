package io.labelstream.ingest.kafka;

import io.labelstream.ingest.config.IngestConfig;
import io.labelstream.platform.kafka.KafkaClients;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.Frame;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Writes accepted frames to {@code frames.v1} with acks=all and an idempotent producer.
 *
 * <p>Back-pressure is a fixed budget of bytes waiting for Kafka: a write that does not fit is refused at once
 * ({@link #tryReserve} returns false) so the caller answers 503 instead of queueing without bound.
 */
public final class FrameWriter implements AutoCloseable {

  private final KafkaProducer<String, Frame> producer;
  private final Semaphore inFlightBytes;
  private final int budget;

  public FrameWriter(IngestConfig config, KafkaClients clients) {
    Map<String, Object> props = KafkaClients.withSendTimeout(clients.producer("frames"), config.produceTimeout());
    props.put(ProducerConfig.LINGER_MS_CONFIG, 2);
    props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, config.maxInFlightBytes() + config.kafka().frameLimits().maxRecordBytes());
    this.producer = new KafkaProducer<>(props, Topics.FRAMES.keySerde().serializer(), Topics.FRAMES.valueSerde().serializer());
    this.budget = (int) Math.min(Integer.MAX_VALUE, config.maxInFlightBytes());
    this.inFlightBytes = new Semaphore(budget);
  }

  /** The share of the in-flight budget one frame takes until Kafka acknowledges it. */
  public int cost(Frame frame) {
    return Math.min(budget, frame.getImage().remaining() + 512);
  }

  /**
   * Reserves budget for several frames at once, so a batch is either written whole or refused before anything is
   * sent. Each reserved frame is then written with {@link #writeReserved}, or its cost handed back with
   * {@link #release}.
   */
  public boolean tryReserve(long bytes) {
    return bytes <= budget && inFlightBytes.tryAcquire((int) bytes);
  }

  public void release(int bytes) {
    inFlightBytes.release(bytes);
  }

  /** Writes a frame whose {@link #cost} is already reserved; the reservation ends when Kafka answers. */
  public CompletableFuture<RecordMetadata> writeReserved(Frame frame, int cost) {
    return send(frame, cost);
  }

  /**
   * Writes a frame whose budget its caller accounts for (a frame that went to the store first holds its share from
   * before the store's put until Kafka answers).
   */
  public CompletableFuture<RecordMetadata> send(Frame frame) {
    return send(frame, 0);
  }

  /** @param release budget handed back as soon as Kafka answers, before anyone waiting hears of it */
  private CompletableFuture<RecordMetadata> send(Frame frame, int release) {
    CompletableFuture<RecordMetadata> acked = new CompletableFuture<>();
    try {
      producer.send(new ProducerRecord<>(Topics.FRAMES.name(), frame.getFrameId(), frame), (metadata, error) -> {
        inFlightBytes.release(release);
        // This runs on the producer's only I/O thread: whoever waits on the future must move off it
        // (Acknowledgements answers on its own threads).
        if (error != null) {
          acked.completeExceptionally(error);
        } else {
          acked.complete(metadata);
        }
      });
    } catch (RuntimeException e) {
      // send() itself failed (metadata timeout, record too large): the callback will not run.
      inFlightBytes.release(release);
      acked.completeExceptionally(e);
    }
    return acked;
  }

  /** Exposed so the service's metrics can bind the producer's own meters. */
  public KafkaProducer<String, Frame> producer() {
    return producer;
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(10));
  }
}
