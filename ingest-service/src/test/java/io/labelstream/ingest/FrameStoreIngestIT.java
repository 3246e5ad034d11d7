package io.labelstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labelstream.ingest.config.IngestConfig;
import io.labelstream.kafka.embedded.EmbeddedKafkaBroker;
import io.labelstream.kafka.embedded.EmbeddedKafkaExtension;
import io.labelstream.kafka.embedded.TopicRecords;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.store.ContentKeys;
import io.labelstream.platform.store.FileFrameStore;
import io.labelstream.platform.store.FrameStore;
import io.labelstream.platform.kafka.AvroBytes;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.Frame;
import io.labelstream.testsupport.CameraFrames;
import io.labelstream.testsupport.TestSenders;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ingest with a frame store (a real {@link FileFrameStore} in a temporary folder) in front of a real broker: the
 * image is in the store before its record is in Kafka, the record carries the reference, and every failure of either
 * is a 503 that leaves no record behind.
 */
class FrameStoreIngestIT {

  @RegisterExtension
  static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  /** Below a 720p camera JPEG, above a 28x28 PNG sample. */
  private static final int INLINE_MAX_BYTES = 4096;

  @TempDir
  Path dir;

  @Test
  void shouldPutTheImageInTheStoreAndSendOnlyItsReferenceAboveTheInlineLimit() throws Exception {
    Path root = dir.resolve("frames");
    byte[] camera = CameraFrames.jpeg(1280, 720, 1);
    byte[] small = TestImages.samplePng(0);
    assertThat(camera.length).isGreaterThan(INLINE_MAX_BYTES);
    assertThat(small.length).isLessThanOrEqualTo(INLINE_MAX_BYTES);
    try (IngestService ingest = start(KAFKA.bootstrapServers(), root, Map.of())) {
      HttpResponse<String> large = post(ingest, camera, "image/jpeg", Map.of("X-Device-Id", "store-car-1"));
      HttpResponse<String> inline = post(ingest, small, "image/png", Map.of("X-Device-Id", "store-car-1"));

      assertThat(large.statusCode()).as(large.body()).isEqualTo(202);
      assertThat(inline.statusCode()).as(inline.body()).isEqualTo(202);
      Frame byReference = onlyRecord(KAFKA.bootstrapServers(), frameId(large));
      assertThat(byReference.getImage().remaining()).as("no bytes above the inline limit").isZero();
      assertThat(Path.of(URI.create(byReference.getImageRef().getStore()))).isEqualTo(root);
      assertThat(byReference.getImageRef().getKey()).isEqualTo(ContentKeys.key(ContentKeys.sha256(camera)));
      assertThat(byReference.getImageRef().getSize()).isEqualTo(camera.length);
      assertThat(byReference.getImageRef().getContentType()).isEqualTo("image/jpeg");
      assertThat(Files.readAllBytes(root.resolve(byReference.getImageRef().getKey()))).isEqualTo(camera);
      Frame inlineToo = onlyRecord(KAFKA.bootstrapServers(), frameId(inline));
      assertThat(bytes(inlineToo)).isEqualTo(small);
      assertThat(new FileFrameStore(root).get(inlineToo.getImageRef())).as("stored as well").isEqualTo(small);
      assertThat(get(ingest, "/metrics")).contains("labelstream_ingest_store_write_seconds_count{outcome=\"stored\",service=\"ingest\"} 2");
    }
  }

  @Test
  void shouldStoreEveryFrameOfABatchBeforeWritingItsRecords() throws Exception {
    Path root = dir.resolve("frames");
    byte[] first = CameraFrames.jpeg(640, 480, 2);
    byte[] second = CameraFrames.jpeg(640, 480, 3);
    try (IngestService ingest = start(KAFKA.bootstrapServers(), root, Map.of())) {
      MultipartBody batch = new MultipartBody().image("image/jpeg", first).image("image/jpeg", second);

      HttpResponse<String> response = post(ingest, batch.bytes(), batch.contentType(),
          Map.of("X-Device-Id", "store-gateway"), "/v1/frames/batch");

      assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
      JsonNode frames = JSON.readTree(response.body()).get("frames");
      FrameStore store = new FileFrameStore(root);
      List<byte[]> sent = List.of(first, second);
      for (int i = 0; i < 2; i++) {
        Frame record = onlyRecord(KAFKA.bootstrapServers(), frames.get(i).get("frameId").asText());
        assertThat(record.getImage().remaining()).isZero();
        assertThat(store.get(record.getImageRef())).isEqualTo(sent.get(i));
      }
    }
  }

