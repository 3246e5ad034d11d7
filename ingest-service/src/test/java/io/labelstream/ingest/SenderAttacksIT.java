package io.labelstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labelstream.ingest.config.IngestConfig;
import io.labelstream.kafka.embedded.EmbeddedKafkaExtension;
import io.labelstream.kafka.embedded.TopicRecords;
import io.labelstream.platform.config.Env;
import io.labelstream.schemas.FrameIds;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.Frame;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 13, hostile clients at ingest: anyone who could reach it could send anything, as fast as they liked, could
 * overwrite a frame's bytes by reusing its Idempotency-Key, and could compute any frame's id from a device id and
 * key. Each test is one such attack.
 */
class SenderAttacksIT {

  @RegisterExtension
  static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String FRAME_ID_SECRET = "attacks-frame-id-secret-0123456789";
  /** One sender per test, so one test's frames never spend another's rate. */
  private static final String TOKENS = "fleet:fleet-secret-token,greedy:greedy-secret-token,"
      + "patient:patient-secret-token,reuser:reuser-secret-token,restarter:restarter-secret-token";
  private static final int BURST = 8;
  private static IngestService ingest;

  @BeforeAll
  static void startIngest() {
    ingest = startIngest(FRAME_ID_SECRET);
  }

  @AfterAll
  static void stopIngest() {
    ingest.close();
  }

  @Test
  void shouldRefuseUploadsWithoutAValidBearerTokenWith401AndWriteNothing() throws Exception {
    byte[] png = TestImages.samplePng(0);
    Map<String, String> device = Map.of("X-Device-Id", "stranger-cam");
    MultipartBody batch = new MultipartBody().image("image/png", png).image("image/png", TestImages.samplePng(1));

    assertUnauthorized(post(ingest, png, "image/png", device, null, "/v1/frames"));
    assertUnauthorized(post(ingest, png, "image/png", device, "Bearer not-a-known-token", "/v1/frames"));
    assertUnauthorized(post(ingest, png, "image/png", device, "Basic ZmxlZXQ6ZmxlZXQtc2VjcmV0LXRva2Vu", "/v1/frames"));
    assertUnauthorized(post(ingest, png, "image/png", device, "Bearer fleet-secret-token-but-longer", "/v1/frames"));
    assertUnauthorized(post(ingest, batch.bytes(), batch.contentType(), device, null, "/v1/frames/batch"));
    assertUnauthorized(post(ingest, batch.bytes(), batch.contentType(), device, "Bearer not-a-known-token",
        "/v1/frames/batch"));

    assertThat(frames().stream().filter(f -> f.getDeviceId().equals("stranger-cam"))).isEmpty();
  }

  @Test
  void shouldAnswer429WithRetryAfterToASenderOverItsRateWhileAnotherSenderIsStillServed() throws Exception {
    byte[] png = TestImages.samplePng(2);
    for (int i = 0; i < BURST; i++) {
      assertThat(post(ingest, png, "image/png", Map.of("X-Device-Id", "greedy-cam"), "Bearer greedy-secret-token",
          "/v1/frames").statusCode()).isEqualTo(202);
    }

    HttpResponse<String> overRate = post(ingest, png, "image/png", Map.of("X-Device-Id", "greedy-cam"),
        "Bearer greedy-secret-token", "/v1/frames");
    MultipartBody batch = new MultipartBody().image("image/png", png);
    HttpResponse<String> overRateBatch = post(ingest, batch.bytes(), batch.contentType(),
        Map.of("X-Device-Id", "greedy-cam"), "Bearer greedy-secret-token", "/v1/frames/batch");
    HttpResponse<String> otherSender = post(ingest, png, "image/png", Map.of("X-Device-Id", "patient-cam"),
        "Bearer patient-secret-token", "/v1/frames");

    assertError(overRate, 429, "rate_limited");
    assertThat(overRate.headers().firstValue("Retry-After")).hasValueSatisfying(
        seconds -> assertThat(Integer.parseInt(seconds)).isPositive());
    assertError(overRateBatch, 429, "rate_limited");
    assertThat(otherSender.statusCode()).as(otherSender.body()).isEqualTo(202);
    assertThat(frames().stream().filter(f -> f.getDeviceId().equals("greedy-cam"))).hasSize(BURST);
    assertThat(get("/metrics")).containsPattern("labelstream_ingest_sender_frames_total\\{outcome=\"refused\",sender=\"greedy\",[^}]*} 2.0")
        .containsPattern("labelstream_ingest_sender_frames_total\\{outcome=\"accepted\",sender=\"patient\",[^}]*} 1.0")
        .doesNotContain("greedy-secret-token");
  }

