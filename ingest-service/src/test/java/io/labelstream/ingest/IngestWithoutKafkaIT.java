package io.labelstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.labelstream.ingest.config.IngestConfig;
import io.labelstream.kafka.embedded.EmbeddedKafkaBroker;
import io.labelstream.platform.config.Env;
import io.labelstream.testsupport.TestSenders;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a fleet sees when Kafka goes away: a 503 with Retry-After, never a 202 for an unwritten frame. */
class IngestWithoutKafkaIT {

  @TempDir
  Path dataDir;

  @Test
  void shouldAnswer503WithRetryAfterWhenKafkaCannotTakeTheWrite() throws Exception {
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir);
    HttpClient http = HttpClient.newHttpClient();
    try (IngestService ingest = IngestService.start(IngestConfig.from(new Env(TestSenders.with(Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
        "HTTP_HOST", "127.0.0.1",
        "INGEST_PORT", "0",
        "INGEST_PRODUCE_TIMEOUT_MS", "2000")))))) {
      URI uri = URI.create("http://127.0.0.1:" + ingest.port() + "/v1/frames");
      HttpRequest request = HttpRequest.newBuilder(uri).header("Content-Type", "image/png").header("X-Device-Id", "car-9")
          .header("Authorization", TestSenders.AUTHORIZATION)
          .POST(HttpRequest.BodyPublishers.ofByteArray(TestImages.samplePng(5))).build();
      assertThat(http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(202);

      broker.close();
      HttpResponse<String> refused = http.send(request, HttpResponse.BodyHandlers.ofString());

      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.headers().firstValue("Retry-After")).isPresent();
      assertThat(new ObjectMapper().readTree(refused.body()).get("error").asText()).isEqualTo("kafka_unavailable");
      MultipartBody batch = new MultipartBody().image("image/png", TestImages.samplePng(6)).image("image/png", TestImages.samplePng(7));
      HttpResponse<String> refusedBatch = http.send(HttpRequest.newBuilder(URI.create(uri + "/batch"))
          .header("Content-Type", batch.contentType()).header("X-Device-Id", "car-9")
          .header("Authorization", TestSenders.AUTHORIZATION)
          .POST(HttpRequest.BodyPublishers.ofByteArray(batch.bytes())).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(refusedBatch.statusCode()).as(refusedBatch.body()).isEqualTo(503);
      assertThat(new ObjectMapper().readTree(refusedBatch.body()).get("error").asText()).isEqualTo("kafka_unavailable");
      HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ingest.port() + "/readyz")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(ready.statusCode()).isEqualTo(503);
    }
  }
}