  @Test
  void shouldAnswer503AndWriteNoRecordWhenTheStoreCannotTakeTheImage() throws Exception {
    // Tests run as root, whom permissions do not stop: a folder under a regular file cannot be made by anyone.
    Path blocker = Files.writeString(dir.resolve("not-a-folder"), "x");
    Path root = blocker.resolve("frames");
    try (IngestService ingest = start(KAFKA.bootstrapServers(), root, Map.of())) {
      byte[] camera = CameraFrames.jpeg(640, 480, 4);
      Map<String, String> headers = Map.of("X-Device-Id", "store-down-car", "Idempotency-Key", "frame-1");

      HttpResponse<String> refused = post(ingest, camera, "image/jpeg", headers);
      MultipartBody batch = new MultipartBody().image("image/jpeg", CameraFrames.jpeg(640, 480, 5))
          .image("image/jpeg", CameraFrames.jpeg(640, 480, 6));
      HttpResponse<String> refusedBatch = post(ingest, batch.bytes(), batch.contentType(),
          Map.of("X-Device-Id", "store-down-car"), "/v1/frames/batch");

      assertStoreUnavailable(refused);
      assertStoreUnavailable(refusedBatch);
      assertThat(recordsOfDevice(KAFKA.bootstrapServers(), "store-down-car")).isEmpty();
      assertThat(get(ingest, "/metrics")).contains("labelstream_ingest_store_write_seconds_count{outcome=\"unavailable\",service=\"ingest\"} 3")
          .contains("labelstream_ingest_frames_rejected_total{reason=\"frame_store_unavailable\",service=\"ingest\"} 2.0");

      // The store comes back: the fleet's retry with the same key is the frame it meant, written once.
      Files.delete(blocker);
      HttpResponse<String> retried = post(ingest, camera, "image/jpeg", headers);
      HttpResponse<String> again = post(ingest, camera, "image/jpeg", headers);

      assertThat(retried.statusCode()).as(retried.body()).isEqualTo(202);
      assertThat(frameId(again)).isEqualTo(frameId(retried));
      assertThat(recordsOfDevice(KAFKA.bootstrapServers(), "store-down-car")).hasSize(1);
      assertThat(objects(root)).containsExactly(ContentKeys.key(ContentKeys.sha256(camera)));
    }
  }

  @Test
  void shouldAnswer503AndLeaveTheStoredObjectForTheCollectorWhenKafkaFailsAfterThePut() throws Exception {
    Path root = dir.resolve("frames");
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"));
    try (IngestService ingest = start(broker.bootstrapServers(), root, Map.of("INGEST_PRODUCE_TIMEOUT_MS", "2000"))) {
      assertThat(post(ingest, CameraFrames.jpeg(320, 240, 7), "image/jpeg", Map.of("X-Device-Id", "car")).statusCode())
          .isEqualTo(202);
      broker.close();
      byte[] camera = CameraFrames.jpeg(640, 480, 8);
      Map<String, String> headers = Map.of("X-Device-Id", "kafka-down-car", "Idempotency-Key", "frame-1");

      HttpResponse<String> refused = post(ingest, camera, "image/jpeg", headers);
      HttpResponse<String> retried = post(ingest, camera, "image/jpeg", headers);

      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
      assertThat(refused.headers().firstValue("Retry-After")).isPresent();
      assertThat(JSON.readTree(refused.body()).get("error").asText()).isEqualTo("kafka_unavailable");
      assertThat(retried.statusCode()).isEqualTo(503);
      String key = ContentKeys.key(ContentKeys.sha256(camera));
      assertThat(objects(root)).as("the orphan, once: content-addressed").filteredOn(key::equals).hasSize(1);
      assertThat(Files.readAllBytes(root.resolve(key))).isEqualTo(camera);
    } finally {
      broker.close();
    }
  }

