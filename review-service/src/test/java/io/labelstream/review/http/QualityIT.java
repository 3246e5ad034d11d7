package io.labelstream.review.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.labelstream.kafka.embedded.EmbeddedKafkaExtension;
import io.labelstream.kafka.embedded.TopicRecords;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.kafka.KafkaSettings;
import io.labelstream.platform.kafka.TopicProvisioner;
import io.labelstream.review.ReviewFixtures;
import io.labelstream.review.ReviewFixtures.Client;
import io.labelstream.review.ReviewService;
import io.labelstream.review.config.ReviewConfig;
import io.labelstream.schemas.FleetFrameProducer;
import io.labelstream.schemas.TaskIds;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.LabelSource;
import io.labelstream.schemas.avro.ReviewReason;
import io.labelstream.schemas.avro.ReviewRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Quality controls on a real broker: audits that need two agreeing answers (a third reviewer or an admin breaks a
 * tie), flagging a final label back into review with the frame's full history, and gold frames that measure
 * reviewers without making labels.
 */
class QualityIT {

  @RegisterExtension
  static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  /** Each test has reviewers of its own, so one test's answers never show in another's counts. */
  private static final String TOKENS = "ada:ada-secret-token:reviewer,bob:bob-secret-token:reviewer,"
      + "carol:carol-secret-token:reviewer,erin:erin-secret-token:reviewer,gil:gil-secret-token:reviewer,"
      + "hal:hal-secret-token:reviewer,root:root-secret-token:admin";

  private static ReviewService review;
  private static Client ada;
  private static Client bob;
  private static Client carol;
  private static Client root;
  private static Client erin;
  private static Client gil;
  private static Client hal;

