package io.labelstream.review.cluster;

import io.labelstream.platform.kafka.KafkaClients;
import io.labelstream.platform.kafka.KafkaSettings;
import io.labelstream.schemas.Topics;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the one review instance that runs the queue. Every instance joins the consumer group
 * {@value #GROUP} on the one-partition topic {@code review.leader.v1}; the member that partition is assigned to is
 * the leader.
 *
 * <p>Why this is safe: every queue change the leader makes is a Kafka transaction that also commits an offset for
 * that partition with the group metadata seen here ({@link #fencingMetadata()}). Once the group has moved the
 * partition to another member, the broker rejects such a commit from the old one (KIP-447), so a leader that was
 * paused or cut off cannot change the queue behind its successor's back. The successor, before it serves, reads the
 * committed offset, which waits until any transaction of the old leader still open has ended, and then reads the
 * state topics to their end.
 */
public final class LeaderElection implements Runnable, AutoCloseable {

  public static final String GROUP = "labelstream-review-leader";
  private static final Logger LOG = LoggerFactory.getLogger(LeaderElection.class);
  private static final TopicPartition PARTITION = new TopicPartition(Topics.REVIEW_LEADER.name(), 0);

  /** What the service does when this instance wins or loses the queue. */
  public interface Listener {

    /** Called on the election thread; leadership starts when it returns (it should catch up and announce). */
    void elected() throws InterruptedException;

    void deposed();
  }

  private final KafkaConsumer<String, byte[]> consumer;
  private volatile Listener listener;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean running = true;
  private volatile boolean leader;
  private volatile boolean becomingLeader;
  private volatile boolean takingOver;
  private volatile ConsumerGroupMetadata metadata;
  private volatile long position;

  public LeaderElection(KafkaSettings kafka, String instanceId) {
    Map<String, Object> props = new KafkaClients(kafka, "review", instanceId).groupConsumer("election", GROUP);
    // Cooperative: a member joining or leaving does not take the partition from the current leader.
    props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
    // A leader that died is replaced after this long; one that stops cleanly leaves the group at once.
    props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
    props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 1_000);
    this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
  }

  /** Joins the election on its own thread; {@code listener} hears when this instance wins or loses. */
  public void start(Listener listener) {
    this.listener = listener;
    new Thread(this, "review-election").start();
  }

  public KafkaConsumer<String, byte[]> consumer() {
    return consumer;
  }

  public boolean isLeader() {
    return leader;
  }

  /** True while leader, and while taking over (catching up and announcing, which already writes). */
  public boolean mayWrite() {
    return leader || takingOver;
  }

  /** The group metadata that fences this leader's transactions; read after every poll. */
  public ConsumerGroupMetadata fencingMetadata() {
    return metadata;
  }

  /** The offset this leader commits with each transaction (its position on the leader partition). */
  public Map<TopicPartition, Long> fencingOffset() {
    return Map.of(PARTITION, position);
  }

  @Override
  public void run() {
    try {
      consumer.subscribe(Set.of(Topics.REVIEW_LEADER.name()), new Rebalance());
      while (running) {
        consumer.poll(Duration.ofMillis(200));
        metadata = consumer.groupMetadata();
        if (becomingLeader) {
          becomingLeader = false;
          takeOver();
        }
      }
    } catch (WakeupException e) {
      if (running) {
        LOG.error("leader election woken unexpectedly", e);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.error("leader election stopped on an unexpected error; this instance forwards queue changes only", e);
    } finally {
      stepDown();
      consumer.close(); // leaves the group, so another instance takes over at once
      stopped.countDown();
    }
  }

  private void takeOver() throws InterruptedException {
    // Waits until no transaction of a previous leader is open on the partition (read_committed asks for stable offsets).
    consumer.committed(Set.of(PARTITION), Duration.ofSeconds(60));
    position = consumer.position(PARTITION);
    metadata = consumer.groupMetadata();
    takingOver = true;
    try {
      listener.elected();
    } catch (RuntimeException e) {
      LOG.warn("could not take over the review queue yet ({}); trying again", e.toString());
      becomingLeader = true;
      Thread.sleep(1_000);
      return;
    } finally {
      takingOver = false;
    }
    if (consumer.assignment().contains(PARTITION) && running) {
      leader = true;
      LOG.info("this instance now runs the review queue");
    }
  }

  private void stepDown() {
    if (leader) {
      leader = false;
      LOG.info("this instance no longer runs the review queue");
      listener.deposed();
    }
  }

  private final class Rebalance implements ConsumerRebalanceListener {

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      if (partitions.contains(PARTITION)) {
        becomingLeader = true;
      }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      if (partitions.contains(PARTITION)) {
        becomingLeader = false;
        stepDown();
      }
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      onPartitionsRevoked(partitions);
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
