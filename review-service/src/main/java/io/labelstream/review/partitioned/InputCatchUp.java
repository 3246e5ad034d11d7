package io.labelstream.review.partitioned;

import io.labelstream.platform.kafka.KafkaClients;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * Whether the records that were in the input topics when this instance started are in its stores. Kafka Streams is
 * RUNNING once it has restored its stores from their changelogs; the records written since the changelog was last
 * written (on the first start of all: every record ever written) are then still input to read. Until they are read,
 * a frame may show no label or an incomplete history though it has more, so the instance is not ready.
 *
 * <p>At start it asks Kafka where each partition of each input ends (committed records) and how far the application
 * has read it; {@link #processed} is told each record the stores take in; a partition is caught up once it was read
 * to where it ended at start, or the application's committed offset has reached that end (the records were processed
 * elsewhere before the partition moved here, or a transaction's marker ends the partition). Not the consumer's lag: a
 * consumer with no lag has fetched the records, and Kafka Streams may still hold a thousand a partition unprocessed.
 */
final class InputCatchUp {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  /** Committed offsets are asked for at most this often, and only until caught up. */
  private static final long ASK_COMMITTED_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  /** How far the application has committed its reading of some partitions; empty when Kafka cannot say now. */
  interface CommittedOffsets {
    Map<TopicPartition, Long> of(Set<TopicPartition> partitions);
  }

  /** Per partition still to catch up: the offset to read up to. */
  private final Map<TopicPartition, Long> behind = new ConcurrentHashMap<>();
  private final CommittedOffsets committed;
  private volatile boolean caughtUp;
  private long askedAt;

  InputCatchUp(Map<TopicPartition, Long> behind, CommittedOffsets committed) {
    this.behind.putAll(behind);
    this.committed = committed;
    this.caughtUp = behind.isEmpty();
    this.askedAt = System.nanoTime() - ASK_COMMITTED_EVERY_NANOS;
  }

  /** For a topology run without a broker to ask (its tests): nothing to catch up. */
  static InputCatchUp nothingBehind() {
    return new InputCatchUp(Map.of(), partitions -> Map.of());
  }

  /**
   * Where each of {@code inputs} ends now and how far the application has read it, from Kafka.
   *
   * @throws IllegalStateException when the inputs do not have as many partitions each
   */
  static InputCatchUp atStart(KafkaClients clients, String applicationId, List<String> inputs) {
    try (Admin admin = Admin.create(clients.admin("state-catch-up", TIMEOUT))) {
      Map<String, TopicDescription> described = admin.describeTopics(inputs).allTopicNames()
          .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      requireCoPartitioned(described);
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      described.forEach((topic, description) -> description.partitions()
          .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest())));
      Map<TopicPartition, Long> ends = new HashMap<>();
      admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
          .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).forEach((p, info) -> ends.put(p, info.offset()));
      Map<TopicPartition, Long> read = committedOffsets(admin, applicationId, TIMEOUT);
      Map<TopicPartition, Long> behind = new HashMap<>();
      ends.forEach((partition, end) -> {
        if (end > read.getOrDefault(partition, 0L)) {
          behind.put(partition, end);
        }
      });
      return new InputCatchUp(behind, partitions -> committedOffsets(clients, applicationId, partitions));
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot find where " + inputs + " end: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while finding where " + inputs + " end", e);
    }
  }

  /**
   * A frame's records must be in the same partition of every input, so that one Kafka Streams task keeps all of the
   * frame: inputs with different numbers of partitions would split a frame's history between tasks, silently.
   */
  private static void requireCoPartitioned(Map<String, TopicDescription> inputs) {
    Map<String, Integer> partitions = new TreeMap<>();
    inputs.forEach((topic, description) -> partitions.put(topic, description.partitions().size()));
    if (new HashSet<>(partitions.values()).size() > 1) {
      throw new IllegalStateException("the review state needs " + String.join(", ", partitions.keySet())
          + " to have as many partitions each (a frame's records in the same partition of each), but they have "
          + partitions + ": give them the same number (docs: deploy/README.md, \"Partitions bound scale-out\")");
    }
  }

  /** The readiness checks' question: the committed offsets of some partitions, none when Kafka cannot say now. */
  private static Map<TopicPartition, Long> committedOffsets(KafkaClients clients, String applicationId,
      Set<TopicPartition> partitions) {
    Duration timeout = Duration.ofSeconds(5);
    try (Admin admin = Admin.create(clients.admin("state-catch-up", timeout))) {
      Map<TopicPartition, Long> offsets = committedOffsets(admin, applicationId, timeout);
      offsets.keySet().retainAll(partitions);
      return offsets;
    } catch (ExecutionException | TimeoutException e) {
      return Map.of(); // asked again at the next readiness check
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Map.of();
    }
  }

  /** How far the application has committed its reading of each partition it has committed at all. */
  private static Map<TopicPartition, Long> committedOffsets(Admin admin, String applicationId, Duration timeout)
      throws ExecutionException, TimeoutException, InterruptedException {
    Map<TopicPartition, Long> offsets = new HashMap<>();
    admin.listConsumerGroupOffsets(applicationId).partitionsToOffsetAndMetadata()
        .get(timeout.toMillis(), TimeUnit.MILLISECONDS).forEach((partition, committed) -> {
          if (committed != null) {
            offsets.put(partition, committed.offset());
          }
        });
    return offsets;
  }

  /** The record at {@code offset} of {@code partition} of {@code topic} is in a store. */
  void processed(String topic, int partition, long offset) {
    if (!caughtUp) {
      behind.computeIfPresent(new TopicPartition(topic, partition), (p, end) -> offset + 1 >= end ? null : end);
    }
  }

  /**
   * Whether every partition this instance holds ({@code local}) was read to where it ended at start. Partitions held
   * elsewhere are the other instances' to catch up. A partition whose committed offset has reached that end is caught
   * up whether or not its records went through here: another instance may have processed them before the partition
   * moved here. Once true, it stays true.
   */
  synchronized boolean caughtUp(Set<TopicPartition> local) {
    if (!caughtUp) {
      Set<TopicPartition> waiting = new HashSet<>(local);
      waiting.retainAll(behind.keySet());
      long now = System.nanoTime();
      if (!waiting.isEmpty() && now - askedAt >= ASK_COMMITTED_EVERY_NANOS) {
        askedAt = now;
        committed.of(waiting).forEach((partition, offset) ->
            behind.computeIfPresent(partition, (p, end) -> offset >= end ? null : end));
      }
      if (local.stream().noneMatch(behind::containsKey)) {
        caughtUp = true;
      }
    }
    return caughtUp;
  }

  /** Whether {@link #caughtUp} has said so once. */
  boolean wasCaughtUp() {
    return caughtUp;
  }

  /** For /readyz: per partition not read yet to where it ended at start ({@code labels.v1-3}), that offset. */
  Map<String, Long> behind() {
    Map<String, Long> sorted = new TreeMap<>();
    behind.forEach((partition, end) -> sorted.put(partition.toString(), end));
    return sorted;
  }
}
