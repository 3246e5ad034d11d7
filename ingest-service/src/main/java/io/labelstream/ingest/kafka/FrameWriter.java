package io.labelstream.ingest.kafka;

import io.labelstream.ingest.config.IngestConfig;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.Frame;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Writes accepted frames to {@code frames.v1} with acks=all and an idempotent producer.
 *
 * <p>Back-pressure is a fixed budget of bytes waiting for Kafka: a write that does not fit is refused at once
 * ({@link #tryWrite} returns null) so the caller answers 503 instead of queueing without bound.
 */
public final class FrameWriter implements AutoCloseable {

  /** Threads that complete acknowledgements (and so write the HTTP answers); measured: 4 beat 2 under wrk. */
  private static final int ACK_THREADS = 4;

  private final KafkaProducer<String, Frame> producer;
  private final Semaphore inFlightBytes;
  private final int budget;
  private final ExecutorService acks;

  public FrameWriter(IngestConfig config) {
    Map<String, Object> props = new HashMap<>(config.kafka().clientConfig());
    int timeoutMs = (int) config.produceTimeout().toMillis();
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 2);
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, config.kafka().frameLimits().maxRecordBytes());
    props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, config.maxInFlightBytes() + config.kafka().frameLimits().maxRecordBytes());
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeoutMs);
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.max(500, timeoutMs - 100));
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, timeoutMs);
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "labelstream-ingest");
    this.producer = new KafkaProducer<>(props, Topics.FRAMES.keySerde().serializer(), Topics.FRAMES.valueSerde().serializer());
    this.budget = (int) Math.min(Integer.MAX_VALUE, config.maxInFlightBytes());
    this.inFlightBytes = new Semaphore(budget);
    this.acks = Executors.newFixedThreadPool(ACK_THREADS, daemonThreads("ingest-acks-"));
  }

  /**
   * Starts writing a frame; the future completes when Kafka acknowledged it (or failed for good).
   *
   * @return null when the in-flight budget is spent and the caller should answer 503
   */
  public CompletableFuture<RecordMetadata> tryWrite(Frame frame, Duration waitForBudget) throws InterruptedException {
    int cost = cost(frame);
    if (!inFlightBytes.tryAcquire(cost, waitForBudget.toMillis(), TimeUnit.MILLISECONDS)) {
      return null;
    }
    return writeReserved(frame, cost);
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
    CompletableFuture<RecordMetadata> acked = new CompletableFuture<>();
    try {
      producer.send(new ProducerRecord<>(Topics.FRAMES.name(), frame.getFrameId(), frame), (metadata, error) -> {
        inFlightBytes.release(cost);
        // Completing here would run the HTTP answer on the producer's single I/O thread, which also sends every
        // record: under load that one thread became the limit. The answers are written by the ack threads instead.
        acks.execute(() -> {
          if (error != null) {
            acked.completeExceptionally(error);
          } else {
            acked.complete(metadata);
          }
        });
      });
    } catch (RuntimeException e) {
      // send() itself failed (metadata timeout, record too large): the callback will not run.
      inFlightBytes.release(cost);
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
    // Closing the producer ran the last callbacks; let their answers go out.
    acks.shutdown();
    try {
      acks.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, prefix + n.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
