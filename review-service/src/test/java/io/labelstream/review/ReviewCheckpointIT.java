package io.labelstream.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.labelstream.kafka.embedded.EmbeddedKafkaExtension;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.kafka.KafkaSettings;
import io.labelstream.platform.kafka.TopicProvisioner;
import io.labelstream.review.ReviewFixtures.Client;
import io.labelstream.review.config.ReviewConfig;
import io.labelstream.schemas.TaskIds;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.ClassProbability;
import io.labelstream.schemas.avro.InputStats;
import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.LabelSource;
import io.labelstream.schemas.avro.Prediction;
import io.labelstream.schemas.avro.ReviewReason;
import io.labelstream.schemas.avro.ReviewRequest;
import io.labelstream.schemas.avro.Route;
import io.labelstream.testsupport.FreePort;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A review instance with a state folder goes on from the checkpoint its clean stop wrote, or after it was killed from
 * the last checkpoint it took while running, reading only what Kafka received since, and ends where an instance that
 * read every topic from the beginning ends: the same labels, statistics, reviewers, queue and frame histories, over
 * the API.
 */
class ReviewCheckpointIT {

  @RegisterExtension
  static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> CLASSES = ReviewFixtures.BUNDLED_CLASSES;
  private static final String MODEL = "fashion-mnist-ensemble";
  private static final String VERSION = bundledVersion();
  private static final Instant START = Instant.parse("2026-11-30T08:00:00Z");

  @TempDir
  Path stateDir;
  @TempDir
  Path logs;

  private final Random random = new Random(5);
  private final List<String> frameIds = new ArrayList<>();
  private final List<String> answered = new ArrayList<>();

  @Test
  void shouldGoOnFromItsCheckpointAndEndWhereAFullRebuildEnds() throws Exception {
    TopicProvisioner.ensureTopics(KafkaSettings.from(new Env(Map.of("KAFKA_BOOTSTRAP_SERVERS",
        KAFKA.bootstrapServers()))));
    writeStream(0, 800);
    List<String> held;
    try (ReviewService first = start("review-a", true)) {
      answer(first.port(), "ada", 25);
      held = holdWithoutAnswering(first.port(), "bob", 2);
    }
    assertThat(stateDir.resolve("checkpoint")).as("written by the clean stop").exists();

    writeStream(800, 1_600);
    try (ReviewService restarted = start("review-a", true)) {
      assertThat(stateDir.resolve("checkpoint")).as("taken out at start: a crash from here must not find it")
          .doesNotExist();
      assertEndsWhereARebuildEnds(restarted, "cyd", held);
    }
  }

  @Test
  void shouldGoOnAfterBeingKilledFromTheLastCheckpointItTookWhileRunning() throws Exception {
    TopicProvisioner.ensureTopics(KafkaSettings.from(new Env(Map.of("KAFKA_BOOTSTRAP_SERVERS",
        KAFKA.bootstrapServers()))));
    writeStream(0, 800);
    int port = FreePort.onLoopback();
    Process doomed = startInOwnJvm(port);
    List<String> held;
    try {
      await().atMost(Duration.ofSeconds(90)).until(() -> ReviewFixtures.readyInOwnJvm(doomed, port));
      answer(port, "dee", 25);
      held = holdWithoutAnswering(port, "eve", 2);
      Path taken = stateDir.resolve("running").resolve("checkpoint");
      long afterTheAnswers = System.currentTimeMillis();
      await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(taken)
          && Files.getLastModifiedTime(taken).toMillis() > afterTheAnswers);
      Client ops = new Client(port, "root-secret-token");
      long seen = JSON.readTree(ops.get("/v1/stats").body()).path("framesSeen").asLong();
      writeStream(800, 1_200); // read into the store after the checkpoint, which the kill leaves unusable
      await().atMost(Duration.ofSeconds(60)).until(() -> JSON.readTree(ops.get("/v1/stats").body())
          .path("framesSeen").asLong() == seen + 400);
    } finally {
      doomed.destroyForcibly(); // SIGKILL: no clean stop, no checkpoint of one
      doomed.waitFor();
    }
    assertThat(stateDir.resolve("checkpoint")).as("no clean stop").doesNotExist();

