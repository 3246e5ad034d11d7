package io.labelstream.inference.worker;

import io.labelstream.platform.lifecycle.DaemonThreads;
import io.labelstream.inference.config.InferenceConfig;
import io.labelstream.inference.image.FrameDecoder;
import io.labelstream.inference.metrics.InferenceMetrics;
import io.labelstream.inference.model.OnnxModel;
import io.labelstream.inference.routing.AuditSampler;
import io.labelstream.inference.routing.FrameRouter;
import io.labelstream.inference.routing.RoutingPolicy;
import io.labelstream.inference.store.FrameImages;
import io.labelstream.platform.kafka.ClientMeters;
import io.labelstream.platform.kafka.KafkaClients;
import io.labelstream.platform.kafka.TopicRoutedSerializer;
import io.labelstream.platform.kafka.TransactionalWriter;
import io.labelstream.schemas.Topics;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer-group member: frames in, predictions plus a label or a review request out.
 *
 * <h2>Micro-batching, pipelined</h2>
 * Records are collected across polls into a batch of up to {@code INFERENCE_MAX_BATCH} frames or until the oldest
 * has waited {@code INFERENCE_MAX_DELAY_MS}; each record is decoded on a bounded pool as soon as it is polled. A
 * ready batch goes to the model thread, and while the model runs it the poll loop collects and decodes the next.
 * The batch the model finished is committed only after the next poll has handed its records to the decode pool, so
 * the pool has work while the transaction commits instead of running dry.
 *
 * <h2>Exactly once</h2>
 * Each batch is one Kafka transaction: the outputs of every frame in it, the dead letters of the frames that could
 * not be used, and the consumer offsets just past the batch are committed together (downstream readers use
 * read_committed), so a crash never loses or repeats a routing decision. Batches commit in the order they were
 * collected, and each covers one contiguous run of offsets per partition. Before partitions are taken away in a
 * rebalance, everything already polled is finished and committed; if they are lost instead, it is dropped
 * uncommitted and the new owner starts again from the last commit. With {@code INFERENCE_EXACTLY_ONCE=false}
 * (for comparison only) outputs are flushed first and offsets committed after: at least once.
 *
 * <h2>Frame store outages</h2>
 * A frame's image comes inline or from the frame store ({@link FrameImages}), read on the decode pool with the
 * decoding. When the store does not answer, the batch holding that frame is not run and its transaction never begins:
 * the worker rewinds to the batch's first offsets, exactly as after a failed commit, and pauses its partitions for a
 * back-off ({@link StoreBackoff}) while it goes on polling, so it stays in its group however long the outage lasts.
 * Then it reads the same records again. No frame is skipped or dead-lettered for a store that is down; a frame whose
 * object is missing or does not match its SHA-256 is dead-lettered with the reason, as a frame that cannot be
 * decoded is.
 */
