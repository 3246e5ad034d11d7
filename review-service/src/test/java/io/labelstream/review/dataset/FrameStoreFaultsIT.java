package io.labelstream.review.dataset;

import static io.labelstream.review.dataset.DatasetFixtures.ADMIN_TOKEN;
import static io.labelstream.review.dataset.DatasetFixtures.REVIEWER_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.labelstream.kafka.embedded.EmbeddedKafkaExtension;
import io.labelstream.kafka.embedded.TopicRecords;
import io.labelstream.platform.store.FileFrameStore;
import io.labelstream.review.ReviewFixtures;
import io.labelstream.review.ReviewFixtures.Client;
import io.labelstream.review.ReviewService;
import io.labelstream.review.dataset.StoredFrames.Sent;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.GoldFrame;
import io.labelstream.schemas.avro.Prediction;
import io.labelstream.schemas.avro.Route;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the review service does when the frame store refuses: a corrupted object is never served (a clear error, a
 * metric, and a folders export that leaves it out and says so), a store that does not answer is a 503 with
 * Retry-After; and gold frames added with a store are kept there. Real broker, real filesystem store.
 */
class FrameStoreFaultsIT {

  @RegisterExtension
  static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  /** One store for the class, as one deployment has: each test's labels end up in the others' snapshots. */
  @TempDir
  static Path storeDir;

