package io.labelstream.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labelstream.kafka.embedded.TopicRecords;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.Frame;
import io.labelstream.schemas.avro.Label;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17's target through the whole pipeline as {@code ./labelstream up} runs it (the frame store in
 * LABELSTREAM_DATA_DIR by default): frames posted to ingest, labelled by the model or by a reviewer, a dataset snapshot
 * made, then every record of frames.v1 deleted; the {@code folders} export still holds every posted image, byte for
 * byte, those that travelled inline included.
 */
class DatasetOutlivesKafkaIT {

  private static final int FRAMES = 60;
  /** The bundled samples are 200-800 byte PNGs: about half travel inline as well as by reference. */
  private static final String INLINE_MAX = "450";
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir
  Path dataDir;

  @Test
  void shouldExportEveryPostedImageByteForByteAfterFramesV1LostEveryRecord() throws Exception {
    List<SampleFrames.Sample> samples = SampleFrames.load(Path.of(System.getProperty("labelstream.root"))
        .resolve("model/samples")).subList(100, 100 + FRAMES);
    try (AllInOne all = AllInOne.start(Map.of(
        "LABELSTREAM_DATA_DIR", dataDir.toString(),
        "FRAME_STORE_INLINE_MAX_BYTES", INLINE_MAX,
        "INGEST_PORT", "0", "INFERENCE_PORT", "0", "REVIEW_PORT", "0",
        "REVIEW_TOKENS", "ada:ada-secret-token:reviewer,root:root-secret-token:admin"))) {
      Map<String, SampleFrames.Sample> sampleByFrame = new HashMap<>();
      for (int i = 0; i < FRAMES; i++) {
        HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(URI.create(all.ingestUrl() + "/v1/frames"))
            .header("Content-Type", "image/png").header("X-Device-Id", "store-camera").header("Idempotency-Key", "s-" + i)
            .header("Authorization", "Bearer " + all.ingestToken())
            .POST(HttpRequest.BodyPublishers.ofByteArray(samples.get(i).bytes())).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        sampleByFrame.put(JSON.readTree(accepted.body()).get("frameId").asText(), samples.get(i));
      }
      List<Frame> frames = TopicRecords.readAll(all.bootstrapServers(), Topics.FRAMES.name()).stream()
          .map(r -> Topics.FRAMES.valueSerde().deserializer().deserialize(r.topic(), r.value())).toList();
      assertThat(frames).allSatisfy(frame -> assertThat(frame.getImageRef()).isNotNull());
      assertThat(frames).as("some frames travel inline too").anySatisfy(f -> assertThat(f.getImage().remaining()).isPositive())
          .anySatisfy(f -> assertThat(f.getImage().remaining()).isZero());

      // Answer every task with the true class until every frame has its final label.
      await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(50)).until(() -> {
        HttpResponse<String> claim = call(all, "POST", "/v1/tasks/claim", null, "ada-secret-token");
        if (claim.statusCode() == 200) {
          JsonNode task = JSON.readTree(claim.body());
          String truth = sampleByFrame.get(task.get("frameId").asText()).className();
          HttpResponse<byte[]> image = http.send(HttpRequest.newBuilder(URI.create(all.reviewUrl()
              + task.get("imageUrl").asText())).header("Authorization", "Bearer ada-secret-token").build(),
              HttpResponse.BodyHandlers.ofByteArray());
          assertThat(image.body()).isEqualTo(sampleByFrame.get(task.get("frameId").asText()).bytes());
          call(all, "POST", "/v1/tasks/" + task.get("taskId").asText() + "/submit", "{\"label\":\"" + truth + "\"}",
              "ada-secret-token");
        }
        return sampleByFrame.keySet().stream().allMatch(frameId -> {
          try {
            return call(all, "GET", "/v1/labels/" + frameId, null, "root-secret-token").statusCode() == 200;
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }) && call(all, "POST", "/v1/tasks/claim", null, "ada-secret-token").statusCode() == 204;
      });
      List<Label> labels = TopicRecords.readAll(all.bootstrapServers(), Topics.LABELS.name()).stream()
          .map(r -> Topics.LABELS.valueSerde().deserializer().deserialize(r.topic(), r.value())).toList();
      assertThat(labels).as("MODEL labels from inference and HUMAN labels from review carry the reference")
          .allSatisfy(label -> assertThat(label.getImageRef()).isNotNull());

      JsonNode snapshot = JSON.readTree(call(all, "POST", "/v1/datasets", null, "root-secret-token").body());
      assertThat(snapshot.get("total").asInt()).isEqualTo(FRAMES);
      deleteEveryFrameRecord(all.bootstrapServers());

      HttpResponse<byte[]> export = http.send(HttpRequest.newBuilder(URI.create(all.reviewUrl() + "/v1/datasets/"
              + snapshot.get("id").asText() + "/export?format=folders"))
          .header("Authorization", "Bearer root-secret-token").build(), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(export.statusCode()).as(new String(export.body(), StandardCharsets.UTF_8)).isEqualTo(200);
      Map<String, String> exported = new HashMap<>();
      try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(export.body()), StandardCharsets.UTF_8)) {
        for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
          exported.put(entry.getName(), sha256(zip.readAllBytes()));
        }
      }
      assertThat(exported).doesNotContainKeys("missing.txt", "refused.txt").hasSize(FRAMES);
      Map<String, String> byFrame = new HashMap<>();
      exported.forEach((name, sha) -> byFrame.put(name.substring(name.indexOf('/') + 1).replace(".png", ""), sha));
      for (Map.Entry<String, SampleFrames.Sample> frame : sampleByFrame.entrySet()) {
        assertThat(byFrame.get(frame.getKey())).as(frame.getKey()).isEqualTo(sha256(frame.getValue().bytes()));
      }
    }
  }

  private static void deleteEveryFrameRecord(String bootstrap) throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      admin.describeTopics(List.of(Topics.FRAMES.name())).allTopicNames().get().get(Topics.FRAMES.name()).partitions()
          .forEach(p -> latest.put(new TopicPartition(Topics.FRAMES.name(), p.partition()), OffsetSpec.latest()));
      Map<TopicPartition, RecordsToDelete> upToEnd = new HashMap<>();
      admin.listOffsets(latest).all().get().forEach((partition, end) ->
          upToEnd.put(partition, RecordsToDelete.beforeOffset(end.offset())));
      admin.deleteRecords(upToEnd).all().get();
    }
    assertThat(TopicRecords.readAll(bootstrap, Topics.FRAMES.name())).as("frames.v1 is empty").isEmpty();
  }

  private HttpResponse<String> call(AllInOne all, String method, String path, String json, String token)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(all.reviewUrl() + path))
        .header("Authorization", "Bearer " + token)
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      request.header("Content-Type", "application/json");
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
