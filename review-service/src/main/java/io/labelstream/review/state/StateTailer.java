package io.labelstream.review.state;

import io.labelstream.platform.kafka.DeadLetters;
import io.labelstream.platform.kafka.KafkaClients;
import io.labelstream.platform.kafka.KafkaSettings;
import io.labelstream.review.cluster.ClusterView;
import io.labelstream.review.dataset.DatasetCatalog;
import io.labelstream.review.policy.PolicyService;
import io.labelstream.review.queue.GoldTasks;
import io.labelstream.review.queue.ReviewTask;
import io.labelstream.review.queue.TaskQueue;
import io.labelstream.review.stats.StatsRecorder;
import io.labelstream.schemas.Topic;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.DeadLetter;
import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.Prediction;
import io.labelstream.schemas.avro.ReviewReason;
import io.labelstream.schemas.avro.ReviewRequest;
import io.labelstream.schemas.avro.ReviewResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the review service's state from Kafka and keeps it current: it reads every partition of the topics the
 * service derives its state from, from the beginning, committed records only.
 *
 * <p>It is {@link #caughtUp()} once it has read up to the end offsets found at start-up; before that the queue
 * may still hold tasks whose answers it has not read yet, so the service does not hand out tasks.
 *
 * <p>A review request that cannot be decoded is dead-lettered once: the dead letters already written are read
 * first, so a restart that replays the topic does not dead-letter the same record again.
 */
public final class StateTailer implements Runnable, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(StateTailer.class);
  private static final String STAGE = "review";
  private static final List<Topic<String, ?>> SOURCES = List.of(Topics.REVIEW_REQUESTS, Topics.REVIEW_RESULTS,
      Topics.REVIEW_LEASES, Topics.REVIEW_LEADER, Topics.REVIEW_GOLD, Topics.DATASETS, Topics.LABELS, Topics.PREDICTIONS,
      Topics.FRAMES_DLQ,
      Topics.REVIEW_REQUESTS_DLQ);

  private final KafkaConsumer<String, byte[]> consumer;
  private final KafkaProducer<String, DeadLetter> deadLetterProducer;
  private final TaskQueue queue;
  private final LabelStore labels;
  private final PipelineCounts counts;
  private final PolicyService policy;
  private final ClusterView cluster;
  private final ReviewerLedger reviewers;
  private final GoldTasks gold;
  private final DatasetCatalog datasets;
  private final HistoryRecorder history;
  private final StatsRecorder stats = new StatsRecorder();
  private final Set<String> alreadyDeadLettered = new HashSet<>();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private Map<TopicPartition, Long> startupEnd = Map.of();
  private volatile boolean caughtUp;
  private volatile boolean running = true;
  private final List<CompletableFuture<Void>> catchUpRequests = new CopyOnWriteArrayList<>();

  public StateTailer(KafkaSettings kafka, String instanceId, TaskQueue queue, LabelStore labels, PipelineCounts counts,
      PolicyService policy, ClusterView cluster, ReviewerLedger reviewers, GoldTasks gold, FrameHistory history,
      DatasetCatalog datasets) {
    KafkaClients clients = new KafkaClients(kafka, "review", instanceId);
    this.consumer = new KafkaConsumer<>(clients.consumer("state"), new StringDeserializer(), new ByteArrayDeserializer());
    this.deadLetterProducer = new KafkaProducer<>(clients.producer("dlq"), new StringSerializer(),
        Topics.REVIEW_REQUESTS_DLQ.valueSerde().serializer());
    this.queue = queue;
    this.labels = labels;
    this.counts = counts;
    this.policy = policy;
    this.cluster = cluster;
    this.reviewers = reviewers;
    this.gold = gold;
    this.datasets = datasets;
    this.history = new HistoryRecorder(history);
  }

  public boolean caughtUp() {
    return caughtUp;
  }

  /**
   * Completes once everything committed to the state topics before this call has been applied: a new queue leader
   * waits for it, so it never hands out a task its predecessor already leased or answered.
   */
  public CompletableFuture<Void> catchUp() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    catchUpRequests.add(done);
    return done;
  }

  /** The statistics (page {@code /stats}), fed from the same records as the rest of the state. */
  public StatsRecorder stats() {
    return stats;
  }

  public KafkaConsumer<String, byte[]> consumer() {
    return consumer;
  }

  @Override
  public void run() {
    try {
      readExistingDeadLetters();
      List<TopicPartition> partitions = new ArrayList<>();
      for (Topic<String, ?> topic : SOURCES) {
        for (PartitionInfo info : consumer.partitionsFor(topic.name(), Duration.ofSeconds(30))) {
          partitions.add(new TopicPartition(info.topic(), info.partition()));
        }
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      startupEnd = new HashMap<>(consumer.endOffsets(partitions));
      Map<TopicPartition, Long> catchUpEnd = null;
      List<CompletableFuture<Void>> waiting = new ArrayList<>();
      while (running) {
        if (!catchUpRequests.isEmpty()) {
          waiting.addAll(catchUpRequests);
          catchUpRequests.removeAll(waiting);
          catchUpEnd = consumer.endOffsets(partitions);
        }
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          apply(record);
        }
        if (catchUpEnd != null && reached(catchUpEnd)) {
          waiting.forEach(request -> request.complete(null));
          waiting.clear();
          catchUpEnd = null;
        }
        if (!caughtUp && reachedStartupEnd()) {
          caughtUp = true;
          LOG.info("review state rebuilt from Kafka: {} open tasks, {} model and {} human labels", queue.openCount(),
              labels.modelLabelled(), labels.humanLabelled());
        }
      }
    } catch (WakeupException e) {
      if (running) {
        LOG.error("review state reader woken unexpectedly", e);
      }
    } catch (RuntimeException e) {
      LOG.error("review state reader stopped on an unexpected error", e);
    } finally {
      consumer.close();
      deadLetterProducer.close(Duration.ofSeconds(5));
      stopped.countDown();
    }
  }

  /** Remembers which review requests were dead-lettered by earlier runs, before any request is replayed. */
  private void readExistingDeadLetters() {
    List<TopicPartition> partitions = new ArrayList<>();
    for (PartitionInfo info : consumer.partitionsFor(Topics.REVIEW_REQUESTS_DLQ.name(), Duration.ofSeconds(30))) {
      partitions.add(new TopicPartition(info.topic(), info.partition()));
    }
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
    while (running && end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
      for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
        try {
          DeadLetter letter = decode(Topics.REVIEW_REQUESTS_DLQ, record);
          alreadyDeadLettered.add(letter.getSourceTopic() + "/" + letter.getSourcePartition() + "/" + letter.getSourceOffset());
        } catch (RuntimeException e) {
          LOG.warn("unreadable dead letter {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
        }
      }
    }
  }

  private boolean reachedStartupEnd() {
    return reached(startupEnd);
  }

  private boolean reached(Map<TopicPartition, Long> ends) {
    for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
      if (consumer.position(end.getKey()) < end.getValue()) {
        return false;
      }
    }
    return true;
  }

  /** Applies one record to the state. Package-private for tests. */
  void apply(ConsumerRecord<String, byte[]> record) {
    String topic = record.topic();
    try {
      if (topic.equals(Topics.REVIEW_REQUESTS.name())) {
        ReviewRequest request = decode(Topics.REVIEW_REQUESTS, record);
        queue.offer(ReviewTask.of(request));
        history.request(record, request);
        stats.requested(request);
      } else if (topic.equals(Topics.REVIEW_RESULTS.name())) {
        ReviewResult result = decode(Topics.REVIEW_RESULTS, record);
        queue.answered(result);
        reviewers.answered(result);
        history.result(record, result);
        // Only an answer that settled its frame's label is evidence for the policy; gold frames are not the stream's.
        if (!Boolean.FALSE.equals(result.getDecides()) && result.getReason() != ReviewReason.GOLD) {
          policy.answered(result.getFrameId(), result.getClassIndex());
        }
        if (result.getReason() != ReviewReason.GOLD) {
          stats.answered(result); // gold frames are not the stream's work
        }
      } else if (topic.equals(Topics.REVIEW_LEASES.name())) {
        queue.leaseRecorded(decode(Topics.REVIEW_LEASES, record));
      } else if (topic.equals(Topics.DATASETS.name())) {
        datasets.recorded(record);
      } else if (topic.equals(Topics.REVIEW_GOLD.name())) {
        gold.add(decode(Topics.REVIEW_GOLD, record));
      } else if (topic.equals(Topics.REVIEW_LEADER.name())) {
        cluster.announced(record.value() == null ? null : decode(Topics.REVIEW_LEADER, record));
      } else if (topic.equals(Topics.LABELS.name())) {
        Label label = decode(Topics.LABELS, record);
        if (label != null) {
          labels.put(label);
          history.label(record, label);
          stats.labelled(label);
        }
      } else if (topic.equals(Topics.PREDICTIONS.name())) {
        Prediction prediction = decode(Topics.PREDICTIONS, record);
        counts.predicted(prediction.getFrameId());
        policy.predicted(prediction);
        history.prediction(record, prediction);
        stats.predicted(prediction);
      } else {
        DeadLetter letter = decode(Topics.FRAMES_DLQ, record);
        counts.deadLettered();
        if (topic.equals(Topics.REVIEW_REQUESTS_DLQ.name())) {
          alreadyDeadLettered.add(letter.getSourceTopic() + "/" + letter.getSourcePartition() + "/" + letter.getSourceOffset());
        }
      }
    } catch (RuntimeException e) {
      counts.unreadable();
      LOG.warn("cannot apply {}-{}@{}: {}", topic, record.partition(), record.offset(), e.getMessage());
      if (topic.equals(Topics.REVIEW_REQUESTS.name())) {
        deadLetterOnce(record, e);
      }
    }
  }

  private void deadLetterOnce(ConsumerRecord<String, byte[]> record, RuntimeException error) {
    String id = record.topic() + "/" + record.partition() + "/" + record.offset();
    if (!alreadyDeadLettered.add(id)) {
      return;
    }
    deadLetterProducer.send(DeadLetters.of(Topics.REVIEW_REQUESTS_DLQ, STAGE, record,
        "cannot read review request: " + error.getMessage(), error), (metadata, sendError) -> {
          if (sendError != null) {
            LOG.error("could not dead-letter {}: {}", id, sendError.toString());
          }
        });
  }

  private static <V> V decode(Topic<String, V> topic, ConsumerRecord<String, byte[]> record) {
    return topic.valueSerde().deserializer().deserialize(record.topic(), record.value());
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
