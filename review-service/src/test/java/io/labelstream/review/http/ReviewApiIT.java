package io.labelstream.review.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.labelstream.kafka.embedded.EmbeddedKafkaExtension;
import io.labelstream.kafka.embedded.TopicRecords;
import io.labelstream.platform.config.Env;
import io.labelstream.review.ReviewFixtures;
import io.labelstream.review.ReviewFixtures.Client;
import io.labelstream.review.ReviewService;
import io.labelstream.review.config.ReviewConfig;
import io.labelstream.schemas.FleetFrameProducer;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.Frame;
import io.labelstream.schemas.avro.FrameRecord;
import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.LabelSource;
import io.labelstream.schemas.avro.ReviewRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The reviewer API on a real broker. Every test leaves the queue empty for the next. */
class ReviewApiIT {

  @RegisterExtension
  static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  private static ReviewService review;
  private static Client ada;
  private static Client bob;
  private static Client root;

  @BeforeAll
  static void start() {
    review = ReviewService.start(ReviewConfig.from(new Env(Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers(),
        "HTTP_HOST", "127.0.0.1",
        "REVIEW_PORT", "0",
        "REVIEW_LEASE_SECONDS", "2",
        "REVIEW_TOKENS", "ada:ada-secret-token:reviewer,bob:bob-secret-token:reviewer,root:root-secret-token:admin"))));
    await().atMost(Duration.ofSeconds(30)).until(review::ready);
    ada = new Client(review.port(), "ada-secret-token");
    bob = new Client(review.port(), "bob-secret-token");
    root = new Client(review.port(), "root-secret-token");
  }

  @AfterAll
  static void stop() {
    review.close();
  }

  @AfterEach
  void queueIsEmpty() throws Exception {
    assertThat(ada.claim().statusCode()).isEqualTo(204);
  }

  @Test
  void shouldRefuseCallsWithoutAValidBearerToken() throws Exception {
    Client anonymous = new Client(review.port(), null);
    Client forger = new Client(review.port(), "ada-secret-tokeX");

    for (HttpResponse<String> response : java.util.List.of(anonymous.claim(), forger.claim(), anonymous.get("/v1/stats"))) {
      assertThat(response.statusCode()).isEqualTo(401);
      assertThat(ReviewFixtures.JSON.readTree(response.body()).get("error").asText()).isEqualTo("unauthorized");
    }
    assertThat(anonymous.get("/healthz").statusCode()).isEqualTo(200);
    assertThat(anonymous.get("/").body()).contains("LabelStream review");
  }

  @Test
  void shouldHandOutATaskWithSuggestionAndImageAndTakeOneAnswer() throws Exception {
    String frameId = ReviewFixtures.newFrameId();
    ReviewRequest request = ReviewFixtures.request(frameId, "Coat", 0.55, 10);
    ReviewFixtures.produce(KAFKA.bootstrapServers(), request);
    HttpResponse<String> claimed = awaitClaim(ada);

    JsonNode task = ada.json(claimed);
    assertThat(task.get("taskId").asText()).isEqualTo(request.getTaskId());
    assertThat(task.get("frameId").asText()).isEqualTo(frameId);
    assertThat(task.get("suggestion").get("label").asText()).isEqualTo("Coat");
    assertThat(task.get("suggestion").get("confidence").asDouble()).isEqualTo(0.55);
    assertThat(task.get("classes")).hasSize(10);
    assertThat(Instant.parse(task.get("leaseExpiresAt").asText())).isAfter(Instant.now());
    HttpResponse<byte[]> image = ada.getBytes(task.get("imageUrl").asText());
    assertThat(image.statusCode()).isEqualTo(200);
    assertThat(image.headers().firstValue("Content-Type")).hasValue("image/png");
    assertThat(image.body()).isEqualTo(ReviewFixtures.samplePng(10));
    assertError(root.get("/v1/labels/" + frameId), 404, "label_not_found");
    assertError(ada.get("/v1/labels/" + frameId), 403, "forbidden");
    assertError(ada.get("/v1/frames/" + ReviewFixtures.newFrameId() + "/image"), 404, "image_not_found");

    assertError(ada.submit(request.getTaskId(), "Spaceship"), 400, "unknown_class");
    assertError(ada.submit("low-confidence-no-such-frame", "Coat"), 404, "task_not_found");
    assertError(bob.submit(request.getTaskId(), "Coat"), 409, "lease_not_held");
    assertError(ada.post("/v1/tasks/" + request.getTaskId() + "/submit", "not json"), 400, "invalid_body");

    HttpResponse<String> first = ada.submit(request.getTaskId(), "Pullover");
    HttpResponse<String> again = ada.submit(request.getTaskId(), "Pullover");

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(ada.json(first).has("decision")).as("an audit's outcome is not told to reviewers").isFalse();
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(ada.json(again).get("repeated").asBoolean()).isTrue();
    assertError(ada.submit(request.getTaskId(), "Coat"), 409, "already_answered");
    JsonNode label = root.json(root.get("/v1/labels/" + frameId));
    assertThat(label.get("label").asText()).isEqualTo("Pullover");
    assertThat(label.get("source").asText()).isEqualTo("HUMAN");
    assertThat(label.get("reviewer").asText()).isEqualTo("ada");
    assertThat(TopicRecords.readAll(KAFKA.bootstrapServers(), Topics.LABELS.name()))
        .filteredOn(r -> frameId.equals(r.key())).hasSize(1);
    assertThat(TopicRecords.readAll(KAFKA.bootstrapServers(), Topics.REVIEW_RESULTS.name()))
        .filteredOn(r -> frameId.equals(r.key())).hasSize(1);
  }

  @Test
  void shouldShowTheImageOfATaskWhoseRequestPointsAtItsFrameInFramesV1() throws Exception {
    // What the inference worker writes: the frame stays in frames.v1 and the request says where it is.
    byte[] posted = ReviewFixtures.samplePng(11);
    Frame frame = FleetFrameProducer.frame("cam-1", null, "pointed-1", "image/png", posted, 28, 28, null);
    RecordMetadata at;
    try (KafkaProducer<String, Frame> producer = new KafkaProducer<>(ReviewFixtures.producerConfig(KAFKA.bootstrapServers()),
        Topics.FRAMES.keySerde().serializer(), Topics.FRAMES.valueSerde().serializer())) {
      at = producer.send(new ProducerRecord<>(Topics.FRAMES.name(), frame.getFrameId(), frame)).get();
    }
    ReviewRequest request = ReviewFixtures.request(frame.getFrameId(), "Coat", 0.4, 11);
    request.setImage(null);
    request.setFrameRecord(FrameRecord.newBuilder().setPartition(at.partition()).setOffset(at.offset()).build());
    ReviewFixtures.produce(KAFKA.bootstrapServers(), request);

    JsonNode task = ada.json(awaitClaim(ada));
    HttpResponse<byte[]> image = ada.getBytes(task.get("imageUrl").asText());

    assertThat(task.get("frameId").asText()).isEqualTo(frame.getFrameId());
    assertThat(image.statusCode()).isEqualTo(200);
    assertThat(image.headers().firstValue("Content-Type")).hasValue("image/png");
    assertThat(image.body()).isEqualTo(posted);
    assertThat(ada.submit(request.getTaskId(), "Coat").statusCode()).isEqualTo(200);
  }

  @Test
  void shouldRefuseASubmitThatNamesTheLabelTwiceOrSmugglesASecondValue() throws Exception {
    // A proxy or log that keeps the first "label" and a service that keeps the last would disagree on the answer.
    String frameId = ReviewFixtures.newFrameId();
    ReviewRequest request = ReviewFixtures.request(frameId, "Coat", 0.55, 11);
    ReviewFixtures.produce(KAFKA.bootstrapServers(), request);
    awaitClaim(ada);
    String submit = "/v1/tasks/" + request.getTaskId() + "/submit";

    assertError(ada.post(submit, "{\"label\":\"Coat\",\"label\":\"Sandal\"}"), 400, "invalid_body");
    assertError(ada.post(submit, "{\"label\":\"Coat\"}{\"label\":\"Sandal\"}"), 400, "invalid_body");
    assertError(ada.post(submit, "{\"label\":\"Coat\"} trailing garbage"), 400, "invalid_body");
    assertError(root.post("/v1/labels/" + frameId + "/flag", "{\"reason\":\"a\",\"reason\":\"b\"}"), 400,
        "invalid_body");

    HttpResponse<String> honest = ada.submit(request.getTaskId(), "Sandal");
    assertThat(honest.statusCode()).as(honest.body()).isEqualTo(200);
    assertThat(root.json(root.get("/v1/labels/" + frameId)).get("label").asText()).isEqualTo("Sandal");
  }

  @Test
  void shouldKeepALeasedTaskFromOthersAndOfferItAgainWhenTheLeaseEnds() throws Exception {
    ReviewRequest request = ReviewFixtures.request(ReviewFixtures.newFrameId(), "Shirt", 0.4, 11);
    ReviewFixtures.produce(KAFKA.bootstrapServers(), request);
    awaitClaim(ada);

    assertThat(bob.claim().statusCode()).isEqualTo(204);
    assertError(bob.submit(request.getTaskId(), "Shirt"), 409, "lease_not_held");

    HttpResponse<String> reoffered = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
        .until(bob::claim, r -> r.statusCode() == 200);
    assertThat(bob.json(reoffered).get("taskId").asText()).isEqualTo(request.getTaskId());
    assertError(ada.submit(request.getTaskId(), "Shirt"), 409, "lease_not_held");
    assertThat(bob.submit(request.getTaskId(), "Shirt").statusCode()).isEqualTo(200);
    // ada's late answer wrote nothing: one answer, bob's, and one label.
    List<ConsumerRecord<String, byte[]>> results = TopicRecords.readAll(KAFKA.bootstrapServers(), Topics.REVIEW_RESULTS.name())
        .stream().filter(r -> request.getFrameId().equals(r.key())).toList();
    assertThat(results).singleElement().satisfies(r -> assertThat(Topics.REVIEW_RESULTS.valueSerde().deserializer()
        .deserialize(r.topic(), r.value()).getReviewerId()).isEqualTo("bob"));
    assertThat(TopicRecords.readAll(KAFKA.bootstrapServers(), Topics.LABELS.name()))
        .filteredOn(r -> request.getFrameId().equals(r.key())).hasSize(1);
  }

  @Test
  void shouldOfferAReleasedTaskToTheNextReviewer() throws Exception {
    ReviewRequest request = ReviewFixtures.request(ReviewFixtures.newFrameId(), "Bag", 0.6, 12);
    ReviewFixtures.produce(KAFKA.bootstrapServers(), request);
    awaitClaim(ada);

    assertError(bob.post("/v1/tasks/" + request.getTaskId() + "/release", null), 409, "lease_not_held");
    assertThat(ada.post("/v1/tasks/" + request.getTaskId() + "/release", null).statusCode()).isEqualTo(200);

    HttpResponse<String> claimed = bob.claim();
    assertThat(bob.json(claimed).get("taskId").asText()).isEqualTo(request.getTaskId());
    assertThat(bob.submit(request.getTaskId(), "Bag").statusCode()).isEqualTo(200);
  }

  @Test
  void shouldGiveTheLastTaskToExactlyOneOfTwoReviewersClaimingAtOnce() throws Exception {
    for (int round = 0; round < 10; round++) {
      ReviewRequest request = ReviewFixtures.request(ReviewFixtures.newFrameId(), "Coat", 0.5, 20 + round);
      ReviewFixtures.produce(KAFKA.bootstrapServers(), request);
      await().atMost(Duration.ofSeconds(10)).until(() -> review.openTasks() == 1);
      java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(2);
      java.util.concurrent.ExecutorService both = java.util.concurrent.Executors.newFixedThreadPool(2);
      try {
        java.util.concurrent.Future<HttpResponse<String>> adaClaim = both.submit(() -> {
          together.await();
          return ada.claim();
        });
        java.util.concurrent.Future<HttpResponse<String>> bobClaim = both.submit(() -> {
          together.await();
          return bob.claim();
        });
        java.util.List<Integer> statuses = java.util.List.of(adaClaim.get().statusCode(), bobClaim.get().statusCode());
        assertThat(statuses).as("round " + round).containsExactlyInAnyOrder(200, 204);
        Client winner = adaClaim.get().statusCode() == 200 ? ada : bob;
        assertThat(winner.submit(request.getTaskId(), "Coat").statusCode()).isEqualTo(200);
      } finally {
        both.shutdownNow();
      }
    }
  }

  @Test
  void shouldKeepAHeartbeatingLeaseBeyondItsLengthAndLetOnlyItsHolderExtendIt() throws Exception {
    ReviewRequest request = ReviewFixtures.request(ReviewFixtures.newFrameId(), "Dress", 0.45, 13);
    ReviewFixtures.produce(KAFKA.bootstrapServers(), request);
    awaitClaim(ada);
    String heartbeat = "/v1/tasks/" + request.getTaskId() + "/heartbeat";

    // Twice the 2 s lease, kept alive by a heartbeat every half second.
    for (int i = 0; i < 8; i++) {
      Thread.sleep(500);
      HttpResponse<String> beat = ada.post(heartbeat, null);
      assertThat(beat.statusCode()).isEqualTo(200);
      assertThat(Instant.parse(ada.json(beat).get("leaseExpiresAt").asText())).isAfter(Instant.now());
      assertThat(bob.claim().statusCode()).isEqualTo(204);
    }
    assertError(bob.post(heartbeat, null), 409, "lease_not_held");

    assertThat(ada.submit(request.getTaskId(), "Dress").statusCode()).isEqualTo(200);
    assertError(ada.post(heartbeat, null), 409, "already_answered");
  }

  @Test
  void shouldPutASkippedTaskBehindTheOthersForTheSkipperOnly() throws Exception {
    ReviewRequest urgent = ReviewFixtures.request(ReviewFixtures.newFrameId(), "Shirt", 0.2, 14);
    ReviewRequest calm = ReviewFixtures.request(ReviewFixtures.newFrameId(), "Shirt", 0.7, 15);
    ReviewFixtures.produce(KAFKA.bootstrapServers(), urgent, calm);
    await().atMost(Duration.ofSeconds(10)).until(() -> review.openTasks() == 2);
    assertThat(ada.json(ada.claim()).get("taskId").asText()).isEqualTo(urgent.getTaskId());

    assertError(bob.post("/v1/tasks/" + urgent.getTaskId() + "/skip", null), 409, "lease_not_held");
    assertThat(ada.post("/v1/tasks/" + urgent.getTaskId() + "/skip", null).statusCode()).isEqualTo(200);

    assertThat(ada.json(ada.claim()).get("taskId").asText()).isEqualTo(calm.getTaskId());
    assertThat(bob.json(bob.claim()).get("taskId").asText()).isEqualTo(urgent.getTaskId());
    assertThat(ada.submit(calm.getTaskId(), "Shirt").statusCode()).isEqualTo(200);
    assertThat(bob.submit(urgent.getTaskId(), "Shirt").statusCode()).isEqualTo(200);
  }

  @Test
  void shouldLetAHumanLabelSupersedeTheModelLabelAndCountBoth() throws Exception {
    String modelOnly = ReviewFixtures.newFrameId();
    String reviewed = ReviewFixtures.newFrameId();
    try (KafkaProducer<String, Label> producer = new KafkaProducer<>(ReviewFixtures.producerConfig(KAFKA.bootstrapServers()),
        Topics.LABELS.keySerde().serializer(), Topics.LABELS.valueSerde().serializer())) {
      for (String frameId : new String[] {modelOnly, reviewed}) {
        producer.send(new ProducerRecord<>(Topics.LABELS.name(), frameId, Label.newBuilder().setFrameId(frameId)
            .setLabel("Sneaker").setClassIndex(7).setSource(LabelSource.MODEL).setConfidence(0.97)
            .setModelName("fashion-mnist-ensemble").setModelVersion("test").setLabelledAt(Instant.now()).build())).get();
      }
    }
    ReviewRequest request = ReviewFixtures.request(reviewed, "Sneaker", 0.5, 13);
    ReviewFixtures.produce(KAFKA.bootstrapServers(), request);
    awaitClaim(ada);
    assertThat(ada.submit(request.getTaskId(), "Sandal").statusCode()).isEqualTo(200);

    // A label read from labels.v1 reaches the frame's store a moment after it was written.
    await().atMost(Duration.ofSeconds(10)).until(() -> root.get("/v1/labels/" + modelOnly).statusCode() == 200);
    JsonNode model = root.json(root.get("/v1/labels/" + modelOnly));
    assertThat(model.get("source").asText()).isEqualTo("MODEL");
    assertThat(model.get("modelVersion").asText()).isEqualTo("test");
    assertThat(model.get("confidence").asDouble()).isEqualTo(0.97);
    JsonNode human = root.json(root.get("/v1/labels/" + reviewed));
    assertThat(human.get("source").asText()).isEqualTo("HUMAN");
    assertThat(human.get("label").asText()).isEqualTo("Sandal");
    JsonNode stats = root.json(root.get("/v1/stats"));
    assertThat(stats.get("modelLabelled").asLong()).isGreaterThanOrEqualTo(1);
    assertThat(stats.get("humanLabelled").asLong()).isGreaterThanOrEqualTo(1);
    assertThat(stats.get("queuedForReview").asLong()).isZero();
  }

  private static HttpResponse<String> awaitClaim(Client client) {
    return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
        .until(client::claim, r -> r.statusCode() == 200);
  }

  private static void assertError(HttpResponse<String> response, int status, String code) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(ReviewFixtures.JSON.readTree(response.body()).get("error").asText()).isEqualTo(code);
  }
}