  @BeforeAll
  static void start() {
    TopicProvisioner.ensureTopics(KafkaSettings.from(new Env(Map.of("KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers()))));
    startReview();
  }

  /** The service every test uses: two agreeing answers per audit or flag, no gold tasks. */
  private static void startReview() {
    review = ReviewService.start(ReviewConfig.from(new Env(Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers(),
        "HTTP_HOST", "127.0.0.1",
        "REVIEW_PORT", "0",
        "REVIEW_ANSWERS_REQUIRED", "2",
        "REVIEW_GOLD_RATE", "0",
        "REVIEW_TOKENS", TOKENS))));
    await().atMost(Duration.ofSeconds(60)).until(() -> review.ready() && review.isQueueLeader());
    ada = new Client(review.port(), "ada-secret-token");
    bob = new Client(review.port(), "bob-secret-token");
    carol = new Client(review.port(), "carol-secret-token");
    root = new Client(review.port(), "root-secret-token");
    erin = new Client(review.port(), "erin-secret-token");
    gil = new Client(review.port(), "gil-secret-token");
    hal = new Client(review.port(), "hal-secret-token");
  }

  @AfterAll
  static void stop() {
    review.close();
  }

  @AfterEach
  void queueIsEmpty() throws Exception {
    for (Client reviewer : List.of(ada, bob, carol, erin, gil, hal, root)) {
      assertThat(reviewer.claim().statusCode()).isEqualTo(204);
    }
  }

  @Test
  void shouldSettleAnAuditWithTwoAgreeingAnswersAndLetAThirdReviewerBreakATie() throws Exception {
    ReviewRequest agreed = audit(ReviewFixtures.newFrameId(), 30);
    ReviewRequest disputed = audit(ReviewFixtures.newFrameId(), 31);
    ReviewFixtures.produce(KAFKA.bootstrapServers(), agreed, disputed);
    await().atMost(Duration.ofSeconds(10)).until(() -> review.openTasks() == 2);
    JsonNode before = root.json(root.get("/v1/admin/reviewers"));

    answerBoth(ada, Map.of(agreed.getFrameId(), "Coat", disputed.getFrameId(), "Bag"));
    assertThat(ada.claim().statusCode()).as("ada has answered both").isEqualTo(204);
    answerBoth(bob, Map.of(agreed.getFrameId(), "Coat", disputed.getFrameId(), "Sandal")); // agrees on one only
    assertThat(labelOf(agreed.getFrameId())).isEqualTo("Coat");
    assertThat(humanLabels(agreed.getFrameId())).singleElement()
        .satisfies(l -> assertThat(l.getReviewerIds()).containsExactly("ada", "bob"));
    assertThat(humanLabels(disputed.getFrameId())).as("no label while they disagree").isEmpty();

    JsonNode third = carol.json(carol.claim());
    assertThat(third.get("taskId").asText()).isEqualTo(disputed.getTaskId());
    assertThat(third.get("suggestion").isNull()).as("still blind").isTrue();
    JsonNode settled = carol.json(carol.submit(disputed.getTaskId(), "Bag"));
    assertThat(settled.get("settled").asBoolean()).isTrue();
    assertThat(humanLabels(disputed.getFrameId())).singleElement()
        .satisfies(l -> assertThat(l.getReviewerIds()).containsExactly("ada", "carol"));

    // Counts come from the answers as read back from Kafka: wait for carol's.
    await().atMost(Duration.ofSeconds(10)).until(() -> delta(before, root.json(root.get("/v1/admin/reviewers")),
        "carol", "agreement", "compared") == 2);
    JsonNode after = root.json(root.get("/v1/admin/reviewers"));
    // bob: with ada twice (agreed once), then carol's answer compared with his.
    assertThat(delta(before, after, "bob", "agreement", "compared")).isEqualTo(3);
    assertThat(delta(before, after, "bob", "agreement", "agreed")).isEqualTo(1);
    assertThat(delta(before, after, "carol", "agreement", "compared")).isEqualTo(2);
    assertThat(delta(before, after, "carol", "agreement", "agreed")).isEqualTo(1);
    assertThat(delta(before, after, "ada", "audits", "answered")).isEqualTo(2);
  }

  @Test
  void shouldCountATaskThatNeedsTwoAnswersAsQueuedUntilTheAnswerThatSettlesIt() throws Exception {
    long answersBefore = throughput().answers();
    long queued = throughput().queueLength() + 1;
    ReviewFixtures.produce(KAFKA.bootstrapServers(), audit(ReviewFixtures.newFrameId(), 33));
    await().atMost(Duration.ofSeconds(10)).until(() -> throughput().queueLength() == queued);

    assertThat(ada.json(ada.submit(claimNext(ada), "Coat")).get("settled").asBoolean()).isFalse();
    // Statistics come from the answers read back from Kafka: wait for ada's.
    await().atMost(Duration.ofSeconds(10)).until(() -> throughput().answers() == answersBefore + 1);
    assertThat(throughput().queueLength()).as("still waiting for a second answer").isEqualTo(queued);
    assertThat(root.json(root.get("/v1/stats")).get("queuedForReview").asInt()).isEqualTo(1);

    assertThat(bob.json(bob.submit(claimNext(bob), "Coat")).get("settled").asBoolean()).isTrue();
    await().atMost(Duration.ofSeconds(10)).until(() -> throughput().answers() == answersBefore + 2);
    assertThat(throughput().queueLength()).isEqualTo(queued - 1);
    assertThat(root.json(root.get("/v1/stats")).get("queuedForReview").asInt()).isZero();
  }

  /** Answers so far and the queue length now, from the review throughput by minute. */
  private record Throughput(long answers, long queueLength) {}

  private static Throughput throughput() throws Exception {
    JsonNode buckets = root.json(root.get("/v1/stats/review-throughput?resolution=minute")).get("buckets");
    long answers = 0;
    for (JsonNode bucket : buckets) {
      answers += bucket.get("answers").asLong();
    }
    return new Throughput(answers, buckets.isEmpty() ? 0 : buckets.get(buckets.size() - 1).get("queueLength").asLong());
  }

  @Test
  void shouldLetAnAdminBreakATie() throws Exception {
    ReviewRequest disputed = audit(ReviewFixtures.newFrameId(), 32);
    ReviewFixtures.produce(KAFKA.bootstrapServers(), disputed);
    await().atMost(Duration.ofSeconds(10)).until(() -> review.openTasks() == 1);
    submitNext(gil, "Coat");
    submitNext(hal, "Shirt");

    JsonNode decided = root.json(root.submit(claimNext(root), "Shirt"));

    assertThat(decided.get("settled").asBoolean()).isTrue();
    assertThat(labelOf(disputed.getFrameId())).isEqualTo("Shirt");
  }

  @Test
  void shouldSendAFlaggedLabelBackToPeopleAndKeepTheFramesWholeHistory() throws Exception {
    String frameId = ReviewFixtures.newFrameId();
    byte[] image = ReviewFixtures.samplePng(40);
    RecordMetadata frameAt = send(Topics.FRAMES.name(), frameId,
        FleetFrameProducer.frame("flag-cam", null, "flag-1", "image/png", image, 28, 28, null));
    ReviewRequest original = ReviewFixtures.request(frameId, "Sneaker", 0.97, 40);
    original.getPrediction().setSourcePartition(frameAt.partition());
    original.getPrediction().setSourceOffset(frameAt.offset());
    send(Topics.PREDICTIONS.name(), frameId, original.getPrediction());
    send(Topics.LABELS.name(), frameId, Label.newBuilder().setFrameId(frameId).setLabel("Sneaker").setClassIndex(7)
        .setSource(LabelSource.MODEL).setConfidence(0.97).setModelName("fashion-mnist-ensemble").setModelVersion("test")
        .setLabelledAt(Instant.now()).build());
    await().atMost(Duration.ofSeconds(10)).until(() -> root.get("/v1/labels/" + frameId).statusCode() == 200);

    assertThat(ada.post("/v1/labels/" + frameId + "/flag", "{}").statusCode()).isEqualTo(400);
    assertThat(ada.post("/v1/labels/" + ReviewFixtures.newFrameId() + "/flag", "{\"reason\":\"x\"}").statusCode()).isEqualTo(404);
    HttpResponse<String> flagged = bob.post("/v1/labels/" + frameId + "/flag", "{\"reason\":\"it is a sandal\"}");
    assertThat(flagged.statusCode()).as(flagged.body()).isEqualTo(202);
    assertThat(ada.post("/v1/labels/" + frameId + "/flag", "{\"reason\":\"again\"}").statusCode()).isEqualTo(409);

    JsonNode task = erin.json(erin.claim());
    assertThat(task.get("frameId").asText()).isEqualTo(frameId);
    assertThat(task.get("suggestion").get("label").asText()).as("the flagged label").isEqualTo("Sneaker");
    assertThat(erin.getBytes(task.get("imageUrl").asText()).body()).as("read again from frames.v1").isEqualTo(image);
    assertThat(erin.submit(task.get("taskId").asText(), "Sandal").statusCode()).isEqualTo(200);
    assertThat(labelOf(frameId)).as("one answer is not enough for a flag").isEqualTo("Sneaker");
    submitNext(gil, "Sandal");
    await().atMost(Duration.ofSeconds(10)).until(() -> "Sandal".equals(labelOf(frameId)));

    await().atMost(Duration.ofSeconds(10)).until(() -> root.json(root.get("/v1/frames/" + frameId + "/history"))
        .get("events").size() == 6);
    assertThat(ada.get("/v1/frames/" + frameId + "/history").statusCode()).isEqualTo(403);
    JsonNode history = root.json(root.get("/v1/frames/" + frameId + "/history"));
    assertThat(history.get("frame").get("offset").asLong()).isEqualTo(frameAt.offset());
    assertThat(history.get("finalLabel").get("source").asText()).isEqualTo("HUMAN");
    List<String> types = history.get("events").findValuesAsText("type");
    assertThat(types).containsExactly("prediction", "label", "flagged", "answer", "answer", "label");
    JsonNode flag = history.get("events").get(2);
    assertThat(flag.get("by").asText()).isEqualTo("bob");
    assertThat(flag.get("flagReason").asText()).isEqualTo("it is a sandal");
    assertThat(history.get("events").get(3).get("by").asText()).isEqualTo("erin");
    assertThat(history.get("events").get(5).get("record").get("topic").asText()).isEqualTo(Topics.LABELS.name());
    assertThat(history.get("events").get(5).get("by").asText()).isEqualTo("erin,gil");

    JsonNode flags = root.json(root.get("/v1/admin/flags"));
    assertThat(flags).anySatisfy(f -> {
      assertThat(f.get("frameId").asText()).isEqualTo(frameId);
      assertThat(f.get("open").asBoolean()).isFalse();
    });
    assertThat(ada.get("/v1/admin/flags").statusCode()).isEqualTo(403);
  }

  @Test
  void shouldMeasureReviewersOnGoldFramesWithoutMakingLabels() throws Exception {
    byte[] image = ReviewFixtures.samplePng(50);
    assertThat(gold(ada, image, "Bag").statusCode()).isEqualTo(403);
    assertThat(gold(root, "not an image".getBytes(), "Bag").statusCode()).isEqualTo(415);
    assertThat(gold(root, image, "Spaceship").statusCode()).isEqualTo(400);
    HttpResponse<String> added = gold(root, image, "Bag");
    assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
    assertThat(root.json(root.get("/v1/admin/gold"))).hasSize(1);
    // Gold tasks come at REVIEW_GOLD_RATE; this service runs with 0, so start another with 1.
    try (ReviewService always = ReviewService.start(ReviewConfig.from(new Env(Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers(), "HTTP_HOST", "127.0.0.1", "REVIEW_PORT", "0",
        "REVIEW_GOLD_RATE", "1", "REVIEW_TOKENS", "dan:dan-secret-token:reviewer,root:root-secret-token:admin"))))) {
      review.close();
      await().atMost(Duration.ofSeconds(60)).until(() -> always.ready() && always.isQueueLeader());
      Client dan = new Client(always.port(), "dan-secret-token");
      JsonNode task = dan.json(dan.claim());
      assertThat(task.get("suggestion").isNull()).isTrue();
      assertThat(dan.getBytes(task.get("imageUrl").asText()).body()).isEqualTo(image);
      assertThat(dan.submit(task.get("taskId").asText(), "Coat").statusCode()).isEqualTo(200);
      assertThat(dan.claim().statusCode()).as("each gold frame once per reviewer").isEqualTo(204);

      Client admin = new Client(always.port(), "root-secret-token");
      // The statistics answer 503 while the partitions move over from the instance that stopped.
      await().atMost(Duration.ofSeconds(30)).until(() -> admin.get("/v1/admin/reviewers").statusCode() == 200
          && row(admin.json(admin.get("/v1/admin/reviewers")), "dan").get("gold").get("answered").asLong() == 1);
      JsonNode danRow = row(admin.json(admin.get("/v1/admin/reviewers")), "dan");
      assertThat(danRow.get("gold").get("answered").asLong()).isEqualTo(1);
      assertThat(danRow.get("gold").get("correct").asLong()).isEqualTo(0);
      JsonNode goldStats = admin.json(admin.get("/v1/stats/agreement")).get("gold");
      assertThat(goldStats.get("gold").asLong()).isEqualTo(1);
      assertThat(goldStats.get("rate").asDouble()).isEqualTo(0.0);
      assertThat(TopicRecords.readAll(KAFKA.bootstrapServers(), Topics.LABELS.name()))
          .noneMatch(r -> r.key().equals(task.get("frameId").asText()));
      assertThat(task.toString()).doesNotContainIgnoringCase("gold");
    } finally {
      startReview();
    }
  }

  private static HttpResponse<String> gold(Client client, byte[] image, String label) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + client.port()
            + "/v1/admin/gold")).header("Authorization", "Bearer " + client.token()).header("Content-Type", "image/png")
        .header("X-Label", label).POST(HttpRequest.BodyPublishers.ofByteArray(image)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static ReviewRequest audit(String frameId, int sample) {
    ReviewRequest request = ReviewFixtures.request(frameId, "Coat", 0.97, sample);
    request.setReason(ReviewReason.AUDIT);
    request.setTaskId(TaskIds.of(frameId, ReviewReason.AUDIT));
    return request;
  }

  /** The reviewer claims the open audits in turn and answers each with the label given for its frame. */
  private static void answerBoth(Client reviewer, Map<String, String> labelByFrame) throws Exception {
    for (int i = 0; i < labelByFrame.size(); i++) {
      JsonNode task = reviewer.json(reviewer.claim());
      String label = labelByFrame.get(task.get("frameId").asText());
      assertThat(reviewer.submit(task.get("taskId").asText(), label).statusCode()).isEqualTo(200);
    }
  }

  private static String claimNext(Client reviewer) throws Exception {
    return reviewer.json(reviewer.claim()).get("taskId").asText();
  }

  private static void submitNext(Client reviewer, String label) throws Exception {
    assertThat(reviewer.submit(claimNext(reviewer), label).statusCode()).isEqualTo(200);
  }

  private static String labelOf(String frameId) throws Exception {
    HttpResponse<String> label = root.get("/v1/labels/" + frameId);
    return label.statusCode() == 200 ? root.json(label).get("label").asText() : null;
  }

  private static List<Label> humanLabels(String frameId) {
    return TopicRecords.readAll(KAFKA.bootstrapServers(), Topics.LABELS.name()).stream()
        .filter(r -> frameId.equals(r.key()))
        .map(r -> Topics.LABELS.valueSerde().deserializer().deserialize(r.topic(), r.value()))
        .filter(l -> l.getSource() == LabelSource.HUMAN).toList();
  }

  private static long delta(JsonNode before, JsonNode after, String reviewer, String group, String field) {
    long was = 0;
    for (JsonNode row : before) {
      if (row.get("reviewer").asText().equals(reviewer)) {
        was = row.get(group).get(field).asLong();
      }
    }
    return row(after, reviewer).get(group).get(field).asLong() - was;
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
    try (KafkaProducer<String, Object> producer = new KafkaProducer<>(ReviewFixtures.producerConfig(KAFKA.bootstrapServers()), new org.apache.kafka.common.serialization.StringSerializer(),
        new io.labelstream.platform.kafka.TopicRoutedSerializer())) {
      return producer.send(new ProducerRecord<>(topic, key, value)).get();
    }
  }
}
