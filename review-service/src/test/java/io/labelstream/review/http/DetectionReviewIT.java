package io.labelstream.review.http;

import static io.labelstream.review.ReviewFixtures.box;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.labelstream.kafka.embedded.EmbeddedKafkaExtension;
import io.labelstream.kafka.embedded.TopicRecords;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.kafka.TopicRoutedSerializer;
import io.labelstream.review.ReviewFixtures;
import io.labelstream.review.ReviewFixtures.Client;
import io.labelstream.review.ReviewService;
import io.labelstream.review.config.ReviewConfig;
import io.labelstream.schemas.FleetFrameProducer;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.Box;
import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.LabelSource;
import io.labelstream.schemas.avro.Policy;
import io.labelstream.schemas.avro.Prediction;
import io.labelstream.schemas.avro.ReviewDecision;
import io.labelstream.schemas.avro.ReviewReason;
import io.labelstream.schemas.avro.ReviewRequest;
import io.labelstream.schemas.avro.ReviewResult;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Review of a detection model's frames on a real broker: a card with {@code "task": "detection"} (review reads only
 * its identity), review requests carrying the model's boxes in 640 x 480 JPEG scenes, reviewers answering with boxes.
 */
class DetectionReviewIT {

  private static final String MODEL = "scenes-detector";
  private static final String TOKENS = "ada:ada-secret-token:reviewer,bob:bob-secret-token:reviewer,"
      + "carol:carol-secret-token:reviewer,root:root-secret-token:admin";

  @RegisterExtension
  static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  @TempDir
  static Path folder;

  private static ReviewService review;
  private static Client ada;
  private static Client bob;
  private static Client carol;
  private static Client root;

  @BeforeAll
  static void start() throws Exception {
    ReviewFixtures.detectionModel(folder, MODEL, ReviewFixtures.BUNDLED_CLASSES);
    startReview("0");
  }

