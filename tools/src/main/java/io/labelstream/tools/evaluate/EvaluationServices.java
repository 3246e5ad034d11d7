package io.labelstream.tools.evaluate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labelstream.kafka.embedded.TopicRecords;
import io.labelstream.launcher.AllInOne;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.LabelSource;
import io.labelstream.schemas.avro.Policy;
import io.labelstream.schemas.avro.Prediction;
import io.labelstream.schemas.avro.ReviewRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The real services as the end-to-end evaluations run them: all in one process on an embedded broker, in a fresh
 * data folder (deleted on close), on ephemeral ports, with the routing threshold left to the policy and one admin
 * token for the simulated reviewer. Frames go in over HTTP as a camera sends them; what became of them is read back
 * from the topics.
 */
final class EvaluationServices implements AutoCloseable {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String REVIEWER_TOKEN = "evaluate-reviewer-token";

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Path dataDir;
  private final AllInOne all;

  private EvaluationServices(Path dataDir, AllInOne all) {
    this.dataDir = dataDir;
    this.all = all;
  }

  /** Starts the services with {@code environment} (the user's settings, LABELSTREAM_MODEL_DIR among them). */
  static EvaluationServices start(Map<String, String> environment) throws IOException {
    Path dataDir = Files.createTempDirectory("labelstream-evaluate-");
    Map<String, String> env = new HashMap<>(environment);
    env.remove("KAFKA_BOOTSTRAP_SERVERS");
    env.put("LABELSTREAM_DATA_DIR", dataDir.toString());
    env.put("REVIEW_TOKENS", "evaluator:" + REVIEWER_TOKEN + ":admin");
    env.put("INGEST_PORT", "0");
    // The evaluation posts as fast as ingest answers: its one sender must not be held to a fleet's rate.
    env.putIfAbsent("INGEST_SENDER_FRAMES_PER_SECOND", "1000000");
    env.put("INFERENCE_PORT", "0");
    env.put("REVIEW_PORT", "0");
    // One simulated reviewer: a task needing a second, independent answer would never be settled.
    env.put("REVIEW_ANSWERS_REQUIRED", "1");
    // The policy is what is evaluated: a pinned threshold would bypass it.
    env.remove("INFERENCE_ROUTING_THRESHOLD");
    env.remove("ROUTING_THRESHOLD"); // its deprecated name
    try {
      return new EvaluationServices(dataDir, AllInOne.start(env));
    } catch (RuntimeException e) {
      deleteRecursively(dataDir);
      throw e;
    }
  }

  AllInOne all() {
    return all;
  }

  /** Posts one frame to ingest and returns its frame id; anything but 202 ends the evaluation with ingest's answer. */
  String post(byte[] image, String contentType, String idempotencyKey) throws IOException, InterruptedException {
    return post(image, contentType, idempotencyKey, "evaluate", null);
  }

