package io.labelstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labelstream.ingest.config.IngestConfig;
import io.labelstream.kafka.embedded.EmbeddedKafkaExtension;
import io.labelstream.kafka.embedded.TopicRecords;
import io.labelstream.platform.config.Env;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.Frame;
import io.labelstream.testsupport.TestSenders;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class IngestApiIT {

  @RegisterExtension
  static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static IngestService ingest;

  @BeforeAll
  static void startIngest() {
    ingest = IngestService.start(IngestConfig.from(new Env(TestSenders.with(Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers(),
        "HTTP_HOST", "127.0.0.1",
        "INGEST_PORT", "0",
        "INGEST_MAX_BYTES", Integer.toString(8 * 1024 * 1024))))));
  }

  @AfterAll
  static void stopIngest() {
    ingest.close();
  }

  @Test
  void shouldAnswer202OnlyAfterTheFrameIsInKafka() throws Exception {
    byte[] png = TestImages.samplePng(0);

    HttpResponse<String> response = post(png, "image/png", Map.of("X-Device-Id", "car-1", "X-Camera-Id", "front",
        "X-Captured-At", "2026-11-26T08:15:30.250+01:00"));

    assertThat(response.statusCode()).isEqualTo(202);
    String frameId = JSON.readTree(response.body()).get("frameId").asText();
    Frame frame = framesWithId(frameId).get(0);
    assertThat(frame.getDeviceId()).isEqualTo("car-1");
    assertThat(frame.getCameraId()).isEqualTo("front");
    assertThat(frame.getCapturedAt()).isEqualTo(java.time.Instant.parse("2026-11-26T07:15:30.250Z"));
    assertThat(frame.getContentType()).isEqualTo("image/png");
    assertThat(frame.getWidth()).isEqualTo(28);
    assertThat(frame.getHeight()).isEqualTo(28);
    assertThat(frame.getChannels()).as("a grey Fashion-MNIST sample").isEqualTo(1);
    assertThat(bytes(frame)).isEqualTo(png);
  }

  @Test
  void shouldRecordTheSizeAndColourChannelsOfA720pCameraFrameInJpegAndPng() throws Exception {
    for (String format : List.of("jpeg", "png")) {
      byte[] image = TestImages.colour(1280, 720, format);

      HttpResponse<String> response = post(image, "image/" + format, Map.of("X-Device-Id", "car-720p"));

      assertThat(response.statusCode()).as(format + ": " + response.body()).isEqualTo(202);
      Frame frame = framesWithId(JSON.readTree(response.body()).get("frameId").asText()).get(0);
      assertThat(frame.getContentType()).isEqualTo("image/" + format);
      assertThat(frame.getWidth()).as(format).isEqualTo(1280);
      assertThat(frame.getHeight()).as(format).isEqualTo(720);
      assertThat(frame.getChannels()).as(format).isEqualTo(3);
      assertThat(bytes(frame)).isEqualTo(image);
    }
  }

  @Test
  void shouldReturnTheSameFrameIdForARetryWithTheSameIdempotencyKeyAndWriteNoSecondRecord() throws Exception {
    byte[] png = TestImages.samplePng(1);
    Map<String, String> headers = Map.of("X-Device-Id", "car-2", "Idempotency-Key", "frame-000042");

    HttpResponse<String> first = post(png, "image/png", headers);
    HttpResponse<String> retry = post(png, "image/png", headers);
    HttpResponse<String> otherDevice = post(png, "image/png", Map.of("X-Device-Id", "car-3", "Idempotency-Key", "frame-000042"));

    assertThat(first.statusCode()).isEqualTo(202);
    assertThat(retry.statusCode()).isEqualTo(202);
    String frameId = JSON.readTree(first.body()).get("frameId").asText();
    assertThat(JSON.readTree(retry.body()).get("frameId").asText()).isEqualTo(frameId);
    assertThat(JSON.readTree(retry.body()).get("duplicate").asBoolean()).isTrue();
    assertThat(JSON.readTree(otherDevice.body()).get("frameId").asText()).isNotEqualTo(frameId);
    assertThat(framesWithId(frameId)).hasSize(1);
  }

  @Test
  void shouldCarryAMultiMegabyteCameraJpegInline() throws Exception {
    byte[] jpeg = TestImages.largeJpeg(1600, 1200);
    assertThat(jpeg.length).isGreaterThan(3 * 1024 * 1024);

    HttpResponse<String> response = post(jpeg, "image/jpeg", Map.of("X-Device-Id", "car-4"));

    assertThat(response.statusCode()).isEqualTo(202);
    Frame frame = framesWithId(JSON.readTree(response.body()).get("frameId").asText()).get(0);
    assertThat(frame.getWidth()).isEqualTo(1600);
    assertThat(frame.getHeight()).isEqualTo(1200);
    assertThat(bytes(frame)).isEqualTo(jpeg);
  }

  @Test
  void shouldRejectBadRequestsWithAStableCodeAndWriteNothing() throws Exception {
    int before = TopicRecords.readAll(KAFKA.bootstrapServers(), Topics.FRAMES.name()).size();
    byte[] png = TestImages.samplePng(2);
    byte[] truncatedPng = Arrays.copyOf(png, 12);

    assertError(post(png, "image/png", Map.of()), 400, "missing_header");
    assertError(post(png, "image/png", Map.of("X-Device-Id", "car-5", "X-Captured-At", "yesterday")), 400, "invalid_header");
    assertError(post(png, "image/gif", Map.of("X-Device-Id", "car-5")), 415, "unsupported_media_type");
    assertError(post("hello, not an image".getBytes(), "image/png", Map.of("X-Device-Id", "car-5")), 415, "not_an_image");
    assertError(post(png, "image/jpeg", Map.of("X-Device-Id", "car-5")), 415, "content_type_mismatch");
    assertError(post(truncatedPng, "image/png", Map.of("X-Device-Id", "car-5")), 415, "undecodable_image");
    assertError(post(new byte[0], "image/png", Map.of("X-Device-Id", "car-5")), 400, "empty_body");
    assertError(post(TestImages.png(1, 1), "image/png", Map.of("X-Device-Id", "car-5")), 400, "image_too_small");
    assertError(post(TestImages.pngClaiming(20_000, 20_000), "image/png", Map.of("X-Device-Id", "car-5")), 413, "dimensions_too_large");
    assertError(post(new byte[8 * 1024 * 1024 + 1], "image/png", Map.of("X-Device-Id", "car-5")), 413, "payload_too_large");

    assertThat(TopicRecords.readAll(KAFKA.bootstrapServers(), Topics.FRAMES.name())).hasSize(before);
  }

  @Test
  void shouldWriteEveryFrameOfABatchAndAnswerWithTheirIdsInOrder() throws Exception {
    byte[] jpeg = TestImages.largeJpeg(64, 48);
    MultipartBody batch = new MultipartBody()
        .image("image/png", TestImages.samplePng(10))
        .image("image/png", TestImages.samplePng(11), Map.of("X-Camera-Id", "rear", "X-Captured-At", "2026-11-26T09:00:00Z"))
        .image("image/jpeg", jpeg);

    HttpResponse<String> response = postBatch(batch, Map.of("X-Device-Id", "gateway-1", "X-Camera-Id", "front"));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    JsonNode answers = JSON.readTree(response.body()).get("frames");
    assertThat(answers).hasSize(3);
    Frame first = framesWithId(answers.get(0).get("frameId").asText()).get(0);
    Frame second = framesWithId(answers.get(1).get("frameId").asText()).get(0);
    Frame third = framesWithId(answers.get(2).get("frameId").asText()).get(0);
    assertThat(bytes(first)).isEqualTo(TestImages.samplePng(10));
    assertThat(bytes(second)).isEqualTo(TestImages.samplePng(11));
    assertThat(bytes(third)).isEqualTo(jpeg);
    assertThat(List.of(first.getDeviceId(), second.getDeviceId(), third.getDeviceId())).containsOnly("gateway-1");
    assertThat(List.of(first.getCameraId(), second.getCameraId(), third.getCameraId())).containsExactly("front", "rear", "front");
    assertThat(second.getCapturedAt()).isEqualTo(java.time.Instant.parse("2026-11-26T09:00:00Z"));
    assertThat(third.getContentType()).isEqualTo("image/jpeg");
    assertThat(third.getWidth()).isEqualTo(64);
  }

  @Test
  void shouldAnswerARetriedBatchFromItsIdempotencyKeysWithoutSecondRecords() throws Exception {
    Map<String, String> headers = Map.of("X-Device-Id", "gateway-2");
    MultipartBody batch = new MultipartBody()
        .image("image/png", TestImages.samplePng(12), Map.of("Idempotency-Key", "burst-7-a"))
        .image("image/png", TestImages.samplePng(13), Map.of("Idempotency-Key", "burst-7-b"));
    MultipartBody overlapping = new MultipartBody()
        .image("image/png", TestImages.samplePng(13), Map.of("Idempotency-Key", "burst-7-b"))
        .image("image/png", TestImages.samplePng(14), Map.of("Idempotency-Key", "burst-7-c"));

    JsonNode first = JSON.readTree(postBatch(batch, headers).body()).get("frames");
    JsonNode retry = JSON.readTree(postBatch(batch, headers).body()).get("frames");
    JsonNode next = JSON.readTree(postBatch(overlapping, headers).body()).get("frames");

    assertThat(retry.get(0).get("frameId")).isEqualTo(first.get(0).get("frameId"));
    assertThat(retry.get(1).get("frameId")).isEqualTo(first.get(1).get("frameId"));
    assertThat(first.get(0).has("duplicate")).isFalse();
    assertThat(retry.get(0).get("duplicate").asBoolean()).isTrue();
    assertThat(retry.get(1).get("duplicate").asBoolean()).isTrue();
    assertThat(next.get(0).get("frameId")).isEqualTo(first.get(1).get("frameId"));
    assertThat(next.get(0).get("duplicate").asBoolean()).isTrue();
    assertThat(next.get(1).has("duplicate")).isFalse();
    for (JsonNode answer : List.of(first.get(0), first.get(1), next.get(1))) {
      assertThat(framesWithId(answer.get("frameId").asText())).hasSize(1);
    }
  }

  @Test
  void shouldRefuseAWholeBatchForOneBadPartNamingItAndWriteNothing() throws Exception {
    int before = TopicRecords.readAll(KAFKA.bootstrapServers(), Topics.FRAMES.name()).size();
    byte[] png = TestImages.samplePng(15);
    Map<String, String> device = Map.of("X-Device-Id", "gateway-3");

    HttpResponse<String> notAnImage = postBatch(new MultipartBody().image("image/png", png)
        .image("image/png", "not an image".getBytes()).image("image/png", png), device);
    assertError(notAnImage, 415, "not_an_image");
    assertThat(JSON.readTree(notAnImage.body()).get("message").asText()).startsWith("frame 2 of 3");
    assertError(postBatch(new MultipartBody().image("image/png", png).image("image/png", TestImages.png(1, 1)), device),
        400, "image_too_small");
    assertError(postBatch(new MultipartBody().image("image/gif", png), device), 415, "unsupported_media_type");
    assertError(postBatch(new MultipartBody().image("image/png", png,
        Map.of("X-Captured-At", "yesterday")), device), 400, "invalid_header");
    assertError(postBatch(new MultipartBody().image("image/png", png), Map.of()), 400, "missing_header");
    assertError(postBatch(new MultipartBody().image("image/png", new byte[8 * 1024 * 1024 + 1]), device),
        413, "payload_too_large");
    assertError(postBatch(new MultipartBody(), device), 400, "empty_batch");
    MultipartBody tooMany = new MultipartBody();
    for (int i = 0; i < 257; i++) {
      tooMany.image("image/png", png);
    }
    assertError(postBatch(tooMany, device), 413, "too_many_frames");
    assertError(post(png, "image/png", device, "/v1/frames/batch"), 415, "unsupported_media_type");
    assertError(post("--nothing-like-the-boundary\r\n".getBytes(), "multipart/form-data; boundary=xyz", device,
        "/v1/frames/batch"), 400, "invalid_multipart");

    assertThat(TopicRecords.readAll(KAFKA.bootstrapServers(), Topics.FRAMES.name())).hasSize(before);
  }

  @Test
  void shouldAnswerATenThousandPartBatchWithTooManyFramesNotAFormLimit() throws Exception {
    // Jetty stops parsing at its own form-part limit: the answer must still be the batch limit's code.
    int before = TopicRecords.readAll(KAFKA.bootstrapServers(), Topics.FRAMES.name()).size();
    byte[] png = TestImages.samplePng(16);
    MultipartBody flood = new MultipartBody();
    for (int i = 0; i < 10_000; i++) {
      flood.image("image/png", png);
    }

    HttpResponse<String> response = postBatch(flood, Map.of("X-Device-Id", "gateway-4"));

    assertError(response, 413, "too_many_frames");
    assertThat(JSON.readTree(response.body()).get("message").asText()).contains("INGEST_MAX_BATCH_FRAMES");
    assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(TopicRecords.readAll(KAFKA.bootstrapServers(), Topics.FRAMES.name())).hasSize(before);
  }

  @Test
  void shouldAnswerAnUnknownPathWithAJson404AndTheSecurityHeaders() throws Exception {
    HttpResponse<String> response = get("/v1/no-such-endpoint");

    assertError(response, 404, "not_found");
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type)
        .startsWith("application/json"));
    assertThat(response.headers().firstValue("X-Frame-Options")).hasValue("DENY");
    assertThat(response.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp)
        .contains("default-src 'none'"));
  }

  @Test
  void shouldServeHealthReadinessAndPrometheusMetrics() throws Exception {
    assertThat(get("/healthz").statusCode()).isEqualTo(200);
    HttpResponse<String> ready = get("/readyz");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(ready.body()).get("checks").get("kafka").asBoolean()).isTrue();
    post(TestImages.samplePng(3), "image/png", Map.of());
    HttpResponse<String> metrics = get("/metrics");
    assertThat(metrics.body()).contains("labelstream_ingest_frames_accepted_total")
        .contains("labelstream_ingest_frames_rejected_total{reason=\"missing_header\"")
        .contains("jvm_memory_used_bytes")
        .contains("kafka_producer_");
  }

  private static void assertError(HttpResponse<String> response, int status, String code) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.get("error").asText()).isEqualTo(code);
    assertThat(body.get("message").asText()).isNotBlank();
  }

  private static List<Frame> framesWithId(String frameId) {
    return TopicRecords.readAll(KAFKA.bootstrapServers(), Topics.FRAMES.name()).stream()
        .filter(r -> frameId.equals(r.key()))
        .map(IngestApiIT::frame)
        .toList();
  }

  private static Frame frame(ConsumerRecord<String, byte[]> record) {
    return Topics.FRAMES.valueSerde().deserializer().deserialize(record.topic(), record.value());
  }

  private static byte[] bytes(Frame frame) {
    byte[] copy = new byte[frame.getImage().remaining()];
    frame.getImage().duplicate().get(copy);
    return copy;
  }

  static HttpResponse<String> post(byte[] body, String contentType, Map<String, String> headers) throws Exception {
    return post(body, contentType, headers, "/v1/frames");
  }

  private static HttpResponse<String> postBatch(MultipartBody batch, Map<String, String> headers) throws Exception {
    return post(batch.bytes(), batch.contentType(), headers, "/v1/frames/batch");
  }

  private static HttpResponse<String> post(byte[] body, String contentType, Map<String, String> headers, String path)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ingest.port() + path))
        .header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (!headers.containsKey("Authorization")) {
      request.header("Authorization", TestSenders.AUTHORIZATION);
    }
    headers.forEach(request::header);
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ingest.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