  @Test
  void shouldAnswer429QuotaExceededToASenderOverItsDailyQuotaWhileAnotherSenderIsStillServed() throws Exception {
    byte[] png = TestImages.samplePng(8);
    Map<String, String> hoarderCam = Map.of("X-Device-Id", "hoarder-cam");
    MultipartBody batch = new MultipartBody().image("image/png", png).image("image/png", TestImages.samplePng(9));
    try (IngestService quoted = startIngest(FRAME_ID_SECRET, Map.of("INGEST_SENDER_DAILY_FRAMES", "3"))) {
      assertThat(post(quoted, png, "image/png", hoarderCam, "Bearer fleet-secret-token", "/v1/frames").statusCode())
          .isEqualTo(202);
      assertThat(post(quoted, batch.bytes(), batch.contentType(), hoarderCam, "Bearer fleet-secret-token",
          "/v1/frames/batch").statusCode()).isEqualTo(202);

      HttpResponse<String> overQuota = post(quoted, png, "image/png", hoarderCam, "Bearer fleet-secret-token",
          "/v1/frames");
      long secondsToMidnight = Duration.between(Instant.now(),
          LocalDate.now(ZoneOffset.UTC).plusDays(1).atStartOfDay(ZoneOffset.UTC)).toSeconds();
      HttpResponse<String> overQuotaBatch = post(quoted, batch.bytes(), batch.contentType(), hoarderCam,
          "Bearer fleet-secret-token", "/v1/frames/batch");
      HttpResponse<String> otherSender = post(quoted, png, "image/png", Map.of("X-Device-Id", "modest-cam"),
          "Bearer patient-secret-token", "/v1/frames");

      assertError(overQuota, 429, "quota_exceeded");
      assertThat(overQuota.headers().firstValue("Retry-After")).hasValueSatisfying(seconds ->
          assertThat(Long.parseLong(seconds)).isPositive().isBetween(secondsToMidnight - 5, secondsToMidnight + 5));
      assertError(overQuotaBatch, 429, "quota_exceeded");
      assertThat(otherSender.statusCode()).as(otherSender.body()).isEqualTo(202);
      assertThat(frames().stream().filter(f -> f.getDeviceId().equals("hoarder-cam"))).hasSize(3);
      assertThat(get(quoted, "/metrics"))
          .containsPattern("labelstream_ingest_sender_frames_total\\{outcome=\"refused\",sender=\"fleet\",[^}]*} 3.0")
          .containsPattern("labelstream_ingest_frames_rejected_total\\{reason=\"quota_exceeded\",[^}]*} 2.0");
    }
  }

  @Test
  void shouldAnswer409ToAnIdempotencyKeyReusedWithOtherBytesAndKeepTheFirstBytes() throws Exception {
    byte[] first = TestImages.samplePng(3);
    byte[] other = TestImages.samplePng(4);
    Map<String, String> key = Map.of("X-Device-Id", "reuse-cam", "Idempotency-Key", "frame-7");

    HttpResponse<String> accepted = post(ingest, first, "image/png", key, "Bearer reuser-secret-token", "/v1/frames");
    HttpResponse<String> reused = post(ingest, other, "image/png", key, "Bearer reuser-secret-token", "/v1/frames");
    HttpResponse<String> retry = post(ingest, first, "image/png", key, "Bearer reuser-secret-token", "/v1/frames");
    MultipartBody reusedInBatch = new MultipartBody().image("image/png", TestImages.samplePng(5),
        Map.of("Idempotency-Key", "frame-8")).image("image/png", other, Map.of("Idempotency-Key", "frame-7"));
    HttpResponse<String> batch = post(ingest, reusedInBatch.bytes(), reusedInBatch.contentType(),
        Map.of("X-Device-Id", "reuse-cam"), "Bearer reuser-secret-token", "/v1/frames/batch");
    MultipartBody twiceInOneBatch = new MultipartBody().image("image/png", first, Map.of("Idempotency-Key", "frame-9"))
        .image("image/png", other, Map.of("Idempotency-Key", "frame-9"));
    HttpResponse<String> inside = post(ingest, twiceInOneBatch.bytes(), twiceInOneBatch.contentType(),
        Map.of("X-Device-Id", "reuse-cam"), "Bearer reuser-secret-token", "/v1/frames/batch");

    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    assertError(reused, 409, "idempotency_key_reused");
    assertThat(retry.statusCode()).isEqualTo(202);
    assertThat(JSON.readTree(retry.body()).get("duplicate").asBoolean()).isTrue();
    assertError(batch, 409, "idempotency_key_reused");
    assertThat(JSON.readTree(batch.body()).get("message").asText()).startsWith("frame 2 of 2");
    assertError(inside, 409, "idempotency_key_reused");
    List<Frame> written = frames().stream().filter(f -> f.getDeviceId().equals("reuse-cam")).toList();
    assertThat(written).hasSize(1);
    assertThat(bytes(written.get(0))).isEqualTo(first);
  }

