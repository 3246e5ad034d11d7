package io.labelstream.platform.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.labelstream.platform.config.ConfigException;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.config.IngestVariables;
import io.labelstream.platform.metrics.Metrics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * With METRICS_TOKEN set, {@code /metrics} is for the scraper only: review's accuracy estimate and the Kafka write
 * counts could otherwise tell a reviewer which of their answers was an audit.
 */
class MetricsTokenTest {

  private static final String TOKEN = "scraper-token-0123456789";

  private final HttpClient client = HttpClient.newHttpClient();

  @Test
  void shouldRefuseAnUnauthenticatedScrapeThatCouldRevealAuditOutcomes() throws Exception {
    try (HttpService http = start(settings(Map.of("METRICS_TOKEN", TOKEN)))) {
      HttpResponse<String> none = get(http, "/metrics", null);
      HttpResponse<String> wrong = get(http, "/metrics", "Bearer scraper-token-0123456780");
      HttpResponse<String> otherScheme = get(http, "/metrics", "Basic " + TOKEN);
      HttpResponse<String> right = get(http, "/metrics", "Bearer " + TOKEN);

      assertThat(List.of(none, wrong, otherScheme)).allSatisfy(refused -> {
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(json(refused).get("error").asText()).isEqualTo("unauthorized");
        assertThat(refused.body()).doesNotContain("jvm_").doesNotContain(TOKEN);
      });
      assertThat(right.statusCode()).isEqualTo(200);
      assertThat(right.body()).contains("jvm_");
    }
  }

  @Test
  void shouldKeepTheProbesOpenWhenMetricsNeedAToken() throws Exception {
    try (HttpService http = start(settings(Map.of("METRICS_TOKEN", TOKEN)))) {
      assertThat(get(http, "/healthz", null).statusCode()).isEqualTo(200);
      assertThat(get(http, "/readyz", null).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void shouldLeaveMetricsOpenWithoutAToken() throws Exception {
    try (HttpService http = start(settings(Map.of()))) {
      assertThat(get(http, "/metrics", null).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void shouldRefuseATooShortTokenWithoutRepeatingIt() {
    assertThatThrownBy(() -> settings(Map.of("METRICS_TOKEN", "short-1")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("METRICS_TOKEN")
        .hasMessageNotContaining("short-1");
  }

  @Test
  void shouldNeverShowTheTokenInTheSettings() {
    assertThat(settings(Map.of("METRICS_TOKEN", TOKEN)).toString()).doesNotContain(TOKEN);
  }

  private static HttpSettings settings(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(Map.of("HTTP_HOST", "127.0.0.1", "INGEST_PORT", "0"));
    env.putAll(extra);
    return HttpSettings.from(new Env(env), IngestVariables.INGEST_PORT);
  }

  private static HttpService start(HttpSettings settings) {
    return HttpService.start("test", settings, 1024, Metrics.registry("test"), List.of(), app -> { }, config -> { });
  }

  private HttpResponse<String> get(HttpService http, String path, String authorization) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + path));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    return HttpService.objectMapper().readTree(response.body());
  }
}
