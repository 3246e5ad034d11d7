package io.labelstream.review.state;

import io.labelstream.platform.kafka.DeadLetters;
import io.labelstream.platform.kafka.KafkaClients;
import io.labelstream.platform.kafka.KafkaSettings;
import io.labelstream.schemas.Topic;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.DeadLetter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
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
 * Rebuilds the review service's state from Kafka and keeps it current: it reads every partition of the topics that
 * have handlers in its {@link StateHandlers}, from the beginning or from where a {@link StateCheckpoint} says the
 * state was read up to ({@link #startFrom}), committed records only, and hands each record to them. Records of one
 * partition are applied in their order; partitions are read side by side. Once stopped by {@link #close()}, it
 * tells where it stopped ({@link #stoppedAt()}), for the next checkpoint.
 *
 * <p>A topic whose records its handlers' {@link StateHandlers.Intake} does not admit (review requests while the queue
 * is full) is read only so far: the partition is paused at the refused record, which waits in Kafka with the ones
 * after it, and resumed, from that record, once the intake has room. Records of a partition are thus still applied
 * in their order, and none is skipped.
 *
 * <p>While rebuilding, partitions are read in step by record time ({@link ReadingInStep}): one that runs more than
 * {@link #IN_STEP} ahead of the slowest waits, so records that need their other half (an answer and the prediction it
 * answers) do not pile up in the heap.
 *
 * <p>It is {@link #caughtUp()} once it has read up to the end offsets found at start-up, a partition paused for want
 * of room counting as read up to where it waits; before that the queue may still hold tasks whose answers it has not
 * read yet, so the service does not hand out tasks.
 *
 * <p>A record a handler cannot apply is counted as unreadable and skipped. A review request among them is
 * dead-lettered once: the dead letters already written are read first, so a restart that replays the topic does not
 * dead-letter the same record again.
 */
public final class StateTailer implements Runnable, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(StateTailer.class);
  private static final String STAGE = "review";
  /** How far by record time a partition may be read ahead of the slowest while rebuilding. */
  static final Duration IN_STEP = Duration.ofSeconds(1);
  static final int PARTITION_FETCH_BYTES = 1024 * 1024;
  static final int FETCH_BYTES = 4 * 1024 * 1024;

  private final KafkaConsumer<String, byte[]> consumer;
  private final KafkaProducer<String, DeadLetter> deadLetterProducer;
  private final StateHandlers handlers;
  private final PipelineCounts counts;
  private final Set<String> alreadyDeadLettered = new HashSet<>();
  /** Partitions paused at a record their intake refused (see {@link #waitInKafka}). */
  private final Set<TopicPartition> waitingForRoom = new HashSet<>();
  /** Partitions paused while rebuilding because they are read ahead of the others. */
  private final Set<TopicPartition> heldBack = new HashSet<>();
  private final ReadingInStep inStep = new ReadingInStep(IN_STEP);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private Map<TopicPartition, Long> startupEnd = Map.of();
  private Map<TopicPartition, Long> startupBeginning = Map.of();
  private final RestoreProgress progress = new RestoreProgress();
  private volatile boolean caughtUp;
  private volatile int paused;
  private volatile boolean running = true;
  private final List<CompletableFuture<Void>> catchUpRequests = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Void> rebuilt = new CompletableFuture<>();
  private Map<TopicPartition, Long> startAt = Map.of();
  private volatile Map<TopicPartition, Long> stoppedAt;
  private Duration checkpointEvery;
  private Consumer<Map<TopicPartition, Long>> checkpoint;

  /**
   * @param handlers what to do with each topic's records; the reader adds its own handler of the review dead letters
   * @param counts where unreadable records are counted
   */
  public StateTailer(KafkaSettings kafka, String instanceId, StateHandlers handlers, PipelineCounts counts) {
    KafkaClients clients = new KafkaClients(kafka, "review", instanceId);
    this.consumer = new KafkaConsumer<>(smallFetches(clients.consumer("state")), new StringDeserializer(),
        new ByteArrayDeserializer());
    this.deadLetterProducer = new KafkaProducer<>(clients.producer("dlq"), new StringSerializer(),
        Topics.REVIEW_REQUESTS_DLQ.valueSerde().serializer());
    this.handlers = handlers.on(Topics.REVIEW_REQUESTS_DLQ, letter -> alreadyDeadLettered.add(sourceOf(letter)));
    this.counts = counts;
  }

  /**
   * Fetches of at most {@link #FETCH_BYTES} ({@link #PARTITION_FETCH_BYTES} a partition) instead of the 50 MB the
   * clients' defaults allow: a partition held back to keep in step keeps the fetched data it has not returned, and that
   * data holds on to the whole fetch response it came in. With 50 MB responses, a ten-million-frame rebuild ran out of
   * a 1 GB heap in seconds. A record larger than these is still fetched, alone (Kafka returns a first batch whatever
   * its size).
   */
  private static Map<String, Object> smallFetches(Map<String, Object> config) {
    config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, PARTITION_FETCH_BYTES);
    config.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, FETCH_BYTES);
    return config;
  }

  /**
   * Reads from these positions (the offset of the next record, per partition) instead of from the beginning: the
   * state was restored from a checkpoint taken there. A partition not named is read from its beginning. Call it
   * before {@link #run()}.
   */
  public void startFrom(Map<TopicPartition, Long> positions) {
    this.startAt = Map.copyOf(positions);
  }

  /**
   * Hands {@code checkpoint} where each partition is read up to, every {@code interval}, on the reader's thread
   * between two polls, every record before those positions applied and none after: the moment for a checkpoint
   * taken while running (the reader changes nothing meanwhile). Call it before {@link #run()}.
   */
  public void checkpointEvery(Duration interval, Consumer<Map<TopicPartition, Long>> checkpoint) {
    this.checkpointEvery = interval;
    this.checkpoint = checkpoint;
  }

  /**
   * Where each partition was read up to when {@link #close()} stopped the reader, all its records before that applied
   * and none after: empty before then, or when the reader stopped on an error (its position may then be past records
   * it did not apply).
   */
  public Optional<Map<TopicPartition, Long>> stoppedAt() {
    return Optional.ofNullable(stoppedAt);
  }

  /** True once the state is rebuilt, while the reader keeps it current; false again once the reader has stopped. */
  public boolean caughtUp() {
    return caughtUp;
  }

  /** Completes on the reader's thread when it first becomes {@link #caughtUp()}. */
  public CompletableFuture<Void> rebuilt() {
    return rebuilt;
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

  /** How far the rebuild at start-up has read. */
  public RestoreProgress progress() {
    return progress;
  }

  /** Partitions whose records wait in Kafka because their intake has no room. */
  public int pausedPartitions() {
    return paused;
  }

  public KafkaConsumer<String, byte[]> consumer() {
    return consumer;
  }

  @Override
  public void run() {
    List<TopicPartition> partitions = new ArrayList<>();
    boolean reading = false;
    try {
      readExistingDeadLetters();
      for (Topic<String, ?> topic : handlers.topics()) {
        for (PartitionInfo info : consumer.partitionsFor(topic.name(), Duration.ofSeconds(30))) {
          partitions.add(new TopicPartition(info.topic(), info.partition()));
        }
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      startupBeginning = new HashMap<>(consumer.beginningOffsets(partitions));
      for (TopicPartition partition : partitions) {
        Long position = startAt.get(partition);
        if (position == null) {
          continue;
        }
        long beginning = startupBeginning.get(partition);
        if (position < beginning) {
          // retention took records this state never read: a rebuild from Kafka would not see them either
          LOG.warn("{}: offsets {} to {} expired before the review state read them; it reads on from {}", partition,
              position, beginning - 1, beginning);
          position = beginning;
        }
        consumer.seek(partition, position);
        startupBeginning.put(partition, position);
      }
      startupEnd = new HashMap<>(consumer.endOffsets(partitions));
      progress.started(startupEnd.entrySet().stream()
          .mapToLong(end -> end.getValue() - startupBeginning.get(end.getKey())).sum());
      Map<TopicPartition, Long> catchUpEnd = null;
      List<CompletableFuture<Void>> waiting = new ArrayList<>();
      reading = true;
      long nextCheckpoint = checkpointEvery == null ? Long.MAX_VALUE : System.nanoTime() + checkpointEvery.toNanos();
      while (running) {
        if (!catchUpRequests.isEmpty()) {
          waiting.addAll(catchUpRequests);
          catchUpRequests.removeAll(waiting);
          catchUpEnd = consumer.endOffsets(partitions);
        }
        Set<TopicPartition> refused = new HashSet<>();
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          TopicPartition partition = new TopicPartition(record.topic(), record.partition());
          if (refused.contains(partition)) {
            continue; // waits behind the refused record, to keep the partition's order
          }
          if (!apply(record)) {
            refused.add(partition);
            waitInKafka(partition, record.offset());
          } else if (!caughtUp) {
            inStep.read(partition, record.timestamp());
          }
        }
        resumeWhereRoom();
        if (!caughtUp) {
          keepInStep(partitions);
        }
        if (catchUpEnd != null && reached(catchUpEnd)) {
          waiting.forEach(request -> request.complete(null));
          waiting.clear();
          catchUpEnd = null;
        }
        if (!caughtUp) {
          progress.read(readOfStartupEnd());
          if (reachedStartupEnd()) {
            caughtUp = true;
            releaseHeldBack();
            rebuilt.complete(null);
          }
        }
        if (running && System.nanoTime() >= nextCheckpoint) {
          checkpoint.accept(positions(partitions));
          nextCheckpoint = System.nanoTime() + checkpointEvery.toNanos();
        }
      }
      stoppedAt = positions(partitions);
    } catch (WakeupException e) {
      if (running) {
        LOG.error("review state reader woken unexpectedly", e);
      } else if (reading) {
        stoppedAt = positions(partitions);
      }
    } catch (RuntimeException e) {
      LOG.error("review state reader stopped on an unexpected error", e);
    } finally {
      // A reader that stopped keeps nothing current: the queue it rebuilt only grows stale from here.
      caughtUp = false;
      paused = 0;
      consumer.close();
      deadLetterProducer.close(Duration.ofSeconds(5));
      stopped.countDown();
    }
  }

  /** Where each partition is read up to; a wakeup still pending from {@link #close()} is spent first. */
  private Map<TopicPartition, Long> positions(List<TopicPartition> partitions) {
    Map<TopicPartition, Long> positions = new HashMap<>();
    for (TopicPartition partition : partitions) {
      long position;
      try {
        position = consumer.position(partition);
      } catch (WakeupException e) {
        position = consumer.position(partition); // a wakeup is thrown once
      }
      positions.put(partition, position);
    }
    return Map.copyOf(positions);
  }

  /** Reads {@code partition} again from {@code offset}, once its intake has room. */
  private void waitInKafka(TopicPartition partition, long offset) {
    consumer.seek(partition, offset);
    consumer.pause(List.of(partition));
    waitingForRoom.add(partition);
    paused = waitingForRoom.size();
  }

  private void resumeWhereRoom() {
    List<TopicPartition> room = waitingForRoom.stream().filter(p -> handlers.hasRoom(p.topic())).toList();
    if (!room.isEmpty()) {
      room.forEach(waitingForRoom::remove);
      consumer.resume(room.stream().filter(p -> !heldBack.contains(p)).toList());
      paused = waitingForRoom.size();
    }
  }

  /** Holds back the partitions read ahead of the slowest one still being read, lets go of those it caught up with. */
  private void keepInStep(List<TopicPartition> partitions) {
    List<TopicPartition> reading = new ArrayList<>();
    for (TopicPartition partition : partitions) {
      Long end = startupEnd.get(partition);
      if (end != null && !waitingForRoom.contains(partition) && consumer.position(partition) < end) {
        reading.add(partition);
      }
    }
    Set<TopicPartition> ahead = inStep.ahead(reading);
    List<TopicPartition> inStepAgain = heldBack.stream().filter(p -> !ahead.contains(p)).toList();
    inStepAgain.forEach(heldBack::remove);
    consumer.resume(inStepAgain.stream().filter(p -> !waitingForRoom.contains(p)).toList());
    ahead.removeAll(heldBack);
    heldBack.addAll(ahead);
    consumer.pause(ahead);
  }

  /** Rebuilt: from here records are read as they come. */
  private void releaseHeldBack() {
    consumer.resume(heldBack.stream().filter(p -> !waitingForRoom.contains(p)).toList());
    heldBack.clear();
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
          alreadyDeadLettered.add(sourceOf(letter));
        } catch (RuntimeException e) {
          LOG.warn("unreadable dead letter {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
        }
      }
    }
  }

  private boolean reachedStartupEnd() {
    return reached(startupEnd);
  }

  /** Offsets read of those present at start-up; a partition waiting for room counts as read, as for readiness. */
  private long readOfStartupEnd() {
    Set<TopicPartition> waiting = waitingForRoom;
    long read = 0;
    for (Map.Entry<TopicPartition, Long> end : startupEnd.entrySet()) {
      long position = waiting.contains(end.getKey()) ? end.getValue()
          : Math.min(consumer.position(end.getKey()), end.getValue());
      read += position - startupBeginning.get(end.getKey());
    }
    return read;
  }

  /**
   * Whether every partition was read up to {@code ends}, or up to a record that waits for room: such a record is
   * taken in as soon as answers make room, and waiting for it would keep a full queue from ever being ready.
   */
  private boolean reached(Map<TopicPartition, Long> ends) {
    Set<TopicPartition> waiting = waitingForRoom;
    for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
      if (!waiting.contains(end.getKey()) && consumer.position(end.getKey()) < end.getValue()) {
        return false;
      }
    }
    return true;
  }

  /**
   * Applies one record to the state. Package-private for tests.
   *
   * @return false when its intake has no room for it: it is to be read again later
   */
  boolean apply(ConsumerRecord<String, byte[]> record) {
    try {
      return handlers.apply(record);
    } catch (RuntimeException e) {
      counts.unreadable();
      LOG.warn("cannot apply {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
      if (record.topic().equals(Topics.REVIEW_REQUESTS.name())) {
        deadLetterOnce(record, e);
      }
      return true;
    }
  }

  private static String sourceOf(DeadLetter letter) {
    return letter.getSourceTopic() + "/" + letter.getSourcePartition() + "/" + letter.getSourceOffset();
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
