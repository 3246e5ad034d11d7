package io.labelstream.tools.bench;

import io.labelstream.launcher.SampleFrames;
import io.labelstream.platform.kafka.KafkaClients;
import io.labelstream.platform.model.ModelFolder;
import io.labelstream.platform.model.ModelIdentity;
import io.labelstream.schemas.FrameIds;
import io.labelstream.schemas.TaskIds;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.ClassProbability;
import io.labelstream.schemas.avro.Prediction;
import io.labelstream.schemas.avro.ReviewReason;
import io.labelstream.schemas.avro.ReviewRequest;
import io.labelstream.schemas.avro.Route;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Low-confidence predictions of the bundled model on the bundled sample images, written as the inference worker
 * writes a frame it routes to people: the prediction to predictions.v1 and its review request (with the image inline,
 * as a review service without a frame store reads it) to review.requests.v1.
 */
final class ReviewTasks {

  private final List<SampleFrames.Sample> samples;
  private final List<byte[]> images = new ArrayList<>();
  private final ModelIdentity model;

  private ReviewTasks(List<SampleFrames.Sample> samples, ModelIdentity model) throws IOException {
    this.samples = samples;
    this.model = model;
    for (SampleFrames.Sample sample : samples) {
      images.add(sample.bytes());
    }
  }

  /** The samples in {@code dir} (LABELSTREAM_SAMPLES), as predictions of the bundled model. */
  static ReviewTasks load(Path dir) throws IOException {
    return new ReviewTasks(SampleFrames.load(dir), ModelIdentity.read(ModelFolder.bundled()));
  }

  /** Writes {@code n} tasks, each for a new frame, and waits for every acknowledgement. */
  void write(String bootstrapServers, int n) throws Exception {
    Map<String, Object> config = KafkaClients.at(bootstrapServers, "bench", null).producerOneInFlight("review-tasks");
    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(),
        new ByteArraySerializer())) {
      List<Future<?>> sent = new ArrayList<>(2 * n);
      for (int i = 0; i < n; i++) {
        ReviewRequest request = request(i);
        String frameId = request.getFrameId();
        sent.add(producer.send(new ProducerRecord<>(Topics.PREDICTIONS.name(), frameId,
            Topics.PREDICTIONS.valueSerde().serializer().serialize(Topics.PREDICTIONS.name(), request.getPrediction()))));
        sent.add(producer.send(new ProducerRecord<>(Topics.REVIEW_REQUESTS.name(), frameId,
            Topics.REVIEW_REQUESTS.valueSerde().serializer().serialize(Topics.REVIEW_REQUESTS.name(), request))));
      }
      for (Future<?> ack : sent) {
        ack.get();
      }
    }
  }

  /**
   * The i-th task: sample {@code i} cycled, predicted as its true class with a score below any threshold, spread so
   * that the queue's most-uncertain-first order has distinct priorities to sort.
   */
  private ReviewRequest request(int i) {
    SampleFrames.Sample sample = samples.get(i % samples.size());
    String frameId = FrameIds.random();
    double score = 0.3 + 0.6 * (i % 97) / 97.0;
    Instant now = Instant.now();
    Prediction prediction = Prediction.newBuilder()
        .setFrameId(frameId).setDeviceId("bench").setModelName(model.name()).setModelVersion(model.version())
        .setClassIndex(sample.classIndex()).setLabel(sample.className())
        .setTopK(List.of(new ClassProbability(sample.classIndex(), sample.className(), score)))
        .setMaxProbability(score).setMargin(score / 2).setEntropy(1.0).setMutualInformation(0.1)
        .setScore(score).setThreshold(0.95).setRoute(Route.REVIEW).setPredictedAt(now)
        .build();
    return ReviewRequest.newBuilder()
        .setTaskId(TaskIds.of(frameId, ReviewReason.LOW_CONFIDENCE))
        .setFrameId(frameId).setReason(ReviewReason.LOW_CONFIDENCE).setPriority(1 - score)
        .setPrediction(prediction).setContentType("image/png")
        .setImage(ByteBuffer.wrap(images.get(i % images.size())))
        .setRequestedAt(now)
        .build();
  }
}
