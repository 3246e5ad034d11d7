package io.labelstream.review.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labelstream.platform.config.Env;
import io.labelstream.platform.kafka.KafkaSettings;
import io.labelstream.platform.kafka.TopicProvisioner;
import io.labelstream.platform.kafka.TopicRoutedSerializer;
import io.labelstream.platform.store.FrameStore;
import io.labelstream.review.ReviewFixtures;
import io.labelstream.review.ReviewService;
import io.labelstream.review.config.ReviewConfig;
import io.labelstream.schemas.FleetFrameProducer;
import io.labelstream.schemas.TaskIds;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.ClassProbability;
import io.labelstream.schemas.avro.Frame;
import io.labelstream.schemas.avro.FrameRecord;
import io.labelstream.schemas.avro.ImageRef;
import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.LabelSource;
import io.labelstream.schemas.avro.Prediction;
import io.labelstream.schemas.avro.ReviewReason;
import io.labelstream.schemas.avro.ReviewRequest;
import io.labelstream.schemas.avro.Route;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Frames and what the pipeline writes about them, the way ingest and inference write them once a frame store is
 * configured: the image stored first, then records carrying its reference (and, for small frames, the bytes too).
 */
final class StoredFrames {

  private StoredFrames() {}

  /** A frame as ingest accepted it: stored, then in frames.v1 with its reference and, when {@code inline}, its bytes. */
  record Sent(String frameId, byte[] image, ImageRef ref, RecordMetadata at) {}

  /** The topics, as the services make them at start (the broker creates none on its own). */
  static void ensureTopics(String bootstrap) {
    TopicProvisioner.ensureTopics(KafkaSettings.from(new Env(Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrap))));
  }

  static Sent ingest(String bootstrap, FrameStore store, String name, byte[] image, String contentType, boolean inline)
      throws Exception {
    ImageRef ref = store.put(image, contentType);
    Frame frame = Frame.newBuilder(FleetFrameProducer.frame("store-cam", null, name, contentType, image, 28, 28, null))
        .setImage(inline ? ByteBuffer.wrap(image) : ByteBuffer.allocate(0)).setImageRef(ref).build();
    return new Sent(frame.getFrameId(), image, ref, send(bootstrap, Topics.FRAMES.name(), frame.getFrameId(), frame));
  }

  /** The prediction inference wrote, pointing at the frame's record. */
  static Prediction predict(String bootstrap, Sent frame, String label, int classIndex, double score, Route route)
      throws Exception {
    Prediction prediction = Prediction.newBuilder()
        .setFrameId(frame.frameId()).setModelName("fashion-mnist-ensemble").setModelVersion("test")
        .setClassIndex(classIndex).setLabel(label)
        .setTopK(List.of(new ClassProbability(classIndex, label, score)))
        .setMaxProbability(score).setMargin(score / 2).setEntropy(1.0).setMutualInformation(0.1)
        .setScore(score).setThreshold(0.9).setRoute(route).setPredictedAt(Instant.now())
        .setSourcePartition(frame.at().partition()).setSourceOffset(frame.at().offset())
        .build();
    send(bootstrap, Topics.PREDICTIONS.name(), frame.frameId(), prediction);
    return prediction;
  }

  /** A MODEL label carrying the frame's reference, as inference writes it. */
  static Label modelLabel(String bootstrap, Sent frame, Prediction prediction) throws Exception {
    Label label = Label.newBuilder().setFrameId(frame.frameId()).setLabel(prediction.getLabel())
        .setClassIndex(prediction.getClassIndex()).setSource(LabelSource.MODEL).setConfidence(prediction.getScore())
        .setModelName(prediction.getModelName()).setModelVersion(prediction.getModelVersion())
        .setLabelledAt(Instant.now()).setImageRef(frame.ref()).build();
    send(bootstrap, Topics.LABELS.name(), frame.frameId(), label);
    return label;
  }

  /** A review request carrying the frame's reference and where the frame is, no bytes: as inference writes it. */
  static ReviewRequest requestReview(String bootstrap, Sent frame, Prediction prediction) throws Exception {
    ReviewRequest request = ReviewRequest.newBuilder()
        .setTaskId(TaskIds.of(frame.frameId(), ReviewReason.LOW_CONFIDENCE)).setFrameId(frame.frameId())
        .setReason(ReviewReason.LOW_CONFIDENCE).setPriority(1 - prediction.getScore()).setPrediction(prediction)
        .setContentType(frame.ref().getContentType()).setImageRef(frame.ref())
        .setFrameRecord(FrameRecord.newBuilder().setPartition(frame.at().partition()).setOffset(frame.at().offset())
            .build())
        .setRequestedAt(Instant.now()).build();
    send(bootstrap, Topics.REVIEW_REQUESTS.name(), frame.frameId(), request);
    return request;
  }

  static RecordMetadata send(String bootstrap, String topic, String key, Object value) throws Exception {
    try (KafkaProducer<String, Object> producer = new KafkaProducer<>(ReviewFixtures.producerConfig(bootstrap),
        new StringSerializer(), new TopicRoutedSerializer())) {
      return producer.send(new ProducerRecord<>(topic, key, value)).get();
    }
  }

  /** Deletes every record {@code topic} holds, as its retention eventually does, and checks it is empty. */
  static void deleteAllRecords(String bootstrap, String topic) throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic)
          .partitions().forEach(p -> latest.put(new TopicPartition(topic, p.partition()),
              OffsetSpec.latest()));
      Map<TopicPartition, RecordsToDelete> upToEnd = new HashMap<>();
      admin.listOffsets(latest).all().get().forEach((partition, end) ->
          upToEnd.put(partition, RecordsToDelete.beforeOffset(end.offset())));
      admin.deleteRecords(upToEnd).all().get();
      Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
      latest.keySet().forEach(p -> earliest.put(p, OffsetSpec.earliest()));
      Map<TopicPartition, Long> ends = new HashMap<>();
      upToEnd.forEach((p, r) -> ends.put(p, r.beforeOffset()));
      admin.listOffsets(earliest).all().get().forEach((partition, start) ->
          assertThat(start.offset()).as("%s starts at its end: no record left", partition)
              .isEqualTo(ends.get(partition)));
    }
  }

  /** A review service reading images from the store in the folder {@code store}. */
  static ReviewService startReview(String bootstrap, Path store, Map<String, String> more) {
    Map<String, String> env = new HashMap<>(more);
    env.put("FRAME_STORE", store.toUri().toString());
    return startReview(bootstrap, env);
  }

  /** A review service with the frame store (and anything else) {@code settings} name. */
  static ReviewService startReview(String bootstrap, Map<String, String> settings) {
    Map<String, String> env = new HashMap<>(Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", bootstrap,
        "HTTP_HOST", "127.0.0.1",
        "REVIEW_PORT", "0",
        "REVIEW_TOKENS", DatasetFixtures.TOKENS + ",bea:bea-secret-token:reviewer"));
    env.putAll(settings);
    ReviewService service = ReviewService.start(ReviewConfig.from(new Env(env)));
    await().atMost(Duration.ofSeconds(60)).until(service::ready);
    return service;
  }

  static Map<String, byte[]> unzip(byte[] zip) throws Exception {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip), StandardCharsets.UTF_8)) {
      for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
        assertThat(entries.put(entry.getName(), in.readAllBytes())).as("entry %s once", entry.getName()).isNull();
      }
    }
    return entries;
  }
}