  /** Posts one frame of a device's camera ({@code cameraId} null: the device names none). */
  String post(byte[] image, String contentType, String idempotencyKey, String deviceId, String cameraId)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(all.ingestUrl() + "/v1/frames"))
        .header("Content-Type", contentType).header("X-Device-Id", deviceId)
        .header("Authorization", "Bearer " + all.ingestToken())
        .header("Idempotency-Key", idempotencyKey);
    if (cameraId != null) {
      request.header("X-Camera-Id", cameraId);
    }
    HttpResponse<String> response = http.send(request.POST(HttpRequest.BodyPublishers.ofByteArray(image)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 202) {
      throw new IOException("ingest refused frame " + idempotencyKey + ": " + response.statusCode() + " "
          + response.body());
    }
    return JSON.readTree(response.body()).get("frameId").asText();
  }

  /** A GET on the review API as the evaluation's reviewer (an admin). */
  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(reviewRequest(path).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A POST on the review API as the evaluation's reviewer, with a JSON body or none (null). */
  HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
    HttpRequest.Builder request = reviewRequest(path);
    if (json == null) {
      request.POST(HttpRequest.BodyPublishers.noBody());
    } else {
      request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest.Builder reviewRequest(String path) {
    return HttpRequest.newBuilder(URI.create(all.reviewUrl() + path)).header("Authorization", "Bearer " + REVIEWER_TOKEN);
  }

  /** Frames whose predictions the review service has read (GET /v1/stats). */
  long framesSeen() throws IOException, InterruptedException {
    HttpResponse<String> stats = get("/v1/stats");
    if (stats.statusCode() != 200) {
      throw new IOException("GET /v1/stats answered " + stats.statusCode() + " " + stats.body());
    }
    JsonNode body = JSON.readTree(stats.body());
    return body.get("framesSeen").asLong();
  }

  /**
   * Waits until the review service has read the predictions of {@code frames} frames: once it has, every review
   * request is on its topic too, as the worker writes a frame's prediction and request in one transaction.
   */
  void awaitRouted(int frames) throws IOException, InterruptedException {
    long seen;
    long lastSeen = -1;
    long lastProgress = System.nanoTime();
    while ((seen = framesSeen()) < frames) {
      if (seen != lastSeen) {
        lastSeen = seen;
        lastProgress = System.nanoTime();
      } else if (System.nanoTime() - lastProgress > Duration.ofMinutes(2).toNanos()) {
        throw new IOException("the review service has seen " + seen + " of " + frames + " frames and no more for "
            + "2 minutes; see the log");
      }
      Thread.sleep(200);
    }
  }

  /**
   * Waits until the policy topic's last policy was computed from all {@code frames} frames with every audit it counts
   * answered: the review service publishes its policy every REVIEW_POLICY_INTERVAL_MS, so the last answers reach it a
   * moment after they are submitted. (Not "as many answered audits as were requested": the policy counts the current
   * regime's audits, and a camera that changes takes its audits since the change out of the common regime.)
   */
  void awaitPolicy(int frames) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (true) {
      Policy last = lastPolicy();
      if (last != null && last.getFramesSeen() >= frames && last.getAuditsAnswered() >= last.getAudits()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IOException("no policy from all " + frames + " frames with every audit it counts answered was "
            + "published within 2 minutes (last: " + last + ")");
      }
      Thread.sleep(250);
    }
  }

  /** What the topics hold now. */
  Records records() {
    String bootstrap = all.bootstrapServers();
    Map<String, Prediction> predictions = new HashMap<>();
    TopicRecords.readAll(bootstrap, Topics.PREDICTIONS.name()).forEach(r ->
        predictions.put(r.key(), Topics.PREDICTIONS.valueSerde().deserializer().deserialize(r.topic(), r.value())));
    Map<String, Label> modelLabels = new HashMap<>();
    Map<String, Label> humanLabels = new HashMap<>();
    TopicRecords.readAll(bootstrap, Topics.LABELS.name()).forEach(r -> {
      Label label = Topics.LABELS.valueSerde().deserializer().deserialize(r.topic(), r.value());
      if (label.getSource() == LabelSource.MODEL) {
        modelLabels.putIfAbsent(r.key(), label);
      } else if (label.getSource() == LabelSource.HUMAN) {
        humanLabels.put(r.key(), label);
      }
    });
    return new Records(predictions, modelLabels, humanLabels, reviewRequests(), lastPolicy());
  }

  /** The last policy on its topic, or null before the first. */
  private Policy lastPolicy() {
    List<Policy> policies = TopicRecords.readAll(all.bootstrapServers(), Topics.POLICY.name()).stream()
        .map(r -> Topics.POLICY.valueSerde().deserializer().deserialize(r.topic(), r.value())).toList();
    return policies.isEmpty() ? null : policies.get(policies.size() - 1);
  }

  /** The review requests on their topic, one per task. */
  List<ReviewRequest> reviewRequests() {
    Map<String, ReviewRequest> requests = new HashMap<>();
    TopicRecords.readAll(all.bootstrapServers(), Topics.REVIEW_REQUESTS.name()).forEach(r -> {
      ReviewRequest request = Topics.REVIEW_REQUESTS.valueSerde().deserializer().deserialize(r.topic(), r.value());
      requests.put(request.getTaskId(), request);
    });
    return List.copyOf(requests.values());
  }

  /**
   * The topics' records, by frame id: each frame's prediction, its first MODEL label and last HUMAN label, the
   * review requests (one per task), and the last published policy (null before the first).
   */
  record Records(Map<String, Prediction> predictions, Map<String, Label> modelLabels, Map<String, Label> humanLabels,
      List<ReviewRequest> reviewRequests, Policy lastPolicy) {

    /** The last policy's bound for the model labels written (Policy v3), what the realised accuracy is held to. */
    double writtenBound() {
      Double written = lastPolicy.getOverall().getWrittenLowerBound();
      return written != null ? written : lastPolicy.getOverall().getLowerBound();
    }
  }

  @Override
  public void close() throws IOException {
    try {
      all.close();
    } finally {
      deleteRecursively(dataDir);
    }
  }

  static void deleteRecursively(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
