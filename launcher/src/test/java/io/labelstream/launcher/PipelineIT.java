package io.labelstream.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labelstream.kafka.embedded.TopicRecords;
import io.labelstream.schemas.Topic;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.LabelSource;
import io.labelstream.schemas.avro.Prediction;
import io.labelstream.schemas.avro.ReviewReason;
import io.labelstream.schemas.avro.ReviewRequest;
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
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The walking skeleton end to end: real frames over HTTP, the real model on a real embedded broker, a reviewer
 * answering every task, and final labels read back.
 */
class PipelineIT {

  private static final int FRAMES = 500;
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir
  Path dataDir;

  @Test
  void shouldGiveEveryPostedFrameExactlyOneFinalLabelByModelOrReviewer() throws Exception {
    List<SampleFrames.Sample> samples = SampleFrames.load(Path.of(System.getProperty("labelstream.root")).resolve("model/samples"))
        .subList(0, FRAMES);
    try (AllInOne all = AllInOne.start(Map.of(
        "LABELSTREAM_DATA_DIR", dataDir.toString(),
        "INGEST_PORT", "0", "INFERENCE_PORT", "0", "REVIEW_PORT", "0",
        "REVIEW_TOKENS", "ada:ada-secret-token:reviewer,root:root-secret-token:admin"))) {
      String bootstrap = all.bootstrapServers();
      Map<String, SampleFrames.Sample> sampleByFrame = new HashMap<>();
      for (int i = 0; i < FRAMES; i++) {
        HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(URI.create(all.ingestUrl() + "/v1/frames"))
            .header("Content-Type", "image/png").header("X-Device-Id", "it-camera").header("Idempotency-Key", "it-" + i)
            .header("Authorization", "Bearer " + all.ingestToken())
            .POST(HttpRequest.BodyPublishers.ofByteArray(samples.get(i).bytes())).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        sampleByFrame.put(JSON.readTree(accepted.body()).get("frameId").asText(), samples.get(i));
      }
      assertThat(sampleByFrame).hasSize(FRAMES);

      await().atMost(Duration.ofMinutes(3)).until(() -> stats(all).get("framesSeen").asLong() == FRAMES);

      // Every review request is written in the same transaction as its prediction: count the tasks to expect.
      List<Prediction> routed = byFrame(bootstrap, Topics.PREDICTIONS, Prediction::getFrameId).values().stream()
          .flatMap(List::stream).toList();
      long expectedTasks = routed.stream().filter(p -> p.getRoute() == Route.REVIEW || p.getAudited()).count();

      // Act as a reviewer until every task is answered, answering with the true class.
      Map<String, String> answers = new HashMap<>();
      Map<String, JsonNode> suggestions = new HashMap<>();
      await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20)).until(() -> {
        answerNextTask(all, sampleByFrame, answers, suggestions);
        return answers.size() == expectedTasks;
      });
      assertThat(call(all, "POST", "/v1/tasks/claim", null).statusCode()).isEqualTo(204);

