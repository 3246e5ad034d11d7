package io.labelstream.review.dataset;

import static io.labelstream.review.dataset.DatasetFixtures.ADMIN_TOKEN;
import static io.labelstream.review.dataset.DatasetFixtures.REVIEWER_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.labelstream.kafka.embedded.EmbeddedKafkaExtension;
import io.labelstream.platform.store.FileFrameStore;
import io.labelstream.review.ReviewFixtures;
import io.labelstream.review.ReviewFixtures.Client;
import io.labelstream.review.ReviewService;
import io.labelstream.review.dataset.StoredFrames.Sent;
import io.labelstream.schemas.FleetFrameProducer;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.Prediction;
import io.labelstream.schemas.avro.Route;
import io.labelstream.testsupport.CameraFrames;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17's target: a dataset snapshot exported after its frames have left frames.v1 contains every image, byte for
 * byte, small frames that travelled inline included; and a flag on an old label still shows its image (its
 * prediction gone from predictions.v1 as well). Real broker,
 * real filesystem frame store, frames written the way ingest and inference write them with a store configured.
 */
class FramesOutliveKafkaIT {

  @RegisterExtension
  static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  private static final List<String> CLASSES = ReviewFixtures.BUNDLED_CLASSES;

  @TempDir
  Path storeDir;

