package io.labelstream.review.dataset;

import io.labelstream.review.ReviewFixtures;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.LabelSource;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Labels as the inference worker and the review service write them, and what the dataset tests check with. */
final class DatasetFixtures {

  static final String TOKENS = "root:root-secret-token:admin,ada:ada-secret-token:reviewer";
  static final String ADMIN_TOKEN = "root-secret-token";
  static final String REVIEWER_TOKEN = "ada-secret-token";

  private DatasetFixtures() {}

  static Label model(String frameId, String label, int classIndex, double confidence, Instant at) {
    return Label.newBuilder().setFrameId(frameId).setLabel(label).setClassIndex(classIndex).setSource(LabelSource.MODEL)
        .setConfidence(confidence).setModelName("fashion-mnist-ensemble").setModelVersion("1.0.0").setLabelledAt(at)
        .build();
  }

  static Label human(String frameId, String label, int classIndex, String reviewer, Instant at) {
    return Label.newBuilder().setFrameId(frameId).setLabel(label).setClassIndex(classIndex).setSource(LabelSource.HUMAN)
        .setReviewerIds(List.of(reviewer)).setTaskId("low-confidence-" + frameId).setLabelledAt(at).build();
  }

  /** Writes labels to labels.v1 in order and waits until the broker has every one. */
  static void produce(String bootstrapServers, List<Label> labels) {
    AtomicReference<Exception> failed = new AtomicReference<>();
    Map<String, Object> config = ReviewFixtures.producerConfig(bootstrapServers);
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    try (KafkaProducer<String, Label> producer = new KafkaProducer<>(config,
        Topics.LABELS.keySerde().serializer(), Topics.LABELS.valueSerde().serializer())) {
      for (Label label : labels) {
        producer.send(new ProducerRecord<>(Topics.LABELS.name(), label.getFrameId(), label), (metadata, error) -> {
          if (error != null) {
            failed.compareAndSet(null, error);
          }
        });
      }
      producer.flush();
    }
    if (failed.get() != null) {
      throw new IllegalStateException("labels were not written", failed.get());
    }
  }

  static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
