package io.labelstream.review.dataset;

import static io.labelstream.review.dataset.DatasetFixtures.ADMIN_TOKEN;
import static io.labelstream.review.dataset.DatasetFixtures.REVIEWER_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.labelstream.kafka.embedded.EmbeddedKafkaExtension;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.kafka.KafkaSettings;
import io.labelstream.platform.kafka.TopicProvisioner;
import io.labelstream.review.ReviewFixtures;
import io.labelstream.review.ReviewFixtures.Client;
import io.labelstream.review.ReviewService;
import io.labelstream.review.config.ReviewConfig;
import io.labelstream.schemas.FleetFrameProducer;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.DatasetSnapshot;
import io.labelstream.schemas.avro.Frame;
import io.labelstream.schemas.avro.Label;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Dataset snapshots through the review API on a real broker: only admins reach them, the {@code folders} export
 * carries the real images in class folders, and snapshots and their exports survive a restart unchanged.
 */
class DatasetApiIT {

  @RegisterExtension
  static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  @Test
  void shouldKeepEveryDatasetEndpointForAdminsAndAnswerInputErrorsWithStableCodes() throws Exception {
    try (ReviewService review = start()) {
      Client anonymous = new Client(review.port(), null);
      Client ada = new Client(review.port(), REVIEWER_TOKEN);
      Client root = new Client(review.port(), ADMIN_TOKEN);
      HttpResponse<String> created = root.post("/v1/datasets", null);
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      String id = root.json(created).get("id").asText();
      assertThat(created.headers().firstValue("Location")).hasValue("/v1/datasets/" + id);

      for (Client outsider : List.of(anonymous, ada)) {
        int status = outsider == anonymous ? 401 : 403;
        String code = outsider == anonymous ? "unauthorized" : "forbidden";
        assertError(outsider.post("/v1/datasets", null), status, code);
        assertError(outsider.get("/v1/datasets"), status, code);
        assertError(outsider.get("/v1/datasets/" + id), status, code);
        assertError(outsider.get("/v1/datasets/" + id + "/export?format=jsonl"), status, code);
        // Whether a dataset exists is not told to those who may not see it.
        assertError(outsider.get("/v1/datasets/ds-nope/export?format=jsonl"), status, code);
      }
      assertError(root.get("/v1/datasets/ds-nope"), 404, "dataset_not_found");
      assertError(root.get("/v1/datasets/ds-nope/export?format=coco"), 404, "dataset_not_found");
      assertError(root.get("/v1/datasets/..%2F..%2Fetc%2Fpasswd/export?format=jsonl"), 404, "dataset_not_found");
      assertError(root.get("/v1/datasets/" + id + "/export?format=xml"), 400, "unknown_format");
      assertError(root.get("/v1/datasets/" + id + "/export?format=..%2Fjsonl"), 400, "unknown_format");
      JsonNode listed = root.json(root.get("/v1/datasets")).get("datasets");
      assertThat(listed).extracting(node -> node.get("id").asText()).contains(id);
    }
  }

  @Test
  void shouldExportTheImagesOfASnapshotInClassFoldersAndExportTheSameBytesAfterARestart() throws Exception {
    List<String> classes = ReviewFixtures.BUNDLED_CLASSES;
    List<Frame> frames = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      frames.add(FleetFrameProducer.frame("dataset-cam", null, "folders-" + i, "image/png", ReviewFixtures.samplePng(i),
          28, 28, null));
    }
    // A fleet may name its frames anything; this one must not become a path in the ZIP.
    frames.add(Frame.newBuilder(FleetFrameProducer.frame("dataset-cam", null, "folders-evil", "image/png",
        ReviewFixtures.samplePng(6), 28, 28, null)).setFrameId("../../evil frame").build());
    try (FleetFrameProducer fleet = new FleetFrameProducer(Map.of("bootstrap.servers", KAFKA.bootstrapServers()))) {
      fleet.sendAll(frames);
    }
    Instant at = Instant.parse("2026-11-26T08:00:00Z");
    List<Label> labels = new ArrayList<>();
    Map<String, String> expectedFolder = new LinkedHashMap<>();
    for (int i = 0; i < frames.size(); i++) {
      int classIndex = new int[] {0, 1, 8}[i % 3];
      labels.add(DatasetFixtures.model(frames.get(i).getFrameId(), classes.get(classIndex), classIndex, 0.99, at));
      expectedFolder.put(frames.get(i).getFrameId(), ExportNames.classFolders(classes).get(classIndex));
    }
    labels.add(DatasetFixtures.human(frames.get(2).getFrameId(), "Coat", 4, "ada", at.plusSeconds(1)));
    expectedFolder.put(frames.get(2).getFrameId(), "Coat");
    labels.add(DatasetFixtures.model("never-ingested-1", "Bag", 8, 0.98, at));
    labels.add(DatasetFixtures.model("never-ingested-2", "Bag", 8, 0.98, at));
    DatasetFixtures.produce(KAFKA.bootstrapServers(), labels);

