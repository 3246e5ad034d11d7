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
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** {@code /healthz} says whether the service's own threads still run; {@code /readyz} whether it can work now. */
class HttpServiceHealthTest {

  private final HttpClient client = HttpClient.newHttpClient();

  @Test
  void shouldReportAStoppedPartAsDownByName() throws Exception {
    AtomicBoolean workerRuns = new AtomicBoolean(true);
    try (HttpService http = HttpService.start("test", new HttpSettings("127.0.0.1", 0, Duration.ofSeconds(30)), 1024,
        Metrics.registry("test"), List.of(), List.of(LivenessCheck.of("worker", workerRuns::get),
            LivenessCheck.of("reader", () -> true)), app -> { }, config -> { })) {
      HttpResponse<String> up = get(http, "/healthz");
      assertThat(up.statusCode()).isEqualTo(200);
      assertThat(json(up).get("status").asText()).isEqualTo("up");

      workerRuns.set(false);
      HttpResponse<String> down = get(http, "/healthz");

      assertThat(down.statusCode()).isEqualTo(503);
      assertThat(json(down).get("status").asText()).isEqualTo("down");
      assertThat(json(down).get("dead")).extracting(JsonNode::asText).containsExactly("worker");
      assertThat(json(down).get("checks").get("reader").asBoolean()).isTrue();
    }
  }

  @Test
  void shouldStayUpWithoutLivenessChecks() throws Exception {
    try (HttpService http = HttpService.start("test", new HttpSettings("127.0.0.1", 0, Duration.ofSeconds(30)), 1024,
        Metrics.registry("test"), List.of(), app -> { }, config -> { })) {
      HttpResponse<String> up = get(http, "/healthz");

      assertThat(up.statusCode()).isEqualTo(200);
      assertThat(json(up).get("status").asText()).isEqualTo("up");
      assertThat(json(up).get("service").asText()).isEqualTo("test");
    }
  }

  @Test
  void shouldTakeAThreadThatEndedForDead() throws Exception {
    Thread done = new Thread(() -> { }, "done");
    done.start();
    done.join();

    assertThat(LivenessCheck.thread("reader", done).alive()).isFalse();
    assertThat(LivenessCheck.thread("self", Thread.currentThread()).alive()).isTrue();
  }

  private HttpResponse<String> get(HttpService http, String path) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    return HttpService.objectMapper().readTree(response.body());
  }
}
