package io.labelstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.labelstream.ingest.config.IngestConfig;
import io.labelstream.kafka.embedded.EmbeddedKafkaExtension;
import io.labelstream.platform.config.Env;
import io.labelstream.testsupport.CameraFrames;
import io.labelstream.testsupport.TestSenders;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bodies being read take room before a byte of them is read, so big uploads arriving together are bounded like the
 * frames waiting to be written: one more is a 503 {@code ingest_busy}, not one more image in the heap.
 */
class UploadBodyBudgetIT {

  @RegisterExtension
  static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  @Test
  void shouldRefuseAnUploadWhileTheBodiesBeingReadFillTheBudget() throws Exception {
    byte[] large = CameraFrames.jpeg(1280, 720, 1);
    String limit = Integer.toString(large.length + 100);
    try (IngestService ingest = IngestService.start(IngestConfig.from(new Env(TestSenders.with(Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers(), "HTTP_HOST", "127.0.0.1", "INGEST_PORT", "0",
        "INGEST_MAX_BYTES", limit, "INGEST_MAX_BATCH_BYTES", limit, "INGEST_MAX_IN_FLIGHT_BYTES", limit)))));
        Socket slow = new Socket("127.0.0.1", ingest.port())) {
      OutputStream out = slow.getOutputStream();
      out.write(("POST /v1/frames HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/jpeg\r\nX-Device-Id: slow-car\r\n"
          + "Authorization: " + TestSenders.AUTHORIZATION + "\r\nContent-Length: " + large.length + "\r\n"
          + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(large, 0, large.length / 2);
      out.flush();
      HttpClient http = HttpClient.newHttpClient();
      HttpRequest small = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ingest.port() + "/v1/frames"))
          .header("Content-Type", "image/png").header("X-Device-Id", "car-2")
          .header("Authorization", TestSenders.AUTHORIZATION)
          .POST(HttpRequest.BodyPublishers.ofByteArray(TestImages.samplePng(0))).build();

      // The slow body holds its room from its headers on; the second upload does not fit beside it.
      awaitBodiesBeingRead(ingest, http, large.length);
      HttpResponse<String> refused = http.send(small, HttpResponse.BodyHandlers.ofString());

      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
      assertThat(refused.headers().firstValue("Retry-After")).isPresent();
      assertThat(new ObjectMapper().readTree(refused.body()).get("error").asText()).isEqualTo("ingest_busy");
      out.write(large, large.length / 2, large.length - large.length / 2);
      out.flush();
      assertThat(statusLine(slow.getInputStream())).startsWith("HTTP/1.1 202");
      assertThat(http.send(small, HttpResponse.BodyHandlers.ofString()).statusCode()).as("room again").isEqualTo(202);
      awaitBodiesBeingRead(ingest, http, 0);
    }
  }

  /**
   * The slow request's handler takes its room once Jetty has its headers, shortly after they were sent: wait until
   * the gauge of bodies being read shows it (a fresh-clone CI run once had 100 paced asks over 10 s all find the room
   * free; the gauge says which side was late).
   */
  private static void awaitBodiesBeingRead(IngestService ingest, HttpClient http, int bodyBytes) {
    HttpRequest metrics = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ingest.port() + "/metrics")).build();
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
        .untilAsserted(() -> assertThat(http.send(metrics, HttpResponse.BodyHandlers.ofString()).body())
            .as("the slow body's room in the gauge")
            .containsPattern("(?m)^labelstream_ingest_body_reading_bytes(\\{[^}]*})? " + bodyBytes + "\\.0$"));
  }

  private static String statusLine(InputStream in) throws Exception {
    StringBuilder line = new StringBuilder();
    for (int c = in.read(); c != -1 && c != '\r'; c = in.read()) {
      line.append((char) c);
    }
    return line.toString();
  }
}
