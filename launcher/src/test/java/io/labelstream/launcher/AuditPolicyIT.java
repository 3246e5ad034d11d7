package io.labelstream.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labelstream.kafka.embedded.TopicRecords;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.Policy;
import io.labelstream.schemas.avro.Prediction;
import io.labelstream.schemas.avro.Route;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Blind audits through the real pipeline: created at the configured rate, shown without a suggestion, and their
 * answers move the published policy. Here every audit answer disagrees with the model, as if the model had started
 * failing: the policy must stop trusting its validation evidence and raise its thresholds.
 */
class AuditPolicyIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
      "Shirt", "Sneaker", "Bag", "Ankle boot");
  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir
  Path dataDir;

  @Test
  void shouldCreateBlindAuditsWhoseAnswersMoveThePublishedPolicy() throws Exception {
    List<SampleFrames.Sample> samples = SampleFrames.load(Path.of(System.getProperty("labelstream.root")).resolve("model/samples"))
        .subList(0, 300);
    try (AllInOne all = AllInOne.start(Map.of(
        "LABELSTREAM_DATA_DIR", dataDir.toString(),
        "INGEST_PORT", "0", "INFERENCE_PORT", "0", "REVIEW_PORT", "0",
        "INFERENCE_AUDIT_RATE", "0.3",
        "REVIEW_POLICY_INTERVAL_MS", "200",
        "REVIEW_TOKENS", "ada:ada-secret-token:reviewer,root:root-secret-token:admin"))) {
      String bootstrap = all.bootstrapServers();
      await().atMost(Duration.ofSeconds(30)).until(() -> latestPolicy(bootstrap) != null);
      Policy initial = latestPolicy(bootstrap);
      Map<String, SampleFrames.Sample> byFrame = new HashMap<>();
      for (int i = 0; i < samples.size(); i++) {
        HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(URI.create(all.ingestUrl() + "/v1/frames"))
            .header("Content-Type", "image/png").header("X-Device-Id", "audit-cam")
            .header("Authorization", "Bearer " + all.ingestToken())
            .POST(HttpRequest.BodyPublishers.ofByteArray(samples.get(i).bytes())).build(), HttpResponse.BodyHandlers.ofString());
        byFrame.put(JSON.readTree(accepted.body()).get("frameId").asText(), samples.get(i));
      }
      await().atMost(Duration.ofMinutes(2)).until(() -> TopicRecords.readAll(bootstrap, Topics.PREDICTIONS.name()).size() == samples.size());
      List<Prediction> predictions = TopicRecords.readAll(bootstrap, Topics.PREDICTIONS.name()).stream()
          .map(r -> Topics.PREDICTIONS.valueSerde().deserializer().deserialize(r.topic(), r.value())).toList();
      long modelLabelled = predictions.stream().filter(p -> p.getRoute() == Route.MODEL_LABEL).count();
      long audits = predictions.stream().filter(Prediction::getAudited).count();
      Map<String, Prediction> predictionOf = new HashMap<>();
      predictions.forEach(p -> predictionOf.put(p.getFrameId(), p));
      // 30% of the model-labelled frames, within a wide binomial margin.
      assertThat((double) audits / modelLabelled).isBetween(0.18, 0.42);

      long tasks = predictions.stream().filter(p -> p.getRoute() == Route.REVIEW || p.getAudited()).count();
      int[] answered = {0};
      int[] auditsAnswered = {0};
      await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20)).until(() -> {
        HttpResponse<String> claim = post(all, "/v1/tasks/claim", null);
        if (claim.statusCode() == 200) {
          JsonNode task = JSON.readTree(claim.body());
          String frameId = task.get("frameId").asText();
          Prediction prediction = predictionOf.get(frameId);
          String answer = byFrame.get(frameId).className();
          if (prediction.getAudited()) {
            assertThat(task.get("suggestion").isNull()).as("an audit shows no suggestion").isTrue();
            answer = CLASSES.get((prediction.getClassIndex() + 1) % 10);
            auditsAnswered[0]++;
          } else {
            assertThat(task.get("suggestion").get("label").asText()).isEqualTo(prediction.getLabel());
          }
          assertThat(post(all, "/v1/tasks/" + task.get("taskId").asText() + "/submit", "{\"label\":\"" + answer + "\"}")
              .statusCode()).isEqualTo(200);
          answered[0]++;
        }
        return answered[0] == tasks;
      });

      await().atMost(Duration.ofSeconds(30)).until(() -> latestPolicy(bootstrap).getAuditsAnswered() == auditsAnswered[0]);
      Policy moved = latestPolicy(bootstrap);
      assertThat(moved.getValidationTrusted()).isFalse();
      assertThat(moved.getOverall().getEstimate()).isLessThan(initial.getOverall().getEstimate());
      assertThat(mean(moved.getThresholds())).isGreaterThan(mean(initial.getThresholds()));
      // The policy's audit evidence is for admins: a reviewer could otherwise read their audits' outcomes from it.
      JsonNode stats = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(all.reviewUrl() + "/v1/stats"))
          .header("Authorization", "Bearer root-secret-token").build(), HttpResponse.BodyHandlers.ofString()).body())
          .get("policy");
      assertThat(stats.get("auditsAnswered").asLong()).isEqualTo(auditsAnswered[0]);
      assertThat(stats.get("validationTrusted").asBoolean()).isFalse();
      String metrics = http.send(HttpRequest.newBuilder(URI.create(all.reviewUrl() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      assertThat(metrics).contains("labelstream_review_policy_accuracy_lower_bound{class=\"all\"")
          .contains("labelstream_review_policy_threshold{class=\"Bag\"");
    }
  }

  private static double mean(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
  }

  private static Policy latestPolicy(String bootstrap) {
    var records = TopicRecords.readAll(bootstrap, Topics.POLICY.name());
    return records.isEmpty() ? null
        : Topics.POLICY.valueSerde().deserializer().deserialize(Topics.POLICY.name(), records.get(records.size() - 1).value());
  }

  private HttpResponse<String> post(AllInOne all, String path, String json) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(all.reviewUrl() + path))
        .header("Authorization", "Bearer ada-secret-token")
        .POST(json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      request.header("Content-Type", "application/json");
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(AllInOne all, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(all.reviewUrl() + path))
        .header("Authorization", "Bearer ada-secret-token").build(), HttpResponse.BodyHandlers.ofString());
  }
}
