package io.labelstream.review.cluster;

import io.labelstream.platform.kafka.ClientMeters;
import io.labelstream.platform.kafka.KafkaClients;
import io.labelstream.platform.kafka.KafkaSettings;
import io.labelstream.platform.kafka.TopicRoutedSerializer;
import io.labelstream.platform.kafka.TransactionalWriter;
import io.labelstream.review.queue.QueueChange;
import io.labelstream.review.queue.QueueLog;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.GoldFrame;
import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.ReviewLeader;
import io.labelstream.schemas.avro.ReviewRequest;
import io.labelstream.schemas.avro.ReviewResult;
import io.labelstream.schemas.avro.TaskLease;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every write that changes the review queue: leases and answers (the {@code ReviewResult} with the HUMAN
 * {@code Label} it makes), grouped by the queue ({@code queue.GroupCommit}); review requests, gold frames and the
 * leader's announcement. Each call is one Kafka transaction fenced by the leader election (see {@link LeaderElection}),
 * so only the current leader's changes ever become visible, and an answer never appears without its label or the
 * other way round. Each transaction's size and time are metered ({@link #bindTo}).
 */
public final class QueueWriter implements QueueLog, MeterBinder, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(QueueWriter.class);
  /** A change that failed because the group just moved on (a member joined or left) is tried once more. */
  private static final Duration RETRY_AFTER = Duration.ofMillis(300);

  private final LeaderElection election;
  private final TransactionalWriter<String, Object> transactions;
  /** Null until bound to a registry. */
  private volatile Timer commitTime;
  private volatile DistributionSummary commitSize;

  public QueueWriter(KafkaSettings kafka, String instanceId, LeaderElection election) {
    Map<String, Object> props = new KafkaClients(kafka, "review", instanceId).transactionalProducer("queue");
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
    // A reviewer waits on every change: send at once rather than wait to fill a batch.
    props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    // A transaction's first write waits until the broker finished the last one (CONCURRENT_TRANSACTIONS, retried):
    // retried after the default 100 ms, a lone transaction took 56 ms on the embedded broker, after 5 ms 18 ms.
    props.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 5);
    // A leader killed mid-transaction leaves it open, and read_committed readers of labels.v1 and the queue topics
    // cannot read past it until the coordinator aborts it: after 10 s (plus its check interval), not the default 60.
    // The queue's transactions take milliseconds.
    props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 10_000);
    this.election = election;
    this.transactions = new TransactionalWriter<>(
        () -> new KafkaProducer<>(props, new StringSerializer(), new TopicRoutedSerializer()));
    transactions.initTransactions();
  }

  @Override
  public void commit(List<QueueChange> changes) {
    List<ProducerRecord<String, Object>> records = new ArrayList<>();
    for (QueueChange change : changes) {
      if (change instanceof QueueChange.LeaseChanged leased) {
        TaskLease lease = leased.lease();
        records.add(new ProducerRecord<>(Topics.REVIEW_LEASES.name(), lease.getFrameId(), lease));
      } else if (change instanceof QueueChange.Answered answered) {
        ReviewResult result = answered.result();
        records.add(new ProducerRecord<>(Topics.REVIEW_RESULTS.name(), result.getFrameId(), result));
        Label label = answered.label();
        if (label != null) {
          records.add(new ProducerRecord<>(Topics.LABELS.name(), label.getFrameId(), label));
        }
      }
    }
    Timer.Sample sample = Timer.start();
    commitRecords(records);
    if (commitTime != null) {
      sample.stop(commitTime);
      commitSize.record(changes.size());
    }
  }

  /** The time and size (in queue changes: leases and answers) of the queue's transactions. */
  @Override
  public void bindTo(MeterRegistry registry) {
    commitTime = Timer.builder("labelstream.review.queue.commit")
        .description("Time to commit one transaction of queue changes (every claim and answer waits for one)")
        .publishPercentileHistogram().register(registry);
    commitSize = DistributionSummary.builder("labelstream.review.queue.commit.changes")
        .description("Queue changes (leases, answers) written together in one transaction").register(registry);
  }

  /** A review request the leader makes itself: a flagged label going back to people. */
  public void request(ReviewRequest request) {
    commitRecords(List.of(new ProducerRecord<>(Topics.REVIEW_REQUESTS.name(), request.getFrameId(), request)));
  }

  /** A gold frame an admin loaded. */
  public void gold(GoldFrame frame) {
    commitRecords(List.of(new ProducerRecord<>(Topics.REVIEW_GOLD.name(), frame.getGoldId(), frame)));
  }

  /** Tells the other instances where to forward queue changes; the first write of a new leader. */
  public void announce(ReviewLeader leader) {
    commitRecords(List.of(new ProducerRecord<>(Topics.REVIEW_LEADER.name(), "leader", leader)));
  }

  /**
   * Withdraws this instance's announcement (a tombstone) as it stops, so the others wait for the next leader's
   * announcement instead of forwarding to an address that no longer answers.
   */
  public void resign() {
    commitRecords(List.of(new ProducerRecord<>(Topics.REVIEW_LEADER.name(), "leader", null)));
  }

  /** The Kafka client meters of the producer in use: it is replaced after an error it cannot go on from. */
  public ClientMeters meters() {
    return transactions.meters();
  }

  /** Returns once the records are committed; throws (and nothing becomes visible) otherwise. */
  private synchronized void commitRecords(List<ProducerRecord<String, Object>> records) {
    try {
      commitOnce(records);
    } catch (KafkaException first) {
      sleep(RETRY_AFTER);
      LOG.info("a queue change failed ({}); trying once more", first.toString());
      commitOnce(records);
    }
  }

  private void commitOnce(List<ProducerRecord<String, Object>> records) {
    if (!election.mayWrite()) {
      // One answer (503 not_leader, with Retry-After, in http/) for every route that writes through here.
      throw new NotQueueLeaderException("this review instance does not run the queue");
    }
    Map<org.apache.kafka.common.TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    election.fencingOffset().forEach((partition, offset) -> offsets.put(partition, new OffsetAndMetadata(offset)));
    // The group's metadata fences a deposed leader: its transaction is refused (see LeaderElection).
    transactions.commit(records, offsets, election.fencingMetadata());
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public synchronized void close() {
    transactions.close(Duration.ofSeconds(5));
  }
}