  @Test
  void shouldAcceptA30MegabyteFrameWithAStoreWhileItsRecordStaysSmall() throws Exception {
    Path root = dir.resolve("frames");
    byte[] huge = TestImages.largeJpeg(4800, 3200);
    assertThat(huge.length).isGreaterThan(30 * 1000 * 1000);
    try (IngestService ingest = start(KAFKA.bootstrapServers(), root, Map.of("INGEST_MAX_BYTES",
        Integer.toString(50 * 1024 * 1024)))) {
      HttpResponse<String> response = post(ingest, huge, "image/jpeg", Map.of("X-Device-Id", "store-hires"));

      assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
      ConsumerRecord<String, byte[]> record = TopicRecords.readAll(KAFKA.bootstrapServers(), Topics.FRAMES.name())
          .stream().filter(r -> frameId(response).equals(r.key())).findFirst().orElseThrow();
      assertThat(record.value().length).as("frames.v1 record bytes").isLessThan(2048);
      assertThat(Files.readAllBytes(root.resolve(frame(record).getImageRef().getKey()))).isEqualTo(huge);
    }
  }

  @Test
  void shouldRefuseA30MegabyteFrameWithAClear413WithoutAStore() throws Exception {
    byte[] huge = TestImages.largeJpeg(4800, 3200);
    try (IngestService ingest = IngestService.start(IngestConfig.from(new Env(TestSenders.with(Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers(), "HTTP_HOST", "127.0.0.1", "INGEST_PORT", "0")))))) {
      HttpResponse<String> response = post(ingest, huge, "image/jpeg", Map.of("X-Device-Id", "inline-hires"));

      assertThat(response.statusCode()).as(response.body()).isEqualTo(413);
      JsonNode body = JSON.readTree(response.body());
      assertThat(body.get("error").asText()).isEqualTo("payload_too_large");
      assertThat(body.get("message").asText()).contains("INGEST_MAX_BYTES").contains("FRAME_STORE");
      assertThat(recordsOfDevice(KAFKA.bootstrapServers(), "inline-hires")).isEmpty();
    }
  }

  private static void assertStoreUnavailable(HttpResponse<String> response) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
    assertThat(response.headers().firstValue("Retry-After")).isPresent();
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.get("error").asText()).isEqualTo("frame_store_unavailable");
    assertThat(body.get("message").asText()).contains("nothing was written to Kafka");
  }

  private static IngestService start(String bootstrapServers, Path root, Map<String, String> more) {
    Map<String, String> env = new HashMap<>(Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", bootstrapServers,
        "HTTP_HOST", "127.0.0.1",
        "INGEST_PORT", "0",
        "FRAME_STORE", root.toUri().toString(),
        "FRAME_STORE_INLINE_MAX_BYTES", Integer.toString(INLINE_MAX_BYTES)));
    env.putAll(more);
    return IngestService.start(IngestConfig.from(new Env(TestSenders.with(env))));
  }

  private static List<String> objects(Path root) throws Exception {
    List<String> keys = new ArrayList<>();
    new FileFrameStore(root).forEach(object -> keys.add(object.key()));
    return keys;
  }

  private static Frame onlyRecord(String bootstrapServers, String frameId) {
    List<Frame> frames = TopicRecords.readAll(bootstrapServers, Topics.FRAMES.name()).stream()
        .filter(r -> frameId.equals(r.key())).map(FrameStoreIngestIT::frame).toList();
    assertThat(frames).hasSize(1);
    return frames.get(0);
  }

  private static List<Frame> recordsOfDevice(String bootstrapServers, String deviceId) {
    return TopicRecords.readAll(bootstrapServers, Topics.FRAMES.name()).stream().map(FrameStoreIngestIT::frame)
        .filter(frame -> deviceId.equals(frame.getDeviceId())).toList();
  }

  private static Frame frame(ConsumerRecord<String, byte[]> record) {
    return Topics.FRAMES.valueSerde().deserializer().deserialize(record.topic(), record.value());
  }

  private static byte[] bytes(Frame frame) {
    return AvroBytes.copy(frame.getImage());
  }

  private static String frameId(HttpResponse<String> response) {
    try {
      return JSON.readTree(response.body()).get("frameId").asText();
    } catch (java.io.IOException e) {
      throw new AssertionError(response.body(), e);
    }
  }

  private static HttpResponse<String> post(IngestService ingest, byte[] body, String contentType,
      Map<String, String> headers) throws Exception {
    return post(ingest, body, contentType, headers, "/v1/frames");
  }

  private static HttpResponse<String> post(IngestService ingest, byte[] body, String contentType,
      Map<String, String> headers, String path) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ingest.port() + path))
        .header("Content-Type", contentType)
        .header("Authorization", TestSenders.AUTHORIZATION)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(request::header);
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String get(IngestService ingest, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ingest.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }
}