      // Every frame went exactly one way.
      Map<String, List<Prediction>> predictions = byFrame(bootstrap, Topics.PREDICTIONS, Prediction::getFrameId);
      Map<String, List<ReviewRequest>> reviews = byFrame(bootstrap, Topics.REVIEW_REQUESTS, ReviewRequest::getFrameId);
      Map<String, List<Label>> labels = byFrame(bootstrap, Topics.LABELS, Label::getFrameId);
      assertThat(predictions.keySet()).isEqualTo(sampleByFrame.keySet());
      int modelLabelled = 0;
      int modelCorrect = 0;
      int audited = 0;
      for (String frameId : sampleByFrame.keySet()) {
        assertThat(predictions.get(frameId)).hasSize(1);
        Prediction prediction = predictions.get(frameId).get(0);
        List<Label> frameLabels = labels.get(frameId);
        Label last = frameLabels.get(frameLabels.size() - 1);
        if (prediction.getRoute() == Route.MODEL_LABEL) {
          modelLabelled++;
          assertThat(frameLabels.get(0).getSource()).isEqualTo(LabelSource.MODEL);
          modelCorrect += frameLabels.get(0).getClassIndex() == sampleByFrame.get(frameId).classIndex() ? 1 : 0;
          if (prediction.getAudited()) {
            // A blind audit: the MODEL label, then the reviewer's answer superseding it; no suggestion was shown.
            audited++;
            assertThat(reviews.get(frameId)).singleElement().satisfies(r -> assertThat(r.getReason()).isEqualTo(ReviewReason.AUDIT));
            assertThat(frameLabels).hasSize(2);
            assertThat(last.getSource()).isEqualTo(LabelSource.HUMAN);
            assertThat(suggestions.get(frameId).isNull()).isTrue();
          } else {
            assertThat(reviews).doesNotContainKey(frameId);
            assertThat(frameLabels).hasSize(1);
          }
        } else {
          assertThat(reviews.get(frameId)).singleElement().satisfies(r -> assertThat(r.getReason()).isEqualTo(ReviewReason.LOW_CONFIDENCE));
          assertThat(frameLabels).hasSize(1);
          assertThat(last.getSource()).isEqualTo(LabelSource.HUMAN);
          assertThat(suggestions.get(frameId).get("label").asText()).isEqualTo(prediction.getLabel());
        }
        if (last.getSource() == LabelSource.HUMAN) {
          assertThat(last.getLabel()).isEqualTo(answers.get(frameId));
          assertThat(last.getReviewerIds()).containsExactly("ada");
        }
        JsonNode finalLabel = JSON.readTree(call(all, "GET", "/v1/labels/" + frameId, null, "root-secret-token").body());
        assertThat(finalLabel.get("label").asText()).isEqualTo(last.getLabel());
        assertThat(finalLabel.get("source").asText()).isEqualTo(last.getSource().name());
      }
      assertThat(answers).hasSize(FRAMES - modelLabelled + audited);
      double accuracy = (double) modelCorrect / modelLabelled;
      System.out.printf("PipelineIT: %d frames, %d model-labelled (%.1f%%) at accuracy %.4f, %d reviewed, %d of them audits%n",
          FRAMES, modelLabelled, 100.0 * modelLabelled / FRAMES, accuracy, answers.size(), audited);
      assertThat(modelLabelled).isPositive();
      assertThat(answers).isNotEmpty();
      assertThat(accuracy).isGreaterThan(0.9);
      JsonNode stats = stats(all);
      assertThat(stats.get("modelLabelled").asLong()).isEqualTo(modelLabelled - audited);
      assertThat(stats.get("humanLabelled").asLong()).isEqualTo(answers.size());
      JsonNode policy = stats.get("policy");
      assertThat(policy.get("overall").get("lowerBound").asDouble()).isGreaterThanOrEqualTo(0.99);
      assertThat(policy.get("perClass")).hasSize(10);
      assertThat(stats.get("queuedForReview").asLong()).isZero();
      assertThat(stats.get("deadLettered").asLong()).isZero();
    }
  }

  /** Claims one task, if any is waiting, and answers it with the frame's true class. */
  private void answerNextTask(AllInOne all, Map<String, SampleFrames.Sample> sampleByFrame, Map<String, String> answers,
      Map<String, JsonNode> suggestions) throws Exception {
    HttpResponse<String> claim = call(all, "POST", "/v1/tasks/claim", null);
    if (claim.statusCode() == 204) {
      return;
    }
    JsonNode task = JSON.readTree(claim.body());
    String frameId = task.get("frameId").asText();
    String truth = sampleByFrame.get(frameId).className();
    HttpResponse<String> submitted = call(all, "POST", "/v1/tasks/" + task.get("taskId").asText() + "/submit",
        "{\"label\":\"" + truth + "\"}");
    assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(200);
    answers.put(frameId, truth);
    suggestions.put(frameId, task.get("suggestion"));
  }

  /** Label counts and the policy in the stats are for admins. */
  private JsonNode stats(AllInOne all) throws Exception {
    return JSON.readTree(call(all, "GET", "/v1/stats", null, "root-secret-token").body());
  }

  private HttpResponse<String> call(AllInOne all, String method, String path, String json) throws Exception {
    return call(all, method, path, json, "ada-secret-token");
  }

  /** Final labels are for admins only (a reviewer could otherwise tell blind audits apart). */
  private HttpResponse<String> call(AllInOne all, String method, String path, String json, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(all.reviewUrl() + path))
        .header("Authorization", "Bearer " + token)
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      request.header("Content-Type", "application/json");
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static <V> Map<String, List<V>> byFrame(String bootstrap, Topic<String, V> topic, Function<V, String> frameId) {
    return TopicRecords.readAll(bootstrap, topic.name()).stream()
        .map(r -> topic.valueSerde().deserializer().deserialize(topic.name(), r.value()))
        .collect(Collectors.groupingBy(frameId));
  }
}