    String id;
    String sha256;
    byte[] zip;
    byte[] jsonl;
    try (ReviewService review = start()) {
      Client root = new Client(review.port(), ADMIN_TOKEN);
      JsonNode snapshot = root.json(root.post("/v1/datasets", null));
      id = snapshot.get("id").asText();
      sha256 = snapshot.get("contentSha256").asText();
      assertThat(snapshot.get("total").asLong()).isEqualTo(9);
      assertThat(snapshot.get("countsByClass").get("Coat").asLong()).isEqualTo(1);
      assertThat(snapshot.get("countsByClass").get("Bag").asLong()).isEqualTo(3);
      assertThat(snapshot.get("countsBySource").get("HUMAN").asLong()).isEqualTo(1);

      HttpResponse<byte[]> response = root.getBytes("/v1/datasets/" + id + "/export?format=folders");
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type")).hasValue("application/zip");
      assertThat(response.headers().firstValue("Content-Disposition")).hasValue("attachment; filename=\"" + id + ".zip\"");
      zip = response.body();
      jsonl = root.getBytes("/v1/datasets/" + id + "/export?format=jsonl").body();
      assertThat(DatasetFixtures.sha256(jsonl)).isEqualTo(sha256);
      assertThat(gunzip(gzipExport(review.port(), id))).as("the same export, gzipped on the way").isEqualTo(jsonl);
    }

    Map<String, byte[]> entries = unzip(zip);
    Map<String, byte[]> expected = new LinkedHashMap<>();
    for (int i = 0; i < frames.size(); i++) {
      String frameId = frames.get(i).getFrameId();
      expected.put(expectedFolder.get(frameId) + "/" + ExportNames.frameFile(frameId) + ".png", ReviewFixtures.samplePng(i));
    }
    assertThat(entries.keySet()).containsExactlyInAnyOrderElementsOf(concat(expected.keySet(), "missing.txt"));
    expected.forEach((name, png) -> assertThat(entries.get(name)).as(name).isEqualTo(png));
    assertThat(entries.keySet()).allSatisfy(name -> assertThat(name).doesNotContain("..").doesNotStartWith("/"));
    assertThat(new String(entries.get("missing.txt"), StandardCharsets.UTF_8).lines())
        .containsExactlyInAnyOrder("never-ingested-1", "never-ingested-2");