  @Test
  void shouldRefuseACorruptedImageOnThePageAndInTheExportAndCountIt() throws Exception {
    String bootstrap = KAFKA.bootstrapServers();
    StoredFrames.ensureTopics(bootstrap);
    FileFrameStore store = new FileFrameStore(storeDir);
    Sent task = StoredFrames.ingest(bootstrap, store, "corrupt-task", ReviewFixtures.samplePng(80), "image/png", false);
    Sent labelled = StoredFrames.ingest(bootstrap, store, "corrupt-label", ReviewFixtures.samplePng(81), "image/png",
        true);
    Sent healthy = StoredFrames.ingest(bootstrap, store, "healthy", ReviewFixtures.samplePng(82), "image/png", false);
    StoredFrames.requestReview(bootstrap, task, StoredFrames.predict(bootstrap, task, "Bag", 8, 0.6, Route.REVIEW));
    for (Sent frame : new Sent[] {labelled, healthy}) {
      Prediction prediction = StoredFrames.predict(bootstrap, frame, "Bag", 8, 0.99, Route.MODEL_LABEL);
      StoredFrames.modelLabel(bootstrap, frame, prediction);
    }
    // A flipped bit, as a failing disk makes: same size, other bytes. The other one is cut short.
    corrupt(storeDir.resolve(task.ref().getKey()), true);
    corrupt(storeDir.resolve(labelled.ref().getKey()), false);

    try (ReviewService review = StoredFrames.startReview(bootstrap, storeDir, Map.of())) {
      Client ada = new Client(review.port(), REVIEWER_TOKEN);
      Client root = new Client(review.port(), ADMIN_TOKEN);
      JsonNode claimed = claim(review, ada, task.frameId());
      HttpResponse<String> image = ada.get(claimed.get("imageUrl").asText());
      assertThat(image.statusCode()).as(image.body()).isEqualTo(500);
      assertThat(ada.json(image).get("error").asText()).isEqualTo("image_corrupt");
      assertThat(image.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
      assertThat(metric(review.port(), "corrupt")).isEqualTo(1.0);

      await().atMost(Duration.ofSeconds(20)).until(() -> root.get("/v1/labels/" + healthy.frameId()).statusCode() == 200
          && root.get("/v1/labels/" + labelled.frameId()).statusCode() == 200);
      String id = root.json(root.post("/v1/datasets", null)).get("id").asText();
      HttpResponse<byte[]> export = root.getBytes("/v1/datasets/" + id + "/export?format=folders");
      assertThat(export.statusCode()).isEqualTo(200);
      Map<String, byte[]> entries = StoredFrames.unzip(export.body());
      assertThat(entries.get("Bag/" + ExportNames.frameFile(healthy.frameId()) + ".png")).isEqualTo(healthy.image());
      assertThat(entries).doesNotContainKey("Bag/" + ExportNames.frameFile(labelled.frameId()) + ".png")
          .doesNotContainKey(FoldersZip.MISSING);
      assertThat(new String(entries.get(FoldersZip.REFUSED), StandardCharsets.UTF_8).lines())
          .singleElement().asString().startsWith(labelled.frameId() + "\t").contains(labelled.ref().getSha256());
      assertThat(metric(review.port(), "corrupt")).isEqualTo(2.0);
      assertThat(metric(review.port(), "ok")).isGreaterThanOrEqualTo(1.0);
      assertThat(ada.submit(claimed.get("taskId").asText(), "Bag").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void shouldAnswer503WithRetryAfterWhileTheStoreIsDownAndServeTheImageOnceItIsBack() throws Exception {
    String bootstrap = KAFKA.bootstrapServers();
    StoredFrames.ensureTopics(bootstrap);
    FileFrameStore store = new FileFrameStore(storeDir);
    Sent frame = StoredFrames.ingest(bootstrap, store, "down", ReviewFixtures.samplePng(83), "image/png", false);
    StoredFrames.modelLabel(bootstrap, frame, StoredFrames.predict(bootstrap, frame, "Bag", 8, 0.99, Route.MODEL_LABEL));
    Sent task = StoredFrames.ingest(bootstrap, store, "down-task", ReviewFixtures.samplePng(84), "image/png", false);
    StoredFrames.requestReview(bootstrap, task, StoredFrames.predict(bootstrap, task, "Bag", 8, 0.6, Route.REVIEW));

    try (ReviewService review = StoredFrames.startReview(bootstrap, storeDir, Map.of())) {
      Client ada = new Client(review.port(), REVIEWER_TOKEN);
      Client root = new Client(review.port(), ADMIN_TOKEN);
      await().atMost(Duration.ofSeconds(20)).until(() -> root.get("/v1/labels/" + frame.frameId()).statusCode() == 200);
      String id = root.json(root.post("/v1/datasets", null)).get("id").asText();
      JsonNode claimed = claim(review, ada, task.frameId());

      // The store's volume is gone (unmounted, a network share down): a file where its folder was.
      Path away = Files.move(storeDir, storeDir.resolveSibling(storeDir.getFileName() + "-away"));
      Files.writeString(storeDir, "not a folder");
      HttpResponse<String> image = ada.get(claimed.get("imageUrl").asText());
      assertThat(image.statusCode()).as(image.body()).isEqualTo(503);
      assertThat(ada.json(image).get("error").asText()).isEqualTo("frame_store_unavailable");
      assertThat(image.headers().firstValue("Retry-After")).hasValue("5");
      assertThat(image.body()).doesNotContain(storeDir.toString());
      HttpResponse<String> export = root.get("/v1/datasets/" + id + "/export?format=folders");
      assertThat(export.statusCode()).as(export.body()).isEqualTo(503);
      assertThat(root.json(export).get("error").asText()).isEqualTo("frame_store_unavailable");
      HttpResponse<String> flag = root.post("/v1/labels/" + frame.frameId() + "/flag", "{\"reason\":\"x\"}");
      assertThat(flag.statusCode()).as("no task is made while its image cannot be read").isEqualTo(503);
      assertThat(metric(review.port(), "unavailable")).isEqualTo(3.0);

      Files.delete(storeDir);
      Files.move(away, storeDir);
      HttpResponse<byte[]> back = ada.getBytes(claimed.get("imageUrl").asText());
      assertThat(back.statusCode()).isEqualTo(200);
      assertThat(back.body()).isEqualTo(task.image());
      assertThat(root.getBytes("/v1/datasets/" + id + "/export?format=folders").statusCode()).isEqualTo(200);
      assertThat(ada.submit(claimed.get("taskId").asText(), "Bag").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void shouldKeepGoldImagesInTheStoreAndStillShowGoldFramesAddedBeforeIt() throws Exception {
    String bootstrap = KAFKA.bootstrapServers();
    StoredFrames.ensureTopics(bootstrap);
    byte[] old = ReviewFixtures.samplePng(85);
    byte[] added = ReviewFixtures.samplePng(86);
    // A gold frame from before the store: its bytes in its record.
    StoredFrames.send(bootstrap, Topics.REVIEW_GOLD.name(), "old-gold", GoldFrame.newBuilder().setGoldId("old-gold")
        .setLabel("Bag").setClassIndex(8).setContentType("image/png").setImage(ByteBuffer.wrap(old))
        .setAddedBy("root").setAddedAt(Instant.now()).setFrameIdKey(ByteBuffer.wrap(new byte[32])).build());
    try (ReviewService review = StoredFrames.startReview(bootstrap, storeDir, Map.of("REVIEW_GOLD_RATE", "1"))) {
      Client root = new Client(review.port(), ADMIN_TOKEN);
      HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + review.port() + "/v1/admin/gold"))
          .header("Authorization", "Bearer " + ADMIN_TOKEN).header("Content-Type", "image/png")
          .header("X-Label", "Coat").POST(HttpRequest.BodyPublishers.ofByteArray(added)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
      GoldFrame written = TopicRecords.readAll(bootstrap, Topics.REVIEW_GOLD.name()).stream()
          .map(r -> Topics.REVIEW_GOLD.valueSerde().deserializer().deserialize(r.topic(), r.value()))
          .filter(g -> g.getImageRef() != null).findFirst().orElseThrow();
      assertThat(written.getImage().remaining()).as("the record carries the reference, not the bytes").isZero();
      assertThat(new FileFrameStore(storeDir).get(written.getImageRef())).isEqualTo(added);

      Client ada = new Client(review.port(), REVIEWER_TOKEN);
      await().atMost(Duration.ofSeconds(10)).until(() -> root.json(root.get("/v1/admin/gold")).size() == 2);
      java.util.Set<String> shown = new java.util.HashSet<>();
      for (int i = 0; i < 2; i++) {
        JsonNode task = ada.json(ada.claim());
        byte[] image = ada.getBytes(task.get("imageUrl").asText()).body();
        shown.add(java.util.Arrays.equals(image, old) ? "old" : java.util.Arrays.equals(image, added) ? "added" : "?");
        assertThat(ada.submit(task.get("taskId").asText(), "Coat").statusCode()).isEqualTo(200);
      }
      assertThat(shown).containsExactlyInAnyOrder("old", "added");
    }
  }

  /** Claims until the task of {@code frameId} comes (other tests' tasks may be open too). */
  private static JsonNode claim(ReviewService review, Client reviewer, String frameId) throws Exception {
    Client root = new Client(review.port(), ADMIN_TOKEN);
    await().atMost(Duration.ofSeconds(20)).until(() -> root.json(root.get("/v1/admin/queue")).findValuesAsText("frameId")
        .contains(frameId));
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> claimed = reviewer.claim();
      assertThat(claimed.statusCode()).as(claimed.body()).isEqualTo(200);
      JsonNode task = reviewer.json(claimed);
      if (task.get("frameId").asText().equals(frameId)) {
        return task;
      }
      reviewer.post("/v1/tasks/" + task.get("taskId").asText() + "/skip", null);
    }
    throw new AssertionError("the task of " + frameId + " never came");
  }

  private static void corrupt(Path object, boolean sameSize) throws Exception {
    byte[] bytes = Files.readAllBytes(object);
    if (sameSize) {
      bytes[bytes.length / 2] ^= 0x01;
      Files.write(object, bytes);
    } else {
      Files.write(object, java.util.Arrays.copyOf(bytes, bytes.length - 10));
    }
  }

  /** {@code labelstream_frame_store_requests_total{operation="get",outcome=...}} as /metrics says. */
  private static double metric(int port, String outcome) throws Exception {
    String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
        + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    return body.lines().filter(line -> line.startsWith("labelstream_frame_store_requests_total{")
            && line.contains("operation=\"get\"") && line.contains("outcome=\"" + outcome + "\""))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
  }
}
