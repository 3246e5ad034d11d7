package io.labelstream.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.labelstream.platform.metrics.Metrics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Whatever a handler lets through from Kafka, the client gets one answer: 503 kafka_unavailable with Retry-After. */
class KafkaFailureAnswerTest {

  private final HttpClient client = HttpClient.newHttpClient();
  private HttpService http;

  @BeforeEach
  void start() {
    http = HttpService.start("test", new HttpSettings("127.0.0.1", 0, Duration.ofSeconds(5)), 1024,
        Metrics.registry("test"), List.of(), app -> {
          app.post("/write", ctx -> {
            throw new TimeoutException("Timeout expired after 15000ms while awaiting AddOffsetsToTxn");
          });
          app.post("/fenced", ctx -> {
            throw new ProducerFencedException("there is a newer producer with the same transactionalId");
          });
          app.get("/async", ctx -> ctx.future(() -> CompletableFuture.failedFuture(new KafkaException("broker gone"))));
          app.get("/busy", ctx -> {
            throw ApiException.unavailable("ingest_busy", "too many frames in flight", 1);
          });
        }, config -> { });
  }

  @AfterEach
  void stop() {
    http.close();
  }

  @Test
  void shouldAnswerAKafkaTimeoutWith503KafkaUnavailableAndRetryAfter() throws Exception {
    HttpResponse<String> answer = send("POST", "/write");

    assertThat(answer.statusCode()).isEqualTo(503);
    assertThat(answer.headers().firstValue("Retry-After")).contains(Integer.toString(ApiException.KAFKA_RETRY_AFTER_SECONDS));
    JsonNode body = HttpService.objectMapper().readTree(answer.body());
    assertThat(body.get("error").asText()).isEqualTo("kafka_unavailable");
    assertThat(body.get("message").asText()).contains("POST /write").contains("Timeout expired after 15000ms");
  }

  @Test
  void shouldAnswerEveryOtherKafkaFailureTheSameWaySyncOrAsync() throws Exception {
    for (HttpResponse<String> answer : List.of(send("POST", "/fenced"), send("GET", "/async"))) {
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
      assertThat(answer.headers().firstValue("Retry-After")).contains(Integer.toString(ApiException.KAFKA_RETRY_AFTER_SECONDS));
      assertThat(HttpService.objectMapper().readTree(answer.body()).get("error").asText()).isEqualTo("kafka_unavailable");
    }
  }

  @Test
  void shouldLeaveA503ThatIsNotKafkasAsItsHandlerSaidIt() throws Exception {
    HttpResponse<String> answer = send("GET", "/busy");

    assertThat(answer.statusCode()).isEqualTo(503);
    assertThat(answer.headers().firstValue("Retry-After")).contains("1");
    assertThat(HttpService.objectMapper().readTree(answer.body()).get("error").asText()).isEqualTo("ingest_busy");
  }

  private HttpResponse<String> send(String method, String path) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + path))
        .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }
}
