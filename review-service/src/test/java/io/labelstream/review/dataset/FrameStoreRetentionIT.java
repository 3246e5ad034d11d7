package io.labelstream.review.dataset;

import static io.labelstream.review.dataset.DatasetFixtures.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labelstream.platform.config.Env;
import io.labelstream.platform.store.FileFrameStore;
import io.labelstream.review.ReviewFixtures;
import io.labelstream.review.ReviewFixtures.Client;
import io.labelstream.review.ReviewService;
import io.labelstream.review.config.ReviewConfig;
import io.labelstream.schemas.FleetFrameProducer;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.Frame;
import io.labelstream.schemas.avro.GoldFrame;
import io.labelstream.schemas.avro.ImageRef;
import io.labelstream.schemas.avro.Label;
import io.labelstream.kafka.embedded.EmbeddedKafkaExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention that keeps datasets whole, on a real broker and a real filesystem store: the collector deletes the images
 * nothing needs (labelled longer ago than FRAME_STORE_RETENTION, orphans older than the grace period) and keeps those
 * of frames still in frames.v1, open review requests, gold frames and dataset snapshots; deleting a snapshot
 * releases its images.
 */
class FrameStoreRetentionIT {

  @RegisterExtension
  static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  @TempDir
  Path root;

  @Test
  void shouldDeleteOnlyTheImagesNothingNeedsAndReleaseADeletedSnapshotsImages() throws Exception {
    FileFrameStore store = new FileFrameStore(root);
    Instant now = Instant.now();
    Instant longAgo = now.minus(Duration.ofHours(3));
    ImageRef inFrames = stored(store, "in frames.v1", longAgo);
    ImageRef labelledRecently = stored(store, "labelled a minute ago", longAgo);
    ImageRef inSnapshot = stored(store, "labelled long ago, in a snapshot", longAgo);
    ImageRef labelledLongAgo = stored(store, "labelled long ago", longAgo);
    ImageRef gold = stored(store, "a gold frame", longAgo);
    ImageRef orphan = stored(store, "its Kafka write failed", longAgo);
    ImageRef youngOrphan = stored(store, "its Kafka write is in progress", now);

    try (ReviewService review = start()) { // which creates the topics
      Frame frame = FleetFrameProducer.frame("cam-1", null, null, "image/png", new byte[0], 28, 28, now);
      frame.setImageRef(inFrames);
      produce(Topics.FRAMES.name(), frame.getFrameId(), Topics.FRAMES.valueSerde().serializer().serialize("t", frame));
      produce(Topics.REVIEW_GOLD.name(), "gold-1", Topics.REVIEW_GOLD.valueSerde().serializer().serialize("t",
          GoldFrame.newBuilder().setGoldId("gold-1").setLabel("Trouser").setClassIndex(1).setContentType("image/png")
              .setImage(ByteBuffer.allocate(0)).setAddedBy("root").setAddedAt(now).setImageRef(gold).build()));
      DatasetFixtures.produce(KAFKA.bootstrapServers(), List.of(
          withRef(DatasetFixtures.model("f-snapshot", "Trouser", 1, 0.99, longAgo), inSnapshot)));
      Client admin = new Client(review.port(), ADMIN_TOKEN);
      HttpResponse<String> created = admin.post("/v1/datasets", null);
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      String datasetId = ReviewFixtures.JSON.readTree(created.body()).get("id").asText();
      DatasetFixtures.produce(KAFKA.bootstrapServers(), List.of(
          withRef(DatasetFixtures.model("f-recent", "Coat", 4, 0.99, now.minus(Duration.ofMinutes(1))),
              labelledRecently),
          withRef(DatasetFixtures.model("f-old", "Coat", 4, 0.99, longAgo), labelledLongAgo)));

      HttpResponse<String> first = admin.post("/v1/admin/frame-store/collect", null);

      assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
      assertThat(ReviewFixtures.JSON.readTree(first.body()).get("deleted").asInt()).isEqualTo(2);
      assertThat(store.stat(labelledLongAgo.getKey())).as("labelled longer ago than the retention").isEmpty();
      assertThat(store.stat(orphan.getKey())).as("orphan older than the grace period").isEmpty();
      for (ImageRef kept : List.of(inFrames, labelledRecently, inSnapshot, gold, youngOrphan)) {
        assertThat(store.get(kept)).as("kept %s", kept.getKey()).hasSize((int) kept.getSize());
      }

      HttpResponse<String> deleted = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + review.port() + "/v1/datasets/" + datasetId))
          .header("Authorization", "Bearer " + ADMIN_TOKEN).DELETE().build(), HttpResponse.BodyHandlers.ofString());
      assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(204);
      assertThat(admin.get("/v1/datasets/" + datasetId).statusCode()).isEqualTo(404);

      // The tombstone reaches datasets.v1 before the answer: the next collection no longer counts the snapshot.
      HttpResponse<String> second = admin.post("/v1/admin/frame-store/collect", null);
      assertThat(ReviewFixtures.JSON.readTree(second.body()).get("deleted").asInt()).as(second.body()).isEqualTo(1);
      assertThat(store.stat(inSnapshot.getKey())).as("released with its snapshot").isEmpty();
      assertThat(store.stat(inFrames.getKey())).isPresent();
    }
  }

  private ImageRef stored(FileFrameStore store, String content, Instant modified) throws Exception {
    ImageRef ref = store.put(content.getBytes(java.nio.charset.StandardCharsets.UTF_8), "image/png");
    Files.setLastModifiedTime(root.resolve(ref.getKey()), FileTime.from(modified));
    return ref;
  }

  private static Label withRef(Label label, ImageRef ref) {
    label.setImageRef(ref);
    return label;
  }

  private static void produce(String topic, String key, byte[] value) throws Exception {
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
        ReviewFixtures.producerConfig(KAFKA.bootstrapServers()),
        new org.apache.kafka.common.serialization.StringSerializer(),
        new org.apache.kafka.common.serialization.ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(topic, key, value)).get();
    }
  }

  private ReviewService start() {
    ReviewService service = ReviewService.start(ReviewConfig.from(new Env(Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers(),
        "HTTP_HOST", "127.0.0.1",
        "REVIEW_PORT", "0",
        "REVIEW_TOKENS", DatasetFixtures.TOKENS,
        "FRAME_STORE", root.toUri().toString(),
        "FRAME_STORE_RETENTION", "1h",
        "FRAME_STORE_ORPHAN_GRACE", "1h"))));
    await().atMost(Duration.ofSeconds(30)).until(service::ready);
    return service;
  }
}