    try (ReviewService restarted = start()) {
      Client root = new Client(restarted.port(), ADMIN_TOKEN);
      JsonNode listed = root.json(root.get("/v1/datasets")).get("datasets");
      assertThat(listed).filteredOn(node -> node.get("id").asText().equals(id))
          .singleElement().satisfies(node -> assertThat(node.get("contentSha256").asText()).isEqualTo(sha256));
      assertThat(root.getBytes("/v1/datasets/" + id + "/export?format=folders").body()).isEqualTo(zip);
      assertThat(root.getBytes("/v1/datasets/" + id + "/export?format=jsonl").body()).isEqualTo(jsonl);
    }
  }

  @Test
  void shouldFailAnExportWhoseLabelsAreNotAllThereInsteadOfEndingItShort() throws Exception {
    String small = recordSnapshotMissingLabels("ds-20000101T000000Z-00000001", 3, 5);
    String large = recordSnapshotMissingLabels("ds-20000101T000000Z-00000002", 1_000, 2_000);
    try (ReviewService review = start()) {
      Client root = new Client(review.port(), ADMIN_TOKEN);

      // Nothing sent yet when the shortfall shows: an ordinary error answer.
      assertError(root.get("/v1/datasets/" + small + "/export?format=jsonl"), 500, "export_failed");
      // Most of the body already sent: the connection is broken off, so the client cannot take it for complete.
      assertThatThrownBy(() -> root.getBytes("/v1/datasets/" + large + "/export?format=jsonl")).isInstanceOf(IOException.class);
      assertThat(root.get("/v1/datasets/" + large).statusCode()).isEqualTo(200);
    }
  }

  /** A snapshot record that claims more labels than datasets.labels.v1 holds for it. */
  private static String recordSnapshotMissingLabels(String id, int written, long claimed) throws Exception {
    Map<String, Object> config = ReviewFixtures.producerConfig(KAFKA.bootstrapServers());
    Instant at = Instant.parse("2026-11-26T08:00:00Z");
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    try (KafkaProducer<String, Label> content = new KafkaProducer<>(config, new StringSerializer(),
        Topics.DATASET_LABELS.valueSerde().serializer())) {
      TopicProvisioner.ensureTopics(KafkaSettings.from(new Env(Map.of("KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers()))));
      for (int i = 0; i < written; i++) {
        sent.add(content.send(new ProducerRecord<>(Topics.DATASET_LABELS.name(), 0, id + "/f-" + i,
            DatasetFixtures.model("f-" + i, "Bag", 8, 0.99, at))));
      }
    }
    DatasetSnapshot snapshot = DatasetSnapshot.newBuilder().setDatasetId(id).setFormatVersion(1).setCreatedAt(at)
        .setCreatedBy("root").setLabelOffsets(List.of()).setTotal(claimed).setCountsByClass(Map.of("Bag", claimed))
        .setCountsBySource(Map.of("MODEL", claimed)).setClasses(ReviewFixtures.BUNDLED_CLASSES).setContentSha256("00")
        .setContentPartition(0).setContentStartOffset(sent.get(0).get().offset())
        .setContentEndOffset(sent.get(sent.size() - 1).get().offset() + 1).build();
    try (KafkaProducer<String, DatasetSnapshot> datasets = new KafkaProducer<>(config, new StringSerializer(),
        Topics.DATASETS.valueSerde().serializer())) {
      datasets.send(new ProducerRecord<>(Topics.DATASETS.name(), id, snapshot)).get();
    }
    return id;
  }

  private static ReviewService start() {
    ReviewService service = ReviewService.start(ReviewConfig.from(new Env(Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers(),
        "HTTP_HOST", "127.0.0.1",
        "REVIEW_PORT", "0",
        "REVIEW_TOKENS", DatasetFixtures.TOKENS))));
    await().atMost(Duration.ofSeconds(30)).until(service::ready);
    return service;
  }

  private static byte[] gzipExport(int port, String id) throws Exception {
    HttpResponse<byte[]> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/v1/datasets/" + id + "/export?format=jsonl"))
        .header("Authorization", "Bearer " + ADMIN_TOKEN).header("Accept-Encoding", "gzip").build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(response.headers().firstValue("Content-Encoding")).hasValue("gzip");
    return response.body();
  }

  private static byte[] gunzip(byte[] gzipped) throws Exception {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped))) {
      return in.readAllBytes();
    }
  }

  private static Map<String, byte[]> unzip(byte[] zip) throws Exception {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip), StandardCharsets.UTF_8)) {
      for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
        assertThat(entries.put(entry.getName(), in.readAllBytes())).as("entry %s once", entry.getName()).isNull();
      }
    }
    return entries;
  }

  private static List<String> concat(Iterable<String> names, String more) {
    List<String> all = new ArrayList<>();
    names.forEach(all::add);
    all.add(more);
    return all;
  }

  private static void assertError(HttpResponse<String> response, int status, String code) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(ReviewFixtures.JSON.readTree(response.body()).get("error").asText()).isEqualTo(code);
  }
}