  @Test
  void shouldExportEveryStoredImageByteForByteAfterFramesV1LostItsRecordsAndShowAnOldLabelsImageWhenFlagged()
      throws Exception {
    String bootstrap = KAFKA.bootstrapServers();
    StoredFrames.ensureTopics(bootstrap);
    FileFrameStore store = new FileFrameStore(storeDir);
    List<Sent> frames = new ArrayList<>();
    // Small PNGs travel inline as well as by reference; camera-sized JPEGs by reference only.
    for (int i = 0; i < 4; i++) {
      frames.add(StoredFrames.ingest(bootstrap, store, "small-" + i, ReviewFixtures.samplePng(60 + i), "image/png", true));
    }
    for (int i = 0; i < 4; i++) {
      frames.add(StoredFrames.ingest(bootstrap, store, "camera-" + i, CameraFrames.streamJpeg(1280, 720, 17 + i),
          "image/jpeg", false));
    }
    // Frames 0-4 the model labels; 5-7 go to people, who answer through the API.
    Map<String, String> expectedClass = new LinkedHashMap<>();
    List<Prediction> predictions = new ArrayList<>();
    for (int i = 0; i < frames.size(); i++) {
      int c = i % CLASSES.size();
      Prediction prediction = StoredFrames.predict(bootstrap, frames.get(i), CLASSES.get(c), c, i < 5 ? 0.97 : 0.6,
          i < 5 ? Route.MODEL_LABEL : Route.REVIEW);
      predictions.add(prediction);
      if (i < 5) {
        StoredFrames.modelLabel(bootstrap, frames.get(i), prediction);
        expectedClass.put(frames.get(i).frameId(), CLASSES.get(c));
      } else {
        StoredFrames.requestReview(bootstrap, frames.get(i), prediction);
      }
    }
    // A frame from before the store: no reference anywhere, its image only in frames.v1.
    byte[] legacyImage = ReviewFixtures.samplePng(70);
    var legacyFrame = FleetFrameProducer.frame("old-cam", null, "legacy", "image/png", legacyImage, 28, 28, null);
    StoredFrames.send(bootstrap, Topics.FRAMES.name(), legacyFrame.getFrameId(), legacyFrame);
    StoredFrames.send(bootstrap, Topics.LABELS.name(), legacyFrame.getFrameId(),
        DatasetFixtures.model(legacyFrame.getFrameId(), "Bag", 8, 0.99, Instant.now()));

    // A frame ingest sent by reference only, whose label did not copy the reference (an older inference worker):
    // found through its frames.v1 record's reference while that record lasts, never exported as an empty file.
    Sent unreferenced = StoredFrames.ingest(bootstrap, store, "label-without-ref", ReviewFixtures.samplePng(71),
        "image/png", false);
    StoredFrames.send(bootstrap, Topics.LABELS.name(), unreferenced.frameId(),
        DatasetFixtures.model(unreferenced.frameId(), "Bag", 8, 0.99, Instant.now()));

    String datasetId;
    try (ReviewService review = StoredFrames.startReview(bootstrap, storeDir, Map.of())) {
      Client ada = new Client(review.port(), REVIEWER_TOKEN);
      Client root = new Client(review.port(), ADMIN_TOKEN);
      await().atMost(Duration.ofSeconds(20)).until(() -> review.openTasks() == 3);
      for (int answered = 0; answered < 3; answered++) {
        JsonNode task = ada.json(ada.claim());
        Sent frame = frames.stream().filter(f -> f.frameId().equals(task.get("frameId").asText())).findFirst()
            .orElseThrow();
        HttpResponse<byte[]> image = ada.getBytes(task.get("imageUrl").asText());
        assertThat(image.statusCode()).isEqualTo(200);
        assertThat(image.headers().firstValue("Content-Type")).hasValue(frame.ref().getContentType());
        assertThat(image.body()).as("the task's image, from the store").isEqualTo(frame.image());
        assertThat(ada.submit(task.get("taskId").asText(), "Coat").statusCode()).isEqualTo(200);
        expectedClass.put(frame.frameId(), "Coat");
      }
      for (Sent frame : frames) {
        await().atMost(Duration.ofSeconds(20)).until(() -> root.get("/v1/labels/" + frame.frameId()).statusCode() == 200);
      }
      for (String frameId : List.of(legacyFrame.getFrameId(), unreferenced.frameId())) {
        await().atMost(Duration.ofSeconds(20)).until(() -> root.get("/v1/labels/" + frameId).statusCode() == 200);
      }
      JsonNode snapshot = root.json(root.post("/v1/datasets", null));
      datasetId = snapshot.get("id").asText();
      assertThat(snapshot.get("total").asLong()).isEqualTo(10);
      assertThat(snapshot.get("countsBySource").get("HUMAN").asLong()).isEqualTo(3);

      Map<String, byte[]> before = StoredFrames.unzip(export(root, datasetId));
      assertThat(before).as("frames.v1 still holds every frame").doesNotContainKey(FoldersZip.MISSING);
      assertThat(before).hasSize(10);
      assertThat(before.get("Bag/" + ExportNames.frameFile(unreferenced.frameId()) + ".png"))
          .isEqualTo(unreferenced.image());
    }

    // Retention takes the predictions too: a flag must not need them either.
    StoredFrames.deleteAllRecords(bootstrap, Topics.FRAMES.name());
    StoredFrames.deleteAllRecords(bootstrap, Topics.PREDICTIONS.name());

    try (ReviewService review = StoredFrames.startReview(bootstrap, storeDir, Map.of())) {
      Client root = new Client(review.port(), ADMIN_TOKEN);
      Map<String, byte[]> entries = StoredFrames.unzip(export(root, datasetId));
      List<String> classFolders = ExportNames.classFolders(CLASSES);
      for (Sent frame : frames) {
        String folder = classFolders.get(CLASSES.indexOf(expectedClass.get(frame.frameId())));
        String name = folder + "/" + ExportNames.frameFile(frame.frameId()) + "."
            + ExportNames.extension(frame.ref().getContentType());
        assertThat(entries).as(name).containsKey(name);
        assertThat(DatasetFixtures.sha256(entries.get(name))).as("%s byte for byte", name)
            .isEqualTo(DatasetFixtures.sha256(frame.image())).isEqualTo(frame.ref().getSha256());
      }
      assertThat(new String(entries.get(FoldersZip.MISSING), StandardCharsets.UTF_8).lines())
          .as("only the frames whose labels name no stored image are missing")
          .containsExactlyInAnyOrder(legacyFrame.getFrameId(), unreferenced.frameId());
      assertThat(entries).hasSize(frames.size() + 1).doesNotContainKey(FoldersZip.REFUSED);

      // A restarted service knows each frame's image from the records that named it, not from frames.v1.
      Sent old = frames.get(1);
      Sent reviewed = frames.get(6);
      Client bea = new Client(review.port(), "bea-secret-token");
      for (Sent flagged : List.of(old, reviewed)) {
        HttpResponse<String> flag = root.post("/v1/labels/" + flagged.frameId() + "/flag", "{\"reason\":\"look again\"}");
        assertThat(flag.statusCode()).as(flag.body()).isEqualTo(202);
        JsonNode task = bea.json(bea.claim());
        assertThat(task.get("frameId").asText()).isEqualTo(flagged.frameId());
        HttpResponse<byte[]> image = bea.getBytes(task.get("imageUrl").asText());
        assertThat(image.statusCode()).isEqualTo(200);
        assertThat(image.body()).as("the flagged frame's image, long gone from frames.v1").isEqualTo(flagged.image());
        assertThat(bea.submit(task.get("taskId").asText(), "Sandal").statusCode()).isEqualTo(200);
      }
      HttpResponse<String> legacyFlag = root.post("/v1/labels/" + legacyFrame.getFrameId() + "/flag",
          "{\"reason\":\"look again\"}");
      assertThat(legacyFlag.statusCode()).as("a frame only frames.v1 had").isIn(409, 410);

      await().atMost(Duration.ofSeconds(20)).until(() -> "Sandal".equals(
          root.json(root.get("/v1/labels/" + old.frameId())).get("label").asText()));
      JsonNode history = root.json(root.get("/v1/frames/" + old.frameId() + "/history"));
      assertThat(history.get("image").get("sha256").asText()).isEqualTo(old.ref().getSha256());

      // The flag's answer is a HUMAN label carrying the reference: a new snapshot exports its image too.
      JsonNode second = root.json(root.post("/v1/datasets", null));
      Map<String, byte[]> after = StoredFrames.unzip(export(root, second.get("id").asText()));
      String sandals = classFolders.get(CLASSES.indexOf("Sandal"));
      assertThat(after.get(sandals + "/" + ExportNames.frameFile(old.frameId()) + ".png")).isEqualTo(old.image());
      assertThat(after.get(sandals + "/" + ExportNames.frameFile(reviewed.frameId()) + ".jpg"))
          .isEqualTo(reviewed.image());

      // A retention pass keeps every image: their frames left frames.v1, but labels and snapshots hold them.
      JsonNode collected = root.json(root.post("/v1/admin/frame-store/collect", null));
      assertThat(collected.get("deleted").asInt()).as(collected.toString()).isZero();
      assertThat(collected.get("needed").asInt()).as(collected.toString()).isGreaterThanOrEqualTo(frames.size());
      Map<String, byte[]> afterCollection = StoredFrames.unzip(export(root, second.get("id").asText()));
      assertThat(afterCollection.keySet()).isEqualTo(after.keySet());
      after.forEach((name, bytes) -> assertThat(afterCollection.get(name)).as(name).isEqualTo(bytes));
    }
  }

  private static byte[] export(Client root, String datasetId) throws Exception {
    HttpResponse<byte[]> response = root.getBytes("/v1/datasets/" + datasetId + "/export?format=folders");
    assertThat(response.statusCode()).as(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(200);
    return response.body();
  }
}
