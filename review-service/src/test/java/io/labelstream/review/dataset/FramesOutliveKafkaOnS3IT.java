package io.labelstream.review.dataset;

import static io.labelstream.review.dataset.DatasetFixtures.ADMIN_TOKEN;
import static io.labelstream.review.dataset.DatasetFixtures.REVIEWER_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.labelstream.kafka.embedded.EmbeddedKafkaExtension;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.store.FrameStore;
import io.labelstream.platform.store.FrameStoreSettings;
import io.labelstream.review.ReviewFixtures;
import io.labelstream.review.ReviewFixtures.Client;
import io.labelstream.review.ReviewService;
import io.labelstream.review.dataset.StoredFrames.Sent;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.Route;
import io.labelstream.testsupport.CameraFrames;
import io.labelstream.testsupport.S3ServerExtension;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The target of {@link FramesOutliveKafkaIT} on the S3 backend: a real S3 server (S3Proxy, a child process speaking
 * the S3 protocol on 127.0.0.1) under a key prefix, the review service's production S3 client reading from it.
 */
class FramesOutliveKafkaOnS3IT {

  @RegisterExtension
  static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  @RegisterExtension
  static final S3ServerExtension S3 = new S3ServerExtension("frames");

  @Test
  void shouldExportEveryImageFromS3AfterFramesV1LostItsRecordsAndAnswer503WhileS3IsDown() throws Exception {
    String bootstrap = KAFKA.bootstrapServers();
    StoredFrames.ensureTopics(bootstrap);
    Map<String, String> s3 = S3.frameStoreVariables("labelstream/frames");
    List<Sent> frames;
    try (FrameStore store = FrameStoreSettings.from(new Env(s3)).open().orElseThrow()) {
      frames = List.of(
          StoredFrames.ingest(bootstrap, store, "s3-small", ReviewFixtures.samplePng(90), "image/png", true),
          StoredFrames.ingest(bootstrap, store, "s3-camera-1", CameraFrames.streamJpeg(1280, 720, 91), "image/jpeg",
              false),
          StoredFrames.ingest(bootstrap, store, "s3-camera-2", CameraFrames.streamJpeg(1280, 720, 92), "image/jpeg",
              false));
    }
    assertThat(frames.get(1).ref().getStore()).startsWith("s3://frames/labelstream/frames");
    for (int i = 0; i < 2; i++) {
      StoredFrames.modelLabel(bootstrap, frames.get(i), StoredFrames.predict(bootstrap, frames.get(i), "Bag", 8, 0.99,
          Route.MODEL_LABEL));
    }
    StoredFrames.requestReview(bootstrap, frames.get(2), StoredFrames.predict(bootstrap, frames.get(2), "Bag", 8, 0.5,
        Route.REVIEW));

    try (ReviewService review = StoredFrames.startReview(bootstrap, s3)) {
      Client ada = new Client(review.port(), REVIEWER_TOKEN);
      Client root = new Client(review.port(), ADMIN_TOKEN);
      await().atMost(Duration.ofSeconds(20)).until(() -> review.openTasks() == 1);
      JsonNode task = ada.json(ada.claim());
      assertThat(ada.getBytes(task.get("imageUrl").asText()).body()).isEqualTo(frames.get(2).image());
      assertThat(ada.submit(task.get("taskId").asText(), "Coat").statusCode()).isEqualTo(200);
      for (Sent frame : frames) {
        await().atMost(Duration.ofSeconds(20)).until(() -> root.get("/v1/labels/" + frame.frameId()).statusCode() == 200);
      }
      String id = root.json(root.post("/v1/datasets", null)).get("id").asText();

      StoredFrames.deleteAllRecords(bootstrap, Topics.FRAMES.name());
      StoredFrames.deleteAllRecords(bootstrap, Topics.PREDICTIONS.name());

      HttpResponse<byte[]> export = root.getBytes("/v1/datasets/" + id + "/export?format=folders");
      assertThat(export.statusCode()).as(new String(export.body(), StandardCharsets.UTF_8)).isEqualTo(200);
      Map<String, byte[]> entries = StoredFrames.unzip(export.body());
      assertThat(entries).hasSize(3);
      for (Sent frame : frames) {
        String folder = frame == frames.get(2) ? "Coat" : "Bag";
        byte[] image = entries.get(folder + "/" + ExportNames.frameFile(frame.frameId()) + "."
            + ExportNames.extension(frame.ref().getContentType()));
        assertThat(image).as(frame.frameId()).isNotNull();
        assertThat(DatasetFixtures.sha256(image)).isEqualTo(frame.ref().getSha256());
      }

      Client bea = new Client(review.port(), "bea-secret-token");
      HttpResponse<String> flag = root.post("/v1/labels/" + frames.get(1).frameId() + "/flag", "{\"reason\":\"no\"}");
      assertThat(flag.statusCode()).as(flag.body()).isEqualTo(202);
      JsonNode flagged = bea.json(bea.claim());
      assertThat(bea.getBytes(flagged.get("imageUrl").asText()).body()).isEqualTo(frames.get(1).image());

      S3.server().stop();
      try {
        HttpResponse<String> down = bea.get(flagged.get("imageUrl").asText());
        assertThat(down.statusCode()).as(down.body()).isEqualTo(503);
        assertThat(bea.json(down).get("error").asText()).isEqualTo("frame_store_unavailable");
        assertThat(down.headers().firstValue("Retry-After")).isPresent();
      } finally {
        S3.server().restart();
      }
      assertThat(bea.getBytes(flagged.get("imageUrl").asText()).body()).isEqualTo(frames.get(1).image());
    }
  }
}
