package io.labelstream.review.dataset;

import io.labelstream.platform.kafka.KafkaClients;
import java.io.IOException;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Sequential reads of one partition at a time, committed records only, without a consumer group: how snapshots
 * are made and exported, and how the frame store's collector reads what still holds images. Values stay bytes so a record is decoded only when it is needed.
 */
public final class PartitionReads {

  /** How long a read may go without a single record before it gives up: the broker is gone or stuck. */
  static final Duration STALL = Duration.ofSeconds(30);
  private static final Duration POLL = Duration.ofMillis(200);

  @FunctionalInterface
  public interface RecordVisitor {
    void accept(ConsumerRecord<String, byte[]> record) throws IOException;
  }

  private PartitionReads() {}

  /**
   * A consumer for these reads. {@code fetchBytes} bounds what one fetch holds in memory (Kafka still returns a
   * single larger record batch whole, so it never needs to exceed the largest record).
   */
  public static KafkaConsumer<String, byte[]> consumer(KafkaClients clients, String role, int fetchBytes) {
    Map<String, Object> props = clients.consumer(role);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, fetchBytes);
    props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, fetchBytes);
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
    // These reads hop from partition to partition and from the end of one back to its start; a fetch left
    // waiting at a log end for the default 500 ms would hold up the next read that long every time.
    props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
    return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
  }

  /** The partitions of a topic in partition order: every read of a snapshot goes through them in this order. */
  public static List<TopicPartition> partitions(KafkaConsumer<String, byte[]> consumer, String topic) {
    return consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
        .map(info -> new TopicPartition(topic, info.partition()))
        .sorted(Comparator.comparingInt(TopicPartition::partition))
        .toList();
  }

  /** Visits the committed records of {@code [from, end)} of one partition, in offset order. */
  static void read(KafkaConsumer<String, byte[]> consumer, TopicPartition partition, long from, long end,
      RecordVisitor visitor) throws IOException {
    consumer.assign(List.of(partition));
    consumer.seek(partition, from);
    long lastRecord = System.nanoTime();
    while (consumer.position(partition) < end) {
      ConsumerRecords<String, byte[]> records = consumer.poll(POLL);
      if (records.isEmpty()) {
        checkStall(partition, lastRecord, consumer.position(partition), end);
        continue;
      }
      lastRecord = System.nanoTime();
      for (ConsumerRecord<String, byte[]> record : records) {
        if (record.offset() >= end) {
          break;
        }
        if (record.offset() >= from) {
          visitor.accept(record);
        }
      }
    }
  }

  /**
   * Visits every committed record of one partition from its beginning until it has caught up with the end of
   * the log, and returns the end it reached (exclusive): the partition's snapshot offset.
   *
   * <p>Reading until caught up is what makes the first pass of a snapshot exact on a compacted topic: the
   * cleaner never uses a record at or past the last stable offset to remove older ones, so every record before
   * the returned end that was the latest of its frame when this read reached the end had not been removed when
   * this read passed it. (Kafka's own guarantee: a consumer that reads a compacted log from the start to its
   * head sees the final value of every key.)
   */
  public static long readToEnd(KafkaConsumer<String, byte[]> consumer, TopicPartition partition, RecordVisitor visitor)
      throws IOException {
    consumer.assign(List.of(partition));
    consumer.seekToBeginning(List.of(partition));
    long knownEnd = endOffset(consumer, partition);
    long lastRecord = System.nanoTime();
    while (true) {
      long position = consumer.position(partition);
      if (position >= knownEnd) {
        // Records may have arrived while this read went on: ask again, and stop only when there are none.
        knownEnd = endOffset(consumer, partition);
        if (position >= knownEnd) {
          return position;
        }
      }
      ConsumerRecords<String, byte[]> records = consumer.poll(POLL);
      if (records.isEmpty()) {
        checkStall(partition, lastRecord, position, knownEnd);
        continue;
      }
      lastRecord = System.nanoTime();
      for (ConsumerRecord<String, byte[]> record : records) {
        visitor.accept(record);
      }
    }
  }

  static long endOffset(KafkaConsumer<String, byte[]> consumer, TopicPartition partition) {
    // Under read_committed this is the last stable offset: nothing of an open transaction is counted.
    return consumer.endOffsets(List.of(partition), Duration.ofSeconds(30)).get(partition);
  }

  private static void checkStall(TopicPartition partition, long lastRecordNanos, long position, long end) {
    if (System.nanoTime() - lastRecordNanos > STALL.toNanos()) {
      throw new KafkaException("no record from " + partition + " for " + STALL.toSeconds() + " s at offset "
          + position + " of " + end);
    }
  }
}
