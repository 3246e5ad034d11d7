package io.labelstream.review.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelstream.kafka.embedded.EmbeddedKafkaExtension;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.kafka.KafkaClients;
import io.labelstream.platform.kafka.KafkaSettings;
import io.labelstream.platform.kafka.TopicProvisioner;
import io.labelstream.schemas.Topics;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The state reader against a real broker: rebuilding, it reads a small topic in step with a large one by record
 * time, so neither answers nor predictions arrive long before their other half, and it still reads every record.
 */
class StateTailerIT {

  @RegisterExtension
  static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  private static final long T0 = Instant.parse("2026-12-01T00:00:00Z").toEpochMilli();
  private static final int PREDICTIONS = 300_000;
  /** One prediction every 10 ms of record time: 3,000 s in all. */
  private static final long SPACING_MS = 10;
  private static final long SPAN_MS = PREDICTIONS * SPACING_MS;

  @Test
  void shouldReadTheTopicsInStepByRecordTimeWhileRebuilding() throws Exception {
    KafkaSettings kafka = KafkaSettings.from(new Env(Map.of("KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers())));
    TopicProvisioner.ensureTopics(kafka);
    int answers = writeOneAnswerForEveryFifthPrediction();
    AtomicLong predictionsRead = new AtomicLong();
    AtomicLong answersRead = new AtomicLong();
    AtomicLong latestPrediction = new AtomicLong(T0);
    AtomicLong latestAnswer = new AtomicLong(T0);
    AtomicLong mostApart = new AtomicLong();
    StateHandlers handlers = new StateHandlers()
        .onRaw(Topics.PREDICTIONS, record -> {
          predictionsRead.incrementAndGet();
          latestPrediction.accumulateAndGet(record.timestamp(), Math::max);
          mostApart.accumulateAndGet(Math.abs(latestPrediction.get() - latestAnswer.get()), Math::max);
        })
        .onRaw(Topics.REVIEW_RESULTS, record -> {
          answersRead.incrementAndGet();
          latestAnswer.accumulateAndGet(record.timestamp(), Math::max);
          mostApart.accumulateAndGet(Math.abs(latestPrediction.get() - latestAnswer.get()), Math::max);
        });

    try (FrameBytes store = FrameBytes.inMemory();
        StateTailer tailer = new StateTailer(kafka, "in-step", handlers, new PipelineCounts(store))) {
      Thread reader = new Thread(tailer, "review-state-test");
      reader.start();
      tailer.rebuilt().get(2, TimeUnit.MINUTES);
    }

    assertThat(predictionsRead).hasValue(PREDICTIONS);
    assertThat(answersRead).hasValue(answers);
    // Read side by side, one topic runs far ahead of the other (most of the 3,000 s: what waits for its other half,
    // a prediction for its answer or an answer for its prediction, piles up in the heap). In step, they are at most
    // the window and what one poll returns of a partition apart (500 answers: 150 s).
    assertThat(mostApart.get()).as("how far apart in record time the two topics were read, ms")
        .isLessThan(SPAN_MS / 10);
  }

  /**
   * Started from a checkpoint's positions after retention took some of the records after them, the reader reads on
   * from the first record still there (not from the end, where a consumer's default reset would take it), and tells
   * where it stopped.
   */
  @Test
  void shouldReadOnFromTheFirstRecordStillThereWhenRetentionTookThoseAfterTheCheckpoint() throws Exception {
    KafkaSettings kafka = KafkaSettings.from(new Env(Map.of("KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers())));
    TopicProvisioner.ensureTopics(kafka);
    TopicPartition letters = new TopicPartition(Topics.FRAMES_DLQ.name(), 0);
    Map<String, Object> config = KafkaClients.at(KAFKA.bootstrapServers(), "test", null).producerOneInFlight("expired");
    long first = -1;
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(),
        new ByteArraySerializer())) {
      for (int i = 0; i < 100; i++) {
        long offset = producer.send(new ProducerRecord<>(letters.topic(), letters.partition(), "f-" + i,
            new byte[] {(byte) i})).get().offset();
        first = i == 0 ? offset : first;
      }
    }
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()))) {
      admin.deleteRecords(Map.of(letters, RecordsToDelete.beforeOffset(first + 40))).all().get(30, TimeUnit.SECONDS);
    }
    List<Long> read = new CopyOnWriteArrayList<>();
    StateHandlers handlers = new StateHandlers().onRaw(Topics.FRAMES_DLQ, record -> {
      if (record.partition() == letters.partition()) {
        read.add(record.offset());
      }
    });

    StateTailer tailer;
    try (FrameBytes store = FrameBytes.inMemory()) {
      tailer = new StateTailer(kafka, "expired", handlers, new PipelineCounts(store));
      tailer.startFrom(Map.of(letters, first + 10));
      Thread reader = new Thread(tailer, "review-state-test");
      reader.start();
      tailer.rebuilt().get(1, TimeUnit.MINUTES);
      tailer.close();
    }

    assertThat(read).hasSize(60).first().isEqualTo(first + 40);
    long end = first + 100;
    assertThat(tailer.stoppedAt()).hasValueSatisfying(at -> assertThat(at).containsEntry(letters, end));
  }

  private static int writeOneAnswerForEveryFifthPrediction() throws Exception {
    Map<String, Object> config = KafkaClients.at(KAFKA.bootstrapServers(), "test", null).producerOneInFlight("in-step");
    config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    int answers = 0;
    byte[] value = {1};
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(),
        new ByteArraySerializer())) {
      for (int i = 0; i < PREDICTIONS; i++) {
        long at = T0 + i * SPACING_MS;
        producer.send(new ProducerRecord<>(Topics.PREDICTIONS.name(), null, at, "frame-" + i, value));
        if (i % 5 == 0) {
          producer.send(new ProducerRecord<>(Topics.REVIEW_RESULTS.name(), null, at + 5, "frame-" + i, value));
          answers++;
        }
      }
      producer.flush();
    }
    return answers;
  }
}