  /** Two agreeing answers per audit, as QualityIT's service; gold tasks at {@code goldRate} of claims. */
  private static void startReview(String goldRate) {
    review = ReviewService.start(ReviewConfig.from(new Env(Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers(),
        "HTTP_HOST", "127.0.0.1",
        "REVIEW_PORT", "0",
        "REVIEW_ANSWERS_REQUIRED", "2",
        "REVIEW_GOLD_RATE", goldRate,
        "REVIEW_POLICY_INTERVAL_MS", "200",
        "LABELSTREAM_MODEL_DIR", folder.toString(),
        "REVIEW_TOKENS", TOKENS))));
    await().atMost(Duration.ofSeconds(60)).until(() -> review.ready() && review.isQueueLeader());
    ada = new Client(review.port(), "ada-secret-token");
    bob = new Client(review.port(), "bob-secret-token");
    carol = new Client(review.port(), "carol-secret-token");
    root = new Client(review.port(), "root-secret-token");
  }

  @AfterAll
  static void stop() {
    if (review != null) {
      review.close();
    }
  }

  @AfterEach
  void queueIsEmpty() throws Exception {
    for (Client reviewer : List.of(ada, bob, carol, root)) {
      assertThat(reviewer.claim().statusCode()).isEqualTo(204);
    }
  }

  @Test
  void shouldSuggestTheModelsBoxesAndLabelTheFrameWithTheCorrectedOnes() throws Exception {
    String frameId = ReviewFixtures.newFrameId();
    List<Box> model = List.of(box("Bag", 12, 40.5f, 96, 80, 0.91f), box("Coat", 300, 200, 60, 120, 0.42f));
    ReviewRequest request = ReviewFixtures.detectionRequest(frameId, MODEL, ReviewReason.LOW_CONFIDENCE, model, 0.4,
        ReviewFixtures.sceneJpeg(640, 480, 1), 640, 480);
    predicted(request.getPrediction());
    ReviewFixtures.produce(KAFKA.bootstrapServers(), request);

    JsonNode task = ada.json(awaitClaim(ada));

    assertThat(task.get("taskId").asText()).isEqualTo(request.getTaskId());
    assertThat(task.get("task").asText()).isEqualTo("detection");
    assertThat(task.get("width").asInt()).isEqualTo(640);
    assertThat(task.get("height").asInt()).isEqualTo(480);
    assertThat(task.get("classes")).hasSize(10);
    JsonNode suggested = task.get("suggestion").get("boxes");
    assertThat(suggested).hasSize(2);
    assertThat(suggested.get(0).get("label").asText()).isEqualTo("Bag");
    assertThat(suggested.get(0).get("x").asDouble()).isEqualTo(12.0);
    assertThat(suggested.get(0).get("y").asDouble()).isEqualTo(40.5);
    assertThat(suggested.get(0).get("w").asDouble()).isEqualTo(96.0);
    assertThat(suggested.get(0).get("h").asDouble()).isEqualTo(80.0);
    assertThat(suggested.get(0).get("confidence").asDouble()).isCloseTo(0.91, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(ada.getBytes(task.get("imageUrl").asText()).body()).isEqualTo(request.getImage().array());

    // The reviewer keeps the bag (moved a little), drops the coat and adds a sneaker.
    String corrected = "{\"boxes\": [{\"label\": \"Bag\", \"x\": 14, \"y\": 41, \"w\": 95, \"h\": 79},"
        + " {\"label\": \"Sneaker\", \"x\": 500, \"y\": 400, \"w\": 140.5, \"h\": 80}]}";
    HttpResponse<String> answered = submit(ada, request.getTaskId(), corrected);
    assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
    assertThat(ada.json(answered).get("settled").asBoolean()).isTrue();
    assertThat(ada.json(answered).get("boxes")).hasSize(2);
    assertThat(ada.json(submit(ada, request.getTaskId(), corrected)).get("repeated").asBoolean()).isTrue();

    JsonNode label = root.json(await().atMost(Duration.ofSeconds(10)).until(() -> root.get("/v1/labels/" + frameId),
        r -> r.statusCode() == 200));
    assertThat(label.get("source").asText()).isEqualTo("HUMAN");
    assertThat(label.get("label").asText()).isEmpty();
    assertThat(label.get("width").asInt()).isEqualTo(640);
    assertThat(label.get("height").asInt()).isEqualTo(480);
    assertThat(label.get("boxes")).hasSize(2);
    assertThat(label.get("boxes").get(1).get("label").asText()).isEqualTo("Sneaker");
    assertThat(label.get("boxes").get(1).get("w").asDouble()).as("clipped to the frame: 640 - 500").isEqualTo(140.0);
    assertThat(label.get("boxes").get(1).get("confidence").isNull()).isTrue();
    ReviewResult result = await().atMost(Duration.ofSeconds(10)).until(() -> resultsFor(frameId), r -> !r.isEmpty())
        .get(0);
    assertThat(result.getClassIndex()).isEqualTo(-1);
    assertThat(result.getDecision()).isEqualTo(ReviewDecision.CORRECTED);
    assertThat(result.getAgreedWithModel()).isFalse();
    assertThat(result.getBoxes()).extracting(Box::getClassIndex).containsExactly(8, 7);

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      List<String> events = new ArrayList<>();
      root.json(root.get("/v1/frames/" + frameId + "/history")).get("events").forEach(event -> {
        if (event.has("boxes")) {
          events.add(event.get("type").asText() + ":" + event.get("boxes").size());
        }
      });
      assertThat(events).containsExactly("prediction:2", "answer:2", "label:2");
    });
  }

  @Test
  void shouldRefuseBadBoxesWithAReasonAndWriteNothing() throws Exception {
    String frameId = ReviewFixtures.newFrameId();
    ReviewRequest request = ReviewFixtures.detectionRequest(frameId, MODEL, ReviewReason.LOW_CONFIDENCE,
        List.of(box("Bag", 12, 40, 96, 80, 0.6f)), 0.4, ReviewFixtures.sceneJpeg(640, 480, 2), 640, 480);
    ReviewFixtures.produce(KAFKA.bootstrapServers(), request);
    String taskId = ada.json(awaitClaim(ada)).get("taskId").asText();
    String box = "{\"label\": \"Bag\", \"x\": 1, \"y\": 1, \"w\": 20, \"h\": 20}";

    assertRefused(ada.submit(taskId, "Bag"), "wrong_task");
    assertRefused(submit(ada, taskId, "{\"boxes\": [{\"label\": \"Bag\", \"x\": 630, \"y\": 1, \"w\": 20, \"h\": 20}]}"),
        "box_outside_frame");
    assertRefused(submit(ada, taskId, "{\"boxes\": [{\"label\": \"Spaceship\", \"x\": 1, \"y\": 1, \"w\": 20, \"h\": 20}]}"),
        "unknown_class");
    assertRefused(submit(ada, taskId, "{\"boxes\": [{\"label\": \"Bag\", \"x\": 1, \"y\": 1, \"w\": 1, \"h\": 20}]}"),
        "box_too_small");
    assertRefused(submit(ada, taskId, "{\"boxes\": [" + String.join(",", Collections.nCopies(501, box)) + "]}"),
        "too_many_boxes");
    assertRefused(submit(ada, taskId, "{\"boxes\": [{\"label\": \"Bag\", \"x\": null, \"y\": 1, \"w\": 9, \"h\": 9}]}"),
        "invalid_box");
    assertRefused(submit(ada, taskId, "{\"boxes\": [], \"label\": \"Bag\"}"), "invalid_body");

    // Still ada's task, untouched: nothing was written for any of them.
    assertThat(ada.post("/v1/tasks/" + taskId + "/release", null).statusCode()).isEqualTo(200);
    assertThat(resultsFor(frameId)).isEmpty();
    assertThat(root.get("/v1/labels/" + frameId).statusCode()).isEqualTo(404);
    // A classification answer to a boxes task, and boxes to a classification task, are the wrong task.
    String classFrame = ReviewFixtures.newFrameId();
    ReviewFixtures.produce(KAFKA.bootstrapServers(), ReviewFixtures.request(classFrame, "Coat", 0.5, 3));
    JsonNode first = ada.json(awaitClaim(ada));
    JsonNode second = ada.json(awaitClaim(ada));
    JsonNode classTask = first.get("task").asText().equals("classification") ? first : second;
    JsonNode boxTask = classTask == first ? second : first;
    assertThat(classTask.get("task").asText()).isEqualTo("classification");
    assertThat(classTask.get("suggestion").get("label").asText()).isEqualTo("Coat");
    assertRefused(submit(ada, classTask.get("taskId").asText(), "{\"boxes\": []}"), "wrong_task");
    assertThat(ada.submit(classTask.get("taskId").asText(), "Coat").statusCode()).isEqualTo(200);
    assertThat(submit(ada, boxTask.get("taskId").asText(), "{\"boxes\": []}").statusCode()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).until(() -> resultsFor(frameId).size() == 1);
    assertThat(resultsFor(frameId).get(0).getBoxes()).as("[]: nothing to label").isEmpty();
  }

  @Test
  void shouldSettleABlindAuditOnlyWhenTwoReviewersBoxesAreExactAgainstEachOther() throws Exception {
    String frameId = ReviewFixtures.newFrameId();
    List<Box> model = List.of(box("Bag", 10, 10, 100, 80, 0.97f), box("Coat", 300, 200, 60, 120, 0.95f));
    ReviewRequest audit = ReviewFixtures.detectionRequest(frameId, MODEL, ReviewReason.AUDIT, model, 0.99,
        ReviewFixtures.sceneJpeg(640, 480, 3), 640, 480);
    ReviewFixtures.produce(KAFKA.bootstrapServers(), audit);

    JsonNode task = ada.json(awaitClaim(ada));
    assertThat(task.get("task").asText()).isEqualTo("detection");
    assertThat(task.get("suggestion").isNull()).as("a blind audit shows no boxes").isTrue();
    assertThat(task.get("width").asInt()).isEqualTo(640);
    HttpResponse<String> first = submit(ada, audit.getTaskId(), "{\"boxes\": [{\"label\": \"Bag\", \"x\": 11, \"y\": 9, "
        + "\"w\": 98, \"h\": 82}, {\"label\": \"Coat\", \"x\": 302, \"y\": 203, \"w\": 57, \"h\": 118}]}");
    assertThat(ada.json(first).get("settled").asBoolean()).isFalse();
    awaitClaim(bob);
    HttpResponse<String> other = submit(bob, audit.getTaskId(), "{\"boxes\": [{\"label\": \"Bag\", \"x\": 10, "
        + "\"y\": 10, \"w\": 100, \"h\": 80}, {\"label\": \"Shirt\", \"x\": 300, \"y\": 200, \"w\": 60, \"h\": 120}]}");
    assertThat(bob.json(other).get("settled").asBoolean()).as("a class differs: no agreement").isFalse();
    awaitClaim(carol);
    HttpResponse<String> third = submit(carol, audit.getTaskId(), "{\"boxes\": [{\"label\": \"Coat\", \"x\": 299, "
        + "\"y\": 199, \"w\": 62, \"h\": 121}, {\"label\": \"Bag\", \"x\": 9, \"y\": 11, \"w\": 101, \"h\": 79}]}");
    assertThat(carol.json(third).get("settled").asBoolean()).isTrue();

    JsonNode label = root.json(await().atMost(Duration.ofSeconds(10)).until(() -> root.get("/v1/labels/" + frameId),
        r -> r.statusCode() == 200));
    assertThat(label.get("reviewer").asText()).isEqualTo("ada,carol");
    assertThat(label.get("boxes").get(0).get("label").asText()).as("the settling answer's boxes").isEqualTo("Coat");
    assertThat(label.get("boxes").get(0).get("x").asDouble()).isEqualTo(299.0);
    List<ReviewResult> results = await().atMost(Duration.ofSeconds(10)).until(() -> resultsFor(frameId),
        r -> r.size() == 3);
    assertThat(results).extracting(ReviewResult::getAgreedWithModel).containsExactly(true, false, true);
    assertThat(results).extracting(ReviewResult::getDecides).containsExactly(false, false, true);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      JsonNode withModel = root.json(root.get("/v1/stats/agreement")).get("withModel");
      assertThat(withModel.get("audits").asLong()).isEqualTo(3);
      assertThat(withModel.get("agreed").asLong()).isEqualTo(2);
    });
  }

  @Test
  void shouldSuggestAFlaggedDetectionLabelsBoxesAndReplaceThemWithTheAgreedAnswer() throws Exception {
    String frameId = ReviewFixtures.newFrameId();
    byte[] scene = ReviewFixtures.sceneJpeg(640, 480, 5);
    RecordMetadata frameAt = send(Topics.FRAMES.name(), frameId,
        FleetFrameProducer.frame("flag-cam", null, frameId, "image/jpeg", scene, 640, 480, null));
    Prediction prediction = ReviewFixtures.detectionRequest(frameId, MODEL, ReviewReason.LOW_CONFIDENCE,
        List.of(box("Bag", 10, 10, 100, 80, 0.99f)), 0.99, scene, 640, 480).getPrediction();
    prediction.setSourcePartition(frameAt.partition());
    prediction.setSourceOffset(frameAt.offset());
    send(Topics.PREDICTIONS.name(), frameId, prediction);
    send(Topics.LABELS.name(), frameId, Label.newBuilder().setFrameId(frameId).setLabel("").setClassIndex(-1)
        .setBoxes(List.of(box("Sandal", 50, 60, 80, 40, 0.99f))).setWidth(640).setHeight(480)
        .setSource(LabelSource.MODEL).setConfidence(0.99).setModelName(MODEL).setModelVersion("1.0.0")
        .setLabelledAt(Instant.now()).build());
    await().atMost(Duration.ofSeconds(10)).until(() -> root.get("/v1/labels/" + frameId).statusCode() == 200);

    HttpResponse<String> flagged = bob.post("/v1/labels/" + frameId + "/flag", "{\"reason\":\"there is nothing\"}");
    assertThat(flagged.statusCode()).as(flagged.body()).isEqualTo(202);

    JsonNode task = ada.json(awaitClaim(ada));
    assertThat(task.get("frameId").asText()).isEqualTo(frameId);
    assertThat(task.get("task").asText()).isEqualTo("detection");
    JsonNode suggested = task.get("suggestion").get("boxes");
    assertThat(suggested).as("the flagged label's boxes, not the model's").hasSize(1);
    assertThat(suggested.get(0).get("label").asText()).isEqualTo("Sandal");
    assertThat(ada.getBytes(task.get("imageUrl").asText()).body()).isEqualTo(scene);
    assertThat(submit(ada, task.get("taskId").asText(), "{\"boxes\": []}").statusCode()).isEqualTo(200);
    assertThat(bob.claim().statusCode()).as("never to the one who flagged it").isEqualTo(204);
    awaitClaim(carol);
    assertThat(carol.json(submit(carol, task.get("taskId").asText(), "{\"boxes\": []}")).get("settled").asBoolean())
        .isTrue();

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      JsonNode label = root.json(root.get("/v1/labels/" + frameId));
      assertThat(label.get("source").asText()).isEqualTo("HUMAN");
      assertThat(label.get("boxes")).as("nothing to label").isEmpty();
      assertThat(label.get("reviewer").asText()).isEqualTo("ada,carol");
    });
  }

  @Test
  void shouldReadTheFrameSizeFromTheImageWhenThePredictionDidNotSayIt() throws Exception {
    String frameId = ReviewFixtures.newFrameId();
    ReviewRequest request = ReviewFixtures.detectionRequest(frameId, MODEL, ReviewReason.LOW_CONFIDENCE,
        List.of(box("Bag", 12, 40, 96, 80, 0.6f)), 0.4, ReviewFixtures.sceneJpeg(320, 240, 6), 320, 240);
    request.getPrediction().setWidth(null);
    request.getPrediction().setHeight(null);
    ReviewFixtures.produce(KAFKA.bootstrapServers(), request);

    JsonNode task = ada.json(awaitClaim(ada));
    assertThat(task.get("width").asInt()).isEqualTo(320);
    assertThat(task.get("height").asInt()).isEqualTo(240);
    assertRefused(submit(ada, request.getTaskId(), "{\"boxes\": [{\"label\": \"Bag\", \"x\": 300, \"y\": 1, "
        + "\"w\": 30, \"h\": 20}]}"), "box_outside_frame");
    assertThat(submit(ada, request.getTaskId(), "{\"boxes\": [{\"label\": \"Bag\", \"x\": 290, \"y\": 1, "
        + "\"w\": 30, \"h\": 20}]}").statusCode()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(root.json(root.get("/v1/labels/" + frameId)).get("width").asInt()).isEqualTo(320));
  }

  @Test
  void shouldRouteADetectorOnOneFrameThresholdStartingClosed() throws Exception {
    JsonNode accuracy = root.json(root.get("/v1/stats/accuracy"));
    assertThat(accuracy.get("classes")).hasSize(1);
    assertThat(accuracy.get("classes").get(0).get("class").asText()).isEqualTo("frame");
    Policy published = await().atMost(Duration.ofSeconds(20)).until(DetectionReviewIT::publishedPolicy,
        p -> p != null);
    assertThat(published.getModelName()).isEqualTo(MODEL);
    assertThat(published.getThresholds()).hasSize(1);
  }

  @Test
  void shouldScoreAGoldFrameByExactnessAndBoxF1WithoutMakingALabel() throws Exception {
    byte[] scene = ReviewFixtures.sceneJpeg(640, 480, 4);
    String goldBoxes = "[{\"label\": \"Bag\", \"x\": 10, \"y\": 10, \"w\": 100, \"h\": 80},"
        + " {\"label\": \"Coat\", \"x\": 300, \"y\": 200, \"w\": 60, \"h\": 120}]";
    assertRefused(gold(root, scene, "X-Label", "Bag"), "wrong_task");
    assertRefused(gold(root, scene, "X-Boxes", "[{\"label\": \"Bag\", \"x\": 600, \"y\": 10, \"w\": 100, \"h\": 80}]"),
        "box_outside_frame");
    assertRefused(gold(root, scene, "X-Boxes", "not json"), "invalid_box");
    HttpResponse<String> added = gold(root, scene, "X-Boxes", goldBoxes);
    assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
    assertThat(root.json(added).get("boxes")).hasSize(2);
    assertThat(root.json(added).get("width").asInt()).isEqualTo(640);
    review.close();
    startReview("1");
    try {
      final JsonNode task = ada.json(awaitClaim(ada));
      assertThat(task.get("task").asText()).isEqualTo("detection");
      assertThat(task.get("suggestion").isNull()).isTrue();
      assertThat(task.get("width").asInt()).isEqualTo(640);
      assertThat(task.get("height").asInt()).isEqualTo(480);
      assertThat(ada.getBytes(task.get("imageUrl").asText()).body()).isEqualTo(scene);
      // The bag right, the coat missed: one of two found, nothing extra, F1 = 2 * 1 / (2 + 1).
      HttpResponse<String> answered = submit(ada, task.get("taskId").asText(),
          "{\"boxes\": [{\"label\": \"Bag\", \"x\": 12, \"y\": 11, \"w\": 98, \"h\": 80}]}");
      assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
      JsonNode bobsTask = bob.json(awaitClaim(bob));
      assertThat(submit(bob, bobsTask.get("taskId").asText(), "{\"boxes\": " + goldBoxes + "}").statusCode())
          .isEqualTo(200);

      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        JsonNode rows = root.json(root.get("/v1/admin/reviewers"));
        JsonNode adaGold = row(rows, "ada").get("gold");
        assertThat(adaGold.get("answered").asLong()).isEqualTo(1);
        assertThat(adaGold.get("correct").asLong()).isEqualTo(0);
        assertThat(adaGold.get("f1").asDouble()).isCloseTo(2.0 / 3, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(row(rows, "bob").get("gold").get("correct").asLong()).isEqualTo(1);
        assertThat(row(rows, "bob").get("gold").get("f1").asDouble()).isEqualTo(1.0);
      });
      JsonNode goldStats = root.json(root.get("/v1/stats/agreement")).get("gold");
      assertThat(goldStats.get("gold").asLong()).isEqualTo(2);
      assertThat(goldStats.get("correct").asLong()).isEqualTo(1);
      assertThat(goldStats.get("f1").asDouble()).isCloseTo((2.0 / 3 + 1) / 2, org.assertj.core.data.Offset.offset(1e-9));
      assertThat(TopicRecords.readAll(KAFKA.bootstrapServers(), Topics.LABELS.name()))
          .noneMatch(r -> r.key().equals(task.get("frameId").asText()));
    } finally {
      review.close();
      startReview("0");
    }
  }

  private static HttpResponse<String> awaitClaim(Client reviewer) {
    return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
        .until(reviewer::claim, r -> r.statusCode() == 200);
  }

  private static HttpResponse<String> submit(Client reviewer, String taskId, String json) throws Exception {
    return reviewer.post("/v1/tasks/" + taskId + "/submit", json);
  }

  private static void assertRefused(HttpResponse<String> response, String reason) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    assertThat(ReviewFixtures.JSON.readTree(response.body()).get("error").asText()).isEqualTo(reason);
  }

  private static HttpResponse<String> gold(Client client, byte[] image, String header, String value) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + client.port()
            + "/v1/admin/gold")).header("Authorization", "Bearer " + client.token()).header("Content-Type", "image/jpeg")
        .header(header, value).POST(HttpRequest.BodyPublishers.ofByteArray(image)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode row(JsonNode rows, String reviewer) {
    for (JsonNode row : rows) {
      if (row.get("reviewer").asText().equals(reviewer)) {
        return row;
      }
    }
    throw new AssertionError("no row for " + reviewer + " in " + rows);
  }

  private static RecordMetadata send(String topic, String key, Object value) throws Exception {
    try (KafkaProducer<String, Object> producer = new KafkaProducer<>(
        ReviewFixtures.producerConfig(KAFKA.bootstrapServers()), new StringSerializer(), new TopicRoutedSerializer())) {
      return producer.send(new ProducerRecord<>(topic, key, value)).get();
    }
  }

  private static void predicted(Prediction prediction) throws Exception {
    try (KafkaProducer<String, Prediction> producer = new KafkaProducer<>(
        ReviewFixtures.producerConfig(KAFKA.bootstrapServers()), Topics.PREDICTIONS.keySerde().serializer(),
        Topics.PREDICTIONS.valueSerde().serializer())) {
      producer.send(new ProducerRecord<>(Topics.PREDICTIONS.name(), prediction.getFrameId(), prediction)).get();
    }
  }

  private static List<ReviewResult> resultsFor(String frameId) {
    List<ReviewResult> results = new ArrayList<>();
    TopicRecords.readAll(KAFKA.bootstrapServers(), Topics.REVIEW_RESULTS.name()).stream()
        .filter(r -> frameId.equals(r.key()))
        .forEach(r -> results.add(Topics.REVIEW_RESULTS.valueSerde().deserializer()
            .deserialize(Topics.REVIEW_RESULTS.name(), r.value())));
    return results;
  }

  private static Policy publishedPolicy() {
    var records = TopicRecords.readAll(KAFKA.bootstrapServers(), Topics.POLICY.name());
    return records.isEmpty() ? null : Topics.POLICY.valueSerde().deserializer()
        .deserialize(Topics.POLICY.name(), records.get(records.size() - 1).value());
  }
}
