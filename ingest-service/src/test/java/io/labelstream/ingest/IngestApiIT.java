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
    ingest = IngestService.start(IngestConfig.from(new Env(Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers(),
        "HTTP_HOST", "127.0.0.1",
        "INGEST_PORT", "0",
        "INGEST_MAX_BYTES", Integer.toString(8 * 1024 * 1024)))));
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
    assertThat(bytes(frame)).isEqualTo(png);
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
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ingest.port() + "/v1/frames"))
        .header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(request::header);
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ingest.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
