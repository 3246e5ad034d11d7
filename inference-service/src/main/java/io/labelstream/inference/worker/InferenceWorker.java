package io.labelstream.inference.worker;

import io.labelstream.inference.config.InferenceConfig;
import io.labelstream.inference.image.FrameDecoder;
import io.labelstream.inference.metrics.InferenceMetrics;
import io.labelstream.inference.model.ModelOutput;
import io.labelstream.inference.model.OnnxModel;
import io.labelstream.inference.routing.AuditSampler;
import io.labelstream.inference.routing.FrameRouter;
import io.labelstream.inference.routing.RoutingPolicy;
import io.labelstream.platform.kafka.AvroBytes;
import io.labelstream.platform.kafka.DeadLetters;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.Frame;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer-group member: frames in, predictions plus a label or a review request out.
 *
 * <p>Each poll is one Kafka transaction: the outputs of every frame in it, the dead letters of the frames that
 * could not be processed, and the consumer offsets are committed together, so a crash never loses or repeats a
 * routing decision (downstream readers use read_committed). The model runs once per poll on all decodable frames.
 */
public final class InferenceWorker implements Runnable, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(InferenceWorker.class);
  private static final String STAGE = "inference";

  private final KafkaConsumer<String, byte[]> consumer;
  private final KafkaProducer<String, Object> producer;
  private final OnnxModel model;
  private final FrameDecoder decoder;
  private final FrameRouter router;
  private final InferenceMetrics metrics;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean running = true;
  private volatile boolean assigned;

  public InferenceWorker(InferenceConfig config, OnnxModel model, InferenceMetrics metrics, Supplier<RoutingPolicy> policy) {
    this.model = model;
    this.metrics = metrics;
    this.decoder = new FrameDecoder(model.card().width(), model.card().height());
    this.router = new FrameRouter(model.card(), policy, new AuditSampler(config.auditRate()));
    this.consumer = new KafkaConsumer<>(consumerConfig(config), new StringDeserializer(), new ByteArrayDeserializer());
    this.producer = new KafkaProducer<>(producerConfig(config));
  }

  private static Map<String, Object> consumerConfig(InferenceConfig config) {
    Map<String, Object> props = new HashMap<>(config.kafka().clientConfig());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "labelstream-inference-" + config.instanceId() + "-consumer");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.maxBatch());
    props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) config.sessionTimeout().toMillis());
    props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) Math.max(1_000, config.sessionTimeout().toMillis() / 5));
    if (config.staticMembership()) {
      props.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, config.instanceId());
    }
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, config.kafka().frameLimits().fetchBytes());
    props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, config.kafka().frameLimits().fetchBytes());
    return props;
  }

  private static Map<String, Object> producerConfig(InferenceConfig config) {
    Map<String, Object> props = new HashMap<>(config.kafka().clientConfig());
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "labelstream-inference-" + config.instanceId());
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "labelstream-inference-" + config.instanceId() + "-producer");
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, config.kafka().frameLimits().maxRecordBytes());
    props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Math.max(64L * 1024 * 1024, 4L * config.kafka().frameLimits().maxRecordBytes()));
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, org.apache.kafka.common.serialization.StringSerializer.class);
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, io.labelstream.platform.kafka.TopicRoutedSerializer.class);
    return props;
  }

  /** True once the worker has joined its group and owns at least the right to poll. */
  public boolean assigned() {
    return assigned;
  }

  public KafkaConsumer<String, byte[]> consumer() {
    return consumer;
  }

  public KafkaProducer<String, Object> producer() {
    return producer;
  }

  @Override
  public void run() {
    try {
      producer.initTransactions();
      consumer.subscribe(Set.of(Topics.FRAMES.name()));
      while (running) {
        ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(200));
        assigned = !consumer.assignment().isEmpty();
        if (!records.isEmpty()) {
          processInTransaction(records);
        }
      }
    } catch (WakeupException e) {
      if (running) {
        throw e;
      }
    } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException e) {
      LOG.error("inference worker cannot go on: {}", e.toString(), e);
    } catch (RuntimeException e) {
      LOG.error("inference worker stopped on an unexpected error", e);
    } finally {
      consumer.close();
      producer.close(Duration.ofSeconds(5));
      stopped.countDown();
    }
  }

  private void processInTransaction(ConsumerRecords<String, byte[]> records) {
    producer.beginTransaction();
    try {
      for (ProducerRecord<String, Object> out : process(records)) {
        producer.send(out);
      }
      producer.sendOffsetsToTransaction(nextOffsets(records), consumer.groupMetadata());
      producer.commitTransaction();
    } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException e) {
      throw e;
    } catch (KafkaException e) {
      // Nothing of this poll is visible downstream; rewind so the same frames are processed again.
      LOG.warn("transaction aborted, the batch will be retried: {}", e.toString());
      producer.abortTransaction();
      rewind(records);
    }
  }

  /** The records one poll produces, dead letters included. Package-private for tests. */
  List<ProducerRecord<String, Object>> process(ConsumerRecords<String, byte[]> records) {
    List<ProducerRecord<String, Object>> out = new ArrayList<>();
    List<Frame> frames = new ArrayList<>();
    List<float[]> pixels = new ArrayList<>();
    List<ConsumerRecord<String, byte[]>> sources = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> record : records) {
      try {
        Frame frame = Topics.FRAMES.valueSerde().deserializer().deserialize(record.topic(), record.value());
        if (frame == null) {
          throw new IllegalArgumentException("the record has no value");
        }
        pixels.add(decoder.decode(AvroBytes.copy(frame.getImage())));
        frames.add(frame);
        sources.add(record);
      } catch (Exception e) {
        out.add(deadLetter(record, "cannot decode frame: " + e.getMessage(), e));
      }
    }
    if (frames.isEmpty()) {
      return out;
    }
    ModelOutput[] outputs = runModel(frames, pixels, sources, out);
    Instant now = Instant.now();
    for (int i = 0; i < frames.size(); i++) {
      if (outputs[i] == null) {
        continue;
      }
      FrameRouter.Routed routed = router.route(frames.get(i), outputs[i], now);
      String key = frames.get(i).getFrameId();
      out.add(new ProducerRecord<>(Topics.PREDICTIONS.name(), key, routed.prediction()));
      if (routed.label() != null) {
        out.add(new ProducerRecord<>(Topics.LABELS.name(), key, routed.label()));
        metrics.modelLabelled();
      }
      if (routed.reviewRequest() != null) {
        out.add(new ProducerRecord<>(Topics.REVIEW_REQUESTS.name(), key, routed.reviewRequest()));
        if (routed.label() != null) {
          metrics.audited();
        } else {
          metrics.sentToReview();
        }
      }
    }
    return out;
  }

  /** Runs the batch; if the batch fails, runs its frames one by one so one bad frame cannot block the rest. */
  private ModelOutput[] runModel(List<Frame> frames, List<float[]> pixels, List<ConsumerRecord<String, byte[]>> sources,
      List<ProducerRecord<String, Object>> out) {
    long start = System.nanoTime();
    try {
      ModelOutput[] outputs = model.run(pixels);
      metrics.batch(frames.size(), System.nanoTime() - start);
      return outputs;
    } catch (Exception batchError) {
      LOG.warn("model failed on a batch of {}; retrying frame by frame: {}", frames.size(), batchError.toString());
      ModelOutput[] outputs = new ModelOutput[frames.size()];
      for (int i = 0; i < frames.size(); i++) {
        try {
          outputs[i] = model.run(List.of(pixels.get(i)))[0];
        } catch (Exception e) {
          out.add(deadLetter(sources.get(i), "model failed on this frame: " + e.getMessage(), e));
        }
      }
      return outputs;
    }
  }

  private ProducerRecord<String, Object> deadLetter(ConsumerRecord<String, byte[]> record, String reason, Exception e) {
    LOG.warn("dead-lettering {}-{}@{} (key {}): {}", record.topic(), record.partition(), record.offset(), record.key(), reason);
    metrics.deadLettered();
    ProducerRecord<String, ?> letter = DeadLetters.of(Topics.FRAMES_DLQ, STAGE, record, reason, e);
    return new ProducerRecord<>(letter.topic(), null, letter.key(), letter.value(), letter.headers());
  }

  private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(ConsumerRecords<String, byte[]> records) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition partition : records.partitions()) {
      List<ConsumerRecord<String, byte[]>> inPartition = records.records(partition);
      offsets.put(partition, new OffsetAndMetadata(inPartition.get(inPartition.size() - 1).offset() + 1));
    }
    return offsets;
  }

  private void rewind(ConsumerRecords<String, byte[]> records) {
    for (TopicPartition partition : records.partitions()) {
      consumer.seek(partition, records.records(partition).get(0).offset());
    }
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
