package io.labelstream.launcher.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labelstream.launcher.AllInOne;
import io.labelstream.launcher.SampleFrames;
import io.labelstream.testsupport.RequiredTool;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every service's {@code /metrics} after real traffic: valid Prometheus text by {@code promtool check metrics}, with
 * the JVM, Kafka client, HTTP and domain meters that dashboards and alerts use.
 *
 * <p>promtool also lints names. Ours (labelstream_*, http_*) must pass; the Kafka clients' own names (kafka_*: units
 * such as {@code _ns_total}, a {@code connection_count} gauge) and two of Micrometer's standard JVM names are
 * kept as their binders make them, so standard dashboards work, and are the only findings allowed.
 */
class MetricsScrapeIT {

  private static final String TOKEN = "metrics-it-token";
  /** Micrometer's JVM binder names, kept for standard JVM dashboards. */
  private static final List<String> THIRD_PARTY_NAMES = List.of("system_cpu_count ", "process_cpu_time_ns_total ");
  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir
  Path dataDir;

  @Test
  void shouldServeMetricsThatPromtoolAcceptsWithTheDomainMetersOnEveryService() throws Exception {
    Path promtool = promtool();
    List<SampleFrames.Sample> samples = SampleFrames.load(Path.of(System.getProperty("labelstream.root")).resolve("model/samples"))
        .subList(0, 40);
    try (AllInOne all = AllInOne.start(Map.of(
        "LABELSTREAM_DATA_DIR", dataDir.toString(),
        "INGEST_PORT", "0", "INFERENCE_PORT", "0", "REVIEW_PORT", "0",
        "REVIEW_TOKENS", "ada:" + TOKEN + ":reviewer"))) {
      for (SampleFrames.Sample sample : samples) {
        assertThat(post(all, "image/png", sample.bytes()).statusCode()).isEqualTo(202);
      }
      // One rejected frame, so the rejection counter carries a reason.
      assertThat(post(all, "image/png", "not a png".getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(415);
      await().atMost(Duration.ofMinutes(2)).until(() -> scrape(all.inferenceUrl())
          .contains("labelstream_inference_frames_committed_total{service=\"inference\"} " + samples.size()));
      // A reviewer at work: claims (or finds nothing) and answers one task.
      await().atMost(Duration.ofMinutes(1)).until(() -> answerOneTask(all));

      Map<String, String> scrapes = Map.of(
          "ingest", scrape(all.ingestUrl()), "inference", scrape(all.inferenceUrl()), "review", scrape(all.reviewUrl()));
      for (Map.Entry<String, String> scrape : scrapes.entrySet()) {
        Path file = Path.of("target", "metrics", scrape.getKey() + ".prom");
        Files.createDirectories(file.getParent());
        Files.writeString(file, scrape.getValue());
        List<String> findings = promtoolCheck(promtool, file);
        assertThat(findings).as("promtool lint findings on " + file + " outside the Kafka clients' and Micrometer's names")
            .allMatch(finding -> finding.startsWith("kafka_") || THIRD_PARTY_NAMES.stream().anyMatch(finding::startsWith));
      }

      assertThat(scrapes.get("ingest")).contains(
          "labelstream_ingest_frames_accepted_total", "labelstream_ingest_frames_rejected_total{reason=\"not_an_image\"",
          "http_server_requests_seconds_count{method=\"POST\",route=\"/v1/frames\"",
          "kafka_producer_record_send_total", "jvm_memory_used_bytes");
      assertThat(scrapes.get("inference")).contains(
          "labelstream_inference_batch_size_count", "labelstream_inference_model_time_seconds_count",
          "labelstream_inference_frames_routed_total{destination=", "labelstream_inference_frames_dead_lettered_total",
          "labelstream_inference_consumer_lag", "labelstream_inference_e2e_latency_seconds",
          "kafka_consumer_fetch_manager_records_consumed_total", "kafka_producer_record_send_total");
      assertThat(scrapes.get("review")).contains(
          "labelstream_review_queue_length", "labelstream_review_lease_expiries_total",
          "labelstream_review_reviewers_active{service=\"review\"} 1.0", "labelstream_review_leases_active",
          "labelstream_review_tasks_submitted_total", "labelstream_review_policy_accuracy_lower_bound",
          "http_server_requests_seconds_count{method=\"POST\",route=\"/v1/tasks/claim\"", "kafka_consumer_");
    }
  }

  /** promtool comes from Debian's prometheus package, which .ci/run installs: required on CI, skipped elsewhere. */
  private static Path promtool() {
    return RequiredTool.PROMTOOL.path();
  }

  /** The lint findings, one per line; fails when promtool cannot parse the text at all (its exit code 1). */
  private static List<String> promtoolCheck(Path promtool, Path file) throws IOException, InterruptedException {
    Process check = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectInput(file.toFile())
        .redirectErrorStream(true).start();
    String said = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(check.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(check.exitValue()).as("promtool check metrics exit code (0 clean, 3 lint findings): " + said).isIn(0, 3);
    return said.lines().filter(line -> !line.isBlank()).toList();
  }

  private HttpResponse<String> post(AllInOne all, String contentType, byte[] body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(all.ingestUrl() + "/v1/frames"))
        .header("Content-Type", contentType).header("X-Device-Id", "metrics-cam")
        .header("Authorization", "Bearer " + all.ingestToken())
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private boolean answerOneTask(AllInOne all) throws Exception {
    HttpResponse<String> claim = review(all, "/v1/tasks/claim", null);
    if (claim.statusCode() != 200) {
      return false;
    }
    String taskId = claim.body().replaceAll(".*\"taskId\":\"([^\"]+)\".*", "$1");
    String label = claim.body().replaceAll(".*\"classes\":\\[\"([^\"]+)\".*", "$1");
    return review(all, "/v1/tasks/" + taskId + "/submit", "{\"label\":\"" + label + "\"}").statusCode() == 200;
  }

  private HttpResponse<String> review(AllInOne all, String path, String json) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(all.reviewUrl() + path))
        .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
        .POST(json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private String scrape(String baseUrl) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/metrics")).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }
}
