package io.labelstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.labelstream.launcher.AllInOne;
import io.labelstream.launcher.SampleFrames;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every metric the alerts and the dashboard in deploy/ query is one the running services serve. The three services
 * run on an embedded broker; a little traffic (frames, one reviewer answer, one refused request) makes the meters
 * that are registered on first use appear too.
 */
class DeployMetricsIT {

  /** Series that come from Prometheus itself, not from a service. */
  private static final Set<String> FROM_PROMETHEUS = Set.of("up");
  private static final String TOKEN = "ada-secret-token";

  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir
  Path dataDir;

  @Test
  void shouldServeEveryMetricTheAlertsAndTheDashboardUse() throws Exception {
    Set<String> used = new TreeSet<>(DeployFiles.metricNamesUsed());
    used.removeAll(FROM_PROMETHEUS);
    assertThat(used).isNotEmpty();
    List<SampleFrames.Sample> samples = SampleFrames.load(DeployFiles.ROOT.resolve("model/samples")).subList(0, 100);

    try (AllInOne all = AllInOne.start(Map.of(
        "LABELSTREAM_DATA_DIR", dataDir.toString(),
        "INGEST_PORT", "0", "INFERENCE_PORT", "0", "REVIEW_PORT", "0",
        "REVIEW_TOKENS", "ada:" + TOKEN + ":reviewer"))) {
      for (int i = 0; i < samples.size(); i++) {
        HttpResponse<String> accepted = post(all.ingestUrl() + "/v1/frames", "image/png", samples.get(i).bytes(), "metrics-" + i,
            all.ingestToken());
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
      }
      assertThat(post(all.ingestUrl() + "/v1/frames", "image/png", new byte[0], "empty", all.ingestToken()).statusCode()).isEqualTo(400);

      // One reviewer answer, once a task has been routed to people.
      JsonNode task = await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(() -> {
        HttpResponse<String> claim = review(all, "/v1/tasks/claim", null);
        return claim.statusCode() == 200 ? DeployFiles.JSON.readTree(claim.body()) : null;
      }, t -> t != null);
      String label = task.path("suggestion").isObject() ? task.path("suggestion").path("label").asText()
          : task.path("classes").get(0).asText();
      HttpResponse<String> submitted = review(all, "/v1/tasks/" + task.path("taskId").asText() + "/submit",
          "{\"label\":\"" + label + "\"}");
      assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(200);

      await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> {
        Set<String> served = new TreeSet<>();
        for (String url : List.of(all.ingestUrl(), all.inferenceUrl(), all.reviewUrl())) {
          served.addAll(metricNames(http.send(HttpRequest.newBuilder(URI.create(url + "/metrics")).build(),
              HttpResponse.BodyHandlers.ofString()).body()));
        }
        assertThat(served).as("metrics the three services serve").containsAll(used);
      });
    }
  }

  /** The series names of a Prometheus text exposition. */
  private static Set<String> metricNames(String exposition) {
    Set<String> names = new TreeSet<>();
    for (String line : exposition.split("\n")) {
      if (!line.isBlank() && !line.startsWith("#")) {
        int end = 0;
        while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
          end++;
        }
        names.add(line.substring(0, end));
      }
    }
    return names;
  }

  private HttpResponse<String> post(String url, String contentType, byte[] body, String key, String ingestToken)
      throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", contentType)
        .header("X-Device-Id", "metrics-it").header("Idempotency-Key", key)
        .header("Authorization", "Bearer " + ingestToken)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> review(AllInOne all, String path, String json) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(all.reviewUrl() + path))
        .header("Authorization", "Bearer " + TOKEN)
        .POST(json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      request.header("Content-Type", "application/json");
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