    writeStream(1_200, 1_600);
    try (ReviewService restarted = start("review-a", true)) {
      assertEndsWhereARebuildEnds(restarted, "fay", held);
    }
  }

  /**
   * {@code restarted} read under two thirds of what a rebuild from Kafka reads, and after 15 more answers by
   * {@code reviewer} both say the same over the API; the tasks {@code held} before the restart were not handed to
   * anyone else.
   */
  private void assertEndsWhereARebuildEnds(ReviewService restarted, String reviewer, List<String> held)
      throws Exception {
    long restartRead = restarted.stateTailer().progress().offsetsToRead();
    answer(restarted.port(), reviewer, 15);
    try (ReviewService rebuilt = start("review-b", false)) {
      long fullRead = rebuilt.stateTailer().progress().offsetsToRead();
      assertThat(restartRead).as("offsets read after the restart, of %s read by a full rebuild", fullRead)
          .isLessThan(fullRead * 2 / 3);
      Client fromCheckpoint = new Client(restarted.port(), "root-secret-token");
      Client fromKafka = new Client(rebuilt.port(), "root-secret-token");
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(view(fromCheckpoint, "/v1/stats"))
          .isEqualTo(view(fromKafka, "/v1/stats")));
      for (String path : List.of("/v1/stats/classes", "/v1/stats/labels-over-time",
          "/v1/stats/review-throughput", "/v1/stats/agreement", "/v1/admin/reviewers", "/v1/admin/queue")) {
        assertThat(view(fromCheckpoint, path)).as(path).isEqualTo(view(fromKafka, path));
      }
      assertThat(restarted.openTasks()).isEqualTo(rebuilt.openTasks()).isPositive();
      List<String> sample = frameIds.stream().filter(id -> random.nextInt(8) == 0).toList();
      // The final labels are shared by partition between the two instances: until the partitions have settled after
      // the second one joined, a lookup may be told to try again.
      await().atMost(Duration.ofSeconds(60)).until(() -> sample.stream().allMatch(frameId ->
          answers(fromCheckpoint, "/v1/labels/" + frameId) && answers(fromKafka, "/v1/labels/" + frameId)));
      for (String frameId : sample) {
        for (String path : List.of("/v1/labels/" + frameId, "/v1/frames/" + frameId + "/history")) {
          HttpResponse<String> restartedSays = fromCheckpoint.get(path);
          HttpResponse<String> rebuiltSays = fromKafka.get(path);
          assertThat(restartedSays.statusCode()).as(path).isEqualTo(rebuiltSays.statusCode());
          assertThat(JSON.readTree(restartedSays.body())).as(path).isEqualTo(JSON.readTree(rebuiltSays.body()));
        }
      }
      // the leases held outlived the restart: those tasks were not handed to the reviewer after it
      assertThat(answered).hasSize(40).doesNotContainAnyElementsOf(held);
    }
  }

  private static boolean answers(Client client, String path) {
    try {
      return client.get(path).statusCode() != 503;
    } catch (Exception e) {
      return false;
    }
  }

  /** Frames {@code from..to}: every fifth to people, every twenty-fifth model label audited, the rest model labels. */
  private void writeStream(int from, int to) throws Exception {
    Map<String, Object> config = ReviewFixtures.producerConfig(KAFKA.bootstrapServers());
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(),
        new ByteArraySerializer())) {
      for (int i = from; i < to; i++) {
        String frameId = ReviewFixtures.newFrameId();
        frameIds.add(frameId);
        int classIndex = random.nextInt(CLASSES.size());
        Route route = i % 5 == 0 ? Route.REVIEW : Route.MODEL_LABEL;
        boolean audited = route == Route.MODEL_LABEL && i % 25 == 1;
        Instant at = START.plusSeconds(i * 6L);
        Prediction prediction = prediction(frameId, "truck-" + i % 2, classIndex, route, audited, at);
        send(producer, Topics.PREDICTIONS.name(), frameId,
            Topics.PREDICTIONS.valueSerde().serializer().serialize(Topics.PREDICTIONS.name(), prediction));
        if (route == Route.MODEL_LABEL) {
          send(producer, Topics.LABELS.name(), frameId,
              Topics.LABELS.valueSerde().serializer().serialize(Topics.LABELS.name(), modelLabel(prediction, at)));
        }
        if (route == Route.REVIEW || audited) {
          ReviewReason reason = audited ? ReviewReason.AUDIT : ReviewReason.LOW_CONFIDENCE;
          send(producer, Topics.REVIEW_REQUESTS.name(), frameId, Topics.REVIEW_REQUESTS.valueSerde().serializer()
              .serialize(Topics.REVIEW_REQUESTS.name(), request(prediction, reason, at)));
        }
      }
      producer.flush();
    }
  }

  private static void send(KafkaProducer<String, byte[]> producer, String topic, String key, byte[] value) {
    producer.send(new ProducerRecord<>(topic, key, value));
  }

  private Prediction prediction(String frameId, String device, int classIndex, Route route, boolean audited,
      Instant at) {
    double score = route == Route.MODEL_LABEL ? 0.99 + 0.01 * random.nextDouble() : 0.4 + 0.3 * random.nextDouble();
    return Prediction.newBuilder().setFrameId(frameId).setModelName(MODEL).setModelVersion(VERSION)
        .setDeviceId(device).setCameraId("front")
        .setClassIndex(classIndex).setLabel(CLASSES.get(classIndex))
        .setTopK(List.of(new ClassProbability(classIndex, CLASSES.get(classIndex), score))).setMaxProbability(score)
        .setMargin(score / 2).setEntropy(0.5).setMutualInformation(0.01).setScore(score).setThreshold(0.9)
        .setInputStats(new InputStats(0.3 + 0.05 * random.nextGaussian(), 0.2 + 0.02 * random.nextGaussian(),
            0.05, 0.0, 1.0))
        .setRoute(route).setAudited(audited).setPredictedAt(at).build();
  }

  private static Label modelLabel(Prediction prediction, Instant at) {
    return Label.newBuilder().setFrameId(prediction.getFrameId()).setLabel(prediction.getLabel())
        .setClassIndex(prediction.getClassIndex()).setSource(LabelSource.MODEL).setConfidence(prediction.getScore())
        .setModelName(MODEL).setModelVersion(VERSION).setReviewerIds(List.of()).setLabelledAt(at.plusSeconds(1))
        .build();
  }

  private static ReviewRequest request(Prediction prediction, ReviewReason reason, Instant at) {
    return ReviewRequest.newBuilder().setTaskId(TaskIds.of(prediction.getFrameId(), reason))
        .setFrameId(prediction.getFrameId()).setReason(reason).setPriority(1 - prediction.getScore())
        .setPrediction(prediction).setContentType("image/png")
        .setImage(ByteBuffer.wrap(ReviewFixtures.samplePng(1))).setRequestedAt(at.plusSeconds(1)).build();
  }

  /** {@code reviewer} claims and answers {@code count} tasks, agreeing with the suggestion two times in three. */
  private void answer(int port, String reviewer, int count) throws Exception {
    Client client = new Client(port, reviewer + "-secret-token");
    for (int i = 0; i < count; i++) {
      JsonNode task = claimed(client);
      // a blind audit shows no suggestion
      String suggestion = task.path("suggestion").isTextual() ? task.get("suggestion").asText() : CLASSES.get(0);
      String label = random.nextInt(3) == 0 ? CLASSES.get(random.nextInt(CLASSES.size())) : suggestion;
      answered.add(task.get("taskId").asText());
      HttpResponse<String> submitted = client.submit(task.get("taskId").asText(), label);
      assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(200);
    }
  }

  private static List<String> holdWithoutAnswering(int port, String reviewer, int count) throws Exception {
    Client client = new Client(port, reviewer + "-secret-token");
    List<String> held = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      held.add(claimed(client).get("taskId").asText());
    }
    return held;
  }

  /**
   * A task claimed by {@code client}'s reviewer. A queue leader that is gone (killed, or stopped by the test before)
   * is still named until the election has moved on: a claim forwarded to it is refused with 503 meanwhile.
   */
  private static JsonNode claimed(Client client) throws Exception {
    AtomicReference<HttpResponse<String>> claim = new AtomicReference<>();
    await().atMost(Duration.ofSeconds(60)).until(() -> claim.updateAndGet(last -> {
      try {
        return client.claim();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }).statusCode() != 503);
    assertThat(claim.get().statusCode()).as(claim.get().body()).isEqualTo(200);
    return JSON.readTree(claim.get().body());
  }

  /** A response's body as JSON, with what only says which instance answered left out. */
  private static JsonNode view(Client client, String path) throws Exception {
    HttpResponse<String> response = client.get(path);
    assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
    JsonNode body = JSON.readTree(response.body());
    // whether a reviewer is active is what this instance's API saw of them lately
    body.findParents("active").forEach(row -> ((ObjectNode) row).remove("active"));
    return body;
  }

  private ReviewService start(String instanceId, boolean withStateDir) throws IOException {
    ReviewService service = ReviewService.start(ReviewConfig.from(new Env(settings(instanceId, withStateDir, 0))));
    await().atMost(Duration.ofSeconds(60)).until(service::ready);
    return service;
  }

  private Map<String, String> settings(String instanceId, boolean withStateDir, int port) throws IOException {
    Map<String, String> env = new HashMap<>(Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers(),
        "HTTP_HOST", "127.0.0.1",
        "REVIEW_PORT", Integer.toString(port),
        "REVIEW_INSTANCE_ID", instanceId,
        "REVIEW_CLUSTER_TOKEN", "cluster-token-of-the-test",
        "REVIEW_GOLD_RATE", "0",
        "REVIEW_LEASE_SECONDS", "600",
        "REVIEW_TOKENS", Stream.of("ada", "bob", "cyd", "dee", "eve", "fay")
            .map(name -> name + ":" + name + "-secret-token:reviewer").collect(Collectors.joining(","))
            + ",root:root-secret-token:admin"));
    if (withStateDir) {
      env.put("REVIEW_STATE_DIR", stateDir.toString());
      Files.createDirectories(stateDir);
    }
    return env;
  }

  /**
   * The instance to be killed, in a JVM of its own with this test's classpath, as a container would start it, taking
   * a checkpoint every second while it runs.
   */
  private Process startInOwnJvm(int port) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder builder = new ProcessBuilder(java, "-Xmx512m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
        "-cp", System.getProperty("java.class.path"), "io.labelstream.review.ReviewService");
    builder.environment().putAll(settings("review-a", true, port));
    builder.environment().put("REVIEW_STATE_CHECKPOINT_INTERVAL_MS", "1000");
    builder.redirectErrorStream(true).redirectOutput(logs.resolve("killed.log").toFile());
    return builder.start();
  }

  private static String bundledVersion() {
    try (InputStream card = ReviewCheckpointIT.class.getResourceAsStream("/model/fashion-mnist-ensemble.card.json")) {
      return JSON.readTree(card).get("version").asText();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