public final class InferenceWorker implements Runnable, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(InferenceWorker.class);
  private static final Duration IDLE_POLL = Duration.ofMillis(100);
  private static final long BUSY_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

  private final KafkaConsumer<String, byte[]> consumer;
  /** Writes each batch as one transaction (exactly once); null when at least once. */
  private final TransactionalWriter<String, Object> transactions;
  /** Writes outputs before offsets are committed (at least once); null when exactly once. */
  private final KafkaProducer<String, Object> producer;
  private final FrameDecoder decoder;
  private final FrameImages images;
  private final StoreBackoff storeBackoff = new StoreBackoff();
  private final BatchRouter batchRouter;
  private final InferenceMetrics metrics;
  private final ExecutorService decodePool;
  private final ExecutorService modelThread;
  private final int maxBatch;
  private final long maxDelayNanos;
  private final boolean exactlyOnce;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean running = true;
  private volatile boolean assigned;
  /** False once the worker is shutting down: closing the consumer revokes partitions, with nothing left to drain. */
  private volatile boolean drainOnRevoke = true;

  /** Polled records that did not fit in the collecting batch; they open the next one. */
  private final Deque<ConsumerRecord<String, byte[]>> carry = new ArrayDeque<>();
  private FrameBatch collecting;
  private FrameBatch modelling;
  private Future<RoutedBatch> inModel;
  /** Routed by the model, waiting for its transaction: committed before any later batch (see {@link #advance}). */
  private RoutedBatch finished;

  public InferenceWorker(InferenceConfig config, OnnxModel model, InferenceMetrics metrics, Supplier<RoutingPolicy> policy,
      FrameImages images) {
    this.metrics = metrics;
    this.images = images;
    this.decoder = new FrameDecoder(model.card().input(), config.decodeBudget(),
        config.decodeTimeout());
    this.batchRouter = new BatchRouter(model, new FrameRouter(model.card(), policy, new AuditSampler(config.auditRate())), metrics);
    this.maxBatch = config.maxBatch();
    this.maxDelayNanos = config.maxDelay().toNanos();
    this.exactlyOnce = config.exactlyOnce();
    this.decodePool = Executors.newFixedThreadPool(config.decodeThreads(), DaemonThreads.named("inference-decode-" + config.instanceId()));
    this.modelThread = Executors.newSingleThreadExecutor(DaemonThreads.named("inference-model-" + config.instanceId()));
    KafkaClients clients = new KafkaClients(config.kafka(), "inference", config.instanceId());
    this.consumer = new KafkaConsumer<>(consumerConfig(config, clients), new StringDeserializer(), new ByteArrayDeserializer());
    if (exactlyOnce) {
      this.transactions = new TransactionalWriter<>(() -> newProducer(config, clients));
      this.producer = null;
    } else {
      this.transactions = null;
      this.producer = newProducer(config, clients);
    }
    this.collecting = newBatch();
  }

  private static Map<String, Object> consumerConfig(InferenceConfig config, KafkaClients clients) {
    Map<String, Object> props = clients.groupConsumer("frames", config.groupId());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // A poll never returns more than one batch, so at most one batch of records waits in the carry.
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.maxBatch());
    props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) config.sessionTimeout().toMillis());
    props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) Math.max(1_000, config.sessionTimeout().toMillis() / 5));
    if (config.staticMembership()) {
      props.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, config.instanceId());
    }
    return props;
  }

  private static KafkaProducer<String, Object> newProducer(InferenceConfig config, KafkaClients clients) {
    Map<String, Object> props = config.exactlyOnce() ? clients.transactionalProducer("outputs") : clients.producer("outputs");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    // A transaction that starts while the coordinator still completes the previous one is told to retry
    // (CONCURRENT_TRANSACTIONS); the default 100 ms back-off would then idle the worker for most of each batch.
    props.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 10);
    props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Math.max(64L * 1024 * 1024, 4L * config.kafka().frameLimits().maxRecordBytes()));
    return new KafkaProducer<>(props, new StringSerializer(), new TopicRoutedSerializer());
  }

  /** True once the worker has joined its group and owns at least one partition. */
  public boolean assigned() {
    return assigned;
  }

  public KafkaConsumer<String, byte[]> consumer() {
    return consumer;
  }

  /** The Kafka client meters of the producer in use (a transactional one is replaced after a fatal error). */
  public ClientMeters producerMeters() {
    return exactlyOnce ? transactions.meters() : ClientMeters.of(producer);
  }

  @Override
  public void run() {
    try {
      if (exactlyOnce) {
        transactions.initTransactions();
      }
      consumer.subscribe(Set.of(Topics.FRAMES.name()), new DrainBeforeRevoke());
      while (running) {
        resumeAfterStoreOutage();
        if (carry.isEmpty() && !collecting.full()) {
          for (ConsumerRecord<String, byte[]> record : consumer.poll(pollTimeout())) {
            carry.add(record);
          }
          assigned = !consumer.assignment().isEmpty();
          recordLag();
        }
        fillFromCarry();
        advance(false);
      }
      drain();
    } catch (ProducerFencedException | AuthorizationException e) {
      LOG.error("inference worker cannot go on: {}", e.toString(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.error("inference worker stopped on an unexpected error", e);
    } finally {
      // After a failure, whatever was polled and not committed is simply left: the group's next owner of those
      // partitions starts again from the last commit.
      drainOnRevoke = false;
      try {
        decodePool.shutdownNow();
        modelThread.shutdownNow();
        consumer.close();
        if (exactlyOnce) {
          transactions.close(Duration.ofSeconds(5));
        } else {
          producer.close(Duration.ofSeconds(5));
        }
      } finally {
        // Whatever closing threw (a producer closed while its thread is interrupted throws), close() must not wait
        // for ever: services stopped while the worker was still starting hung here (an evaluation whose start failed).
        stopped.countDown();
      }
    }
  }

  private Duration pollTimeout() {
    long now = System.nanoTime();
    long due = collecting.nanosUntilDue(now);
    long timeout = due < 0 ? IDLE_POLL.toNanos() : due;
    if (inModel != null) {
      timeout = Math.min(timeout, BUSY_POLL_NANOS);
    }
    return Duration.ofNanos(timeout);
  }

  private void fillFromCarry() {
    while (!carry.isEmpty() && !collecting.full()) {
      ConsumerRecord<String, byte[]> record = carry.poll();
      collecting.add(record, decodePool.submit(() -> DecodedFrame.decode(record, images, decoder)));
    }
  }

  /**
   * Moves the pipeline on: commits the batch left {@link #finished} by the previous call, ships the collecting batch
   * to the model when it is ready (or, when {@code force}, as soon as it holds anything) and takes the batch the
   * model finished. Shipping comes before committing, so the model is busy with the next batch while the previous one
   * commits; and a batch finished while shipping is committed on the next call, after the poll loop has polled and
   * queued the following records for decoding (when {@code force}, at once). Batches still commit in order: the one
   * left finished is always committed before the model's next one is taken.
   */
  private void advance(boolean force) throws InterruptedException {
    commitFinished();
    boolean ship = force ? !collecting.isEmpty() : collecting.ready(System.nanoTime());
    if (ship) {
      finished = inModel == null ? null : await(inModel);
      FrameBatch toModel = collecting;
      modelling = toModel;
      inModel = modelThread.submit(() -> batchRouter.route(toModel));
      collecting = newBatch();
      if (force) {
        commitFinished();
      }
    } else if (inModel != null && (force || inModel.isDone())) {
      RoutedBatch done = await(inModel);
      inModel = null;
      modelling = null;
      commit(done);
    }
  }

  private void commitFinished() throws InterruptedException {
    if (finished != null) {
      RoutedBatch done = finished;
      finished = null;
      commit(done);
    }
  }

  /** Finishes and commits everything already polled. */
  private void drain() throws InterruptedException {
    int polled = carry.size() + collecting.size() + (modelling == null ? 0 : modelling.size())
        + (finished == null ? 0 : finished.batch().size());
    LOG.info("stopping: finishing the {} frames already polled before leaving the consumer group", polled);
    fillFromCarry();
    while (!collecting.isEmpty() || inModel != null || !carry.isEmpty() || finished != null) {
      advance(true);
      fillFromCarry();
    }
    if (storeBackoff.paused()) {
      LOG.info("stopping: the frames waiting for the frame store are left uncommitted, for the next owner to read again");
    } else {
      LOG.info("stopping: every polled frame is routed and committed");
    }
  }

  private static RoutedBatch await(Future<RoutedBatch> future) throws InterruptedException {
    try {
      return future.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("routing a batch failed", e.getCause());
    }
  }

  private void commit(RoutedBatch routed) throws InterruptedException {
    if (routed.storeOutage() != null) {
      waitForStore(routed);
      return;
    }
    long start = System.nanoTime();
    try {
      if (exactlyOnce) {
        transactions.commit(routed.records(), routed.batch().offsetsToCommit(), consumer.groupMetadata());
      } else {
        for (ProducerRecord<String, Object> out : routed.records()) {
          producer.send(out);
        }
        producer.flush();
        consumer.commitSync(routed.batch().offsetsToCommit());
      }
      metrics.committed(routed.ingestedAt(), System.nanoTime() - start);
      if (storeBackoff.succeeded()) {
        LOG.info("the frame store answers again: consumption goes on");
      }
    } catch (ProducerFencedException | AuthorizationException e) {
      // Not the producer's fault but this worker's: another worker took its transactional id (this one is a
      // zombie), or it may not write at all. A new producer would not help; the worker stops.
      throw e;
    } catch (KafkaException e) {
      // Nothing of this batch is visible downstream (the writer aborted the transaction, or replaced a producer
      // that could not go on); rewind so its frames, and everything polled after them, are processed again.
      LOG.warn("committing a batch of {} failed, it will be retried: {}", routed.batch().size(), e.toString());
      rewindTo(routed.batch());
    }
  }

  /**
   * The batch needs an image the frame store could not give because it is down: nothing of it is written, and it is
   * read again, with everything polled after it, once the back-off is over. The partitions stay paused meanwhile;
   * the poll loop keeps polling them, so the worker keeps its place in the group.
   */
  private void waitForStore(RoutedBatch routed) throws InterruptedException {
    rewindTo(routed.batch());
    java.time.Duration wait = storeBackoff.pause(System.nanoTime());
    consumer.pause(consumer.assignment());
    metrics.storePaused();
    LOG.warn("{}; consumption paused: the batch of {} frames is read again in {} ms (nothing skipped, nothing "
        + "dead-lettered)", routed.storeOutage(), routed.batch().size(), wait.toMillis());
  }

  private void resumeAfterStoreOutage() {
    if (storeBackoff.due(System.nanoTime())) {
      storeBackoff.resumed();
      consumer.resume(consumer.paused());
    }
  }

  /** Drops everything polled from {@code failed} on and seeks back to where {@code failed} began. */
  private void rewindTo(FrameBatch failed) throws InterruptedException {
    Map<TopicPartition, Long> seekTo = new HashMap<>(failed.firstOffsets());
    if (inModel != null) {
      await(inModel);
      inModel = null;
      modelling.firstOffsets().forEach(seekTo::putIfAbsent);
      modelling = null;
    }
    collecting.firstOffsets().forEach(seekTo::putIfAbsent);
    collecting.discard();
    collecting = newBatch();
    for (ConsumerRecord<String, byte[]> record : carry) {
      seekTo.putIfAbsent(new TopicPartition(record.topic(), record.partition()), record.offset());
    }
    carry.clear();
    Set<TopicPartition> owned = consumer.assignment();
    seekTo.forEach((partition, offset) -> {
      if (owned.contains(partition)) {
        consumer.seek(partition, offset);
      }
    });
  }

  /** Forgets everything polled and not committed: those partitions now belong to another worker. */
  private void dropUncommitted() throws InterruptedException {
    finished = null;
    if (inModel != null) {
      await(inModel);
      inModel = null;
      modelling = null;
    }
    collecting.discard();
    collecting = newBatch();
    carry.clear();
  }

  private FrameBatch newBatch() {
    return new FrameBatch(maxBatch, maxDelayNanos);
  }

  private void recordLag() {
    for (TopicPartition partition : consumer.assignment()) {
      consumer.currentLag(partition).ifPresent(lag -> metrics.lag(partition.partition(), lag));
    }
  }

  /** Commits what was polled before partitions move to another worker, so it neither loses nor repeats it. */
  private final class DrainBeforeRevoke implements ConsumerRebalanceListener {

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      if (partitions.isEmpty() || !drainOnRevoke) {
        return;
      }
      try {
        drain();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      partitions.forEach(p -> metrics.lagGone(p.partition()));
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      // Consumption resumes from the group's committed offsets, unless the worker is waiting out a store outage.
      if (storeBackoff.paused()) {
        consumer.pause(partitions);
      }
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      // Another worker may already own them: committing now would be fenced, so drop and let it redo the work.
      try {
        dropUncommitted();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      partitions.forEach(p -> metrics.lagGone(p.partition()));
    }
  }

  @Override
  public void close() {
    running = false;
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