  @Test
  void shouldGiveFrameIdsNobodyCanComputeFromDeviceAndKeyYetTheSameAcrossAnIngestRestart() throws Exception {
    byte[] png = TestImages.samplePng(6);
    Map<String, String> key = Map.of("X-Device-Id", "restart-cam", "Idempotency-Key", "frame-000042");
    String before;
    try (IngestService first = startIngest("restart-frame-id-secret-0123456789")) {
      before = frameId(post(first, png, "image/png", key, "Bearer restarter-secret-token", "/v1/frames"));
    }
    String after;
    try (IngestService restarted = startIngest("restart-frame-id-secret-0123456789")) {
      after = frameId(post(restarted, png, "image/png", key, "Bearer restarter-secret-token", "/v1/frames"));
    }

    assertThat(after).isEqualTo(before);
    @SuppressWarnings("deprecation")
    String publicDerivation = FrameIds.forIdempotencyKey("restart-cam", "frame-000042");
    assertThat(before).isNotEqualTo(publicDerivation)
        .isNotEqualTo(FrameIds.keyed("another-frame-id-secret-0123456789").idFor("restart-cam", "frame-000042"));
    assertThat(java.util.UUID.fromString(before).toString()).isEqualTo(before);
  }

  @Test
  void shouldTagEveryFrameWithTheSenderWhoseTokenUploadedIt() throws Exception {
    HttpResponse<String> accepted = post(ingest, TestImages.samplePng(7), "image/png", Map.of("X-Device-Id", "tagged-cam"),
        "Bearer fleet-secret-token", "/v1/frames");

    String frameId = frameId(accepted);
    Frame frame = frames().stream().filter(f -> f.getFrameId().equals(frameId)).findFirst().orElseThrow();
    assertThat(frame.getAttributes()).containsEntry("sender", "fleet").containsEntry("source", "http");
  }

  private static IngestService startIngest(String frameIdSecret) {
    return startIngest(frameIdSecret, Map.of());
  }

  private static IngestService startIngest(String frameIdSecret, Map<String, String> settings) {
    Map<String, String> env = new HashMap<>();
    env.put("KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers());
    env.put("HTTP_HOST", "127.0.0.1");
    env.put("INGEST_PORT", "0");
    env.put("INGEST_TOKENS", TOKENS);
    env.put("INGEST_FRAME_ID_SECRET", frameIdSecret);
    // A rate that does not refill within a test: only the burst counts.
    env.put("INGEST_SENDER_FRAMES_PER_SECOND", "0.001");
    env.put("INGEST_SENDER_BURST", Integer.toString(BURST));
    env.put("INGEST_MAX_BATCH_FRAMES", Integer.toString(BURST));
    env.putAll(settings);
    return IngestService.start(IngestConfig.from(new Env(env)));
  }

  private static void assertUnauthorized(HttpResponse<String> response) throws Exception {
    assertError(response, 401, "unauthorized");
  }

  private static void assertError(HttpResponse<String> response, int status, String code) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.get("error").asText()).isEqualTo(code);
    assertThat(body.get("message").asText()).isNotBlank();
  }

  private static String frameId(HttpResponse<String> response) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    return JSON.readTree(response.body()).get("frameId").asText();
  }

  private static List<Frame> frames() {
    return TopicRecords.readAll(KAFKA.bootstrapServers(), Topics.FRAMES.name()).stream()
        .map(r -> Topics.FRAMES.valueSerde().deserializer().deserialize(r.topic(), r.value())).toList();
  }

  private static byte[] bytes(Frame frame) {
    byte[] copy = new byte[frame.getImage().remaining()];
    frame.getImage().duplicate().get(copy);
    return copy;
  }

  private static HttpResponse<String> post(IngestService to, byte[] body, String contentType, Map<String, String> headers,
      String authorization, String path) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + to.port() + path))
        .header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    headers.forEach(request::header);
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String get(String path) throws Exception {
    return get(ingest, path);
  }

  private static String get(IngestService from, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + from.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }
}
