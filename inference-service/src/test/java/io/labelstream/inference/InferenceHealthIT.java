package io.labelstream.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.labelstream.inference.config.InferenceConfig;
import io.labelstream.kafka.embedded.EmbeddedKafkaExtension;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.http.HttpService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The worker thread is the service: once it has died, {@code /healthz} says so and the process gets restarted. */
class InferenceHealthIT {

  @RegisterExtension
  static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  private final HttpClient client = HttpClient.newHttpClient();

  @Test
  void shouldReportADeadWorkerOnHealthz() throws Exception {
    try (InferenceService inference = InferenceService.start(InferenceConfig.from(new Env(Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers(),
        "HTTP_HOST", "127.0.0.1",
        "INFERENCE_PORT", "0",
        "ROUTING_THRESHOLD", "0.9"))))) {
      await().atMost(Duration.ofSeconds(60)).until(inference::assigned);
      assertThat(get(inference, "/healthz").statusCode()).isEqualTo(200);

      // An unexpected wake-up is one of the errors that end the worker's loop.
      inference.worker().consumer().wakeup();

      await().atMost(Duration.ofSeconds(30)).until(() -> get(inference, "/healthz").statusCode() == 503);
      JsonNode health = HttpService.objectMapper().readTree(get(inference, "/healthz").body());
      assertThat(health.get("status").asText()).isEqualTo("down");
      assertThat(health.get("dead")).extracting(JsonNode::asText).containsExactly("worker");
    }
  }

  private HttpResponse<String> get(InferenceService inference, String path) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + inference.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
