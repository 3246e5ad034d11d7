package io.labelstream.review.state;

import io.labelstream.platform.kafka.KafkaSettings;
import io.labelstream.platform.kafka.TopicRoutedSerializer;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.ReviewResult;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes a reviewer's answer: the {@code ReviewResult} and the HUMAN {@code Label} it makes, in one Kafka
 * transaction, so there is never a label without its answer or an answer without its label.
 */
public final class AnswerWriter implements AutoCloseable {

  private final KafkaProducer<String, Object> producer;

  public AnswerWriter(KafkaSettings kafka, String instanceId) {
    Map<String, Object> props = new HashMap<>(kafka.clientConfig());
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "labelstream-review-" + instanceId);
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "labelstream-review-" + instanceId);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
    this.producer = new KafkaProducer<>(props, new StringSerializer(), new TopicRoutedSerializer());
    this.producer.initTransactions();
  }

  /** Writes both records and returns once they are committed. Callers hold the queue lock. */
  public synchronized void write(ReviewResult result, Label label) {
    producer.beginTransaction();
    try {
      producer.send(new ProducerRecord<>(Topics.REVIEW_RESULTS.name(), result.getFrameId(), result));
      producer.send(new ProducerRecord<>(Topics.LABELS.name(), label.getFrameId(), label));
      producer.commitTransaction();
    } catch (KafkaException e) {
      try {
        producer.abortTransaction();
      } catch (KafkaException abortError) {
        e.addSuppressed(abortError);
      }
      throw e;
    }
  }

  public KafkaProducer<String, Object> producer() {
    return producer;
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
