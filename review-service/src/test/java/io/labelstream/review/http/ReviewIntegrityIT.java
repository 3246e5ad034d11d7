package io.labelstream.review.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.labelstream.kafka.embedded.EmbeddedKafkaExtension;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Reviewers as attackers, on a real broker: spotting gold tasks, hoarding the queue, flagging a label to read and
 * overwrite it, and reading the outcome of a blind audit. Each test has reviewers of its own.
 *
 * <p>Gold tasks come at rate 1 here, so once a gold frame is loaded every reviewer's next claim is gold: the gold
 * test runs last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReviewIntegrityIT {

  @RegisterExtension
  static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  private static final Pattern UUID_SHAPE = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  private static final String TOKENS = "hoarder:hoarder-token:reviewer,worker:worker-token:reviewer,"
      + "flagger:flagger-token:reviewer,fixer:fixer-token:reviewer,spotter:spotter-token:reviewer,"
      + "root:root-secret-token:admin";

  private static ReviewService review;
  private static Client root;

  @BeforeAll
  static void start() {
    TopicProvisioner.ensureTopics(KafkaSettings.from(new Env(Map.of("KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers()))));
    review = ReviewService.start(ReviewConfig.from(new Env(Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers(),
        "HTTP_HOST", "127.0.0.1",
        "REVIEW_PORT", "0",
        "REVIEW_LEASE_SECONDS", "2",
        "REVIEW_MAX_LEASE_SECONDS", "4",
        "REVIEW_MAX_LEASES", "2",
        "REVIEW_GOLD_RATE", "1",
        "REVIEW_TOKENS", TOKENS))));
    await().atMost(Duration.ofSeconds(60)).until(() -> review.ready() && review.isQueueLeader());
    root = client("root-secret-token");
  }

  @AfterAll
  static void stop() {
    review.close();
  }

  @Test
  @Order(1)
  void shouldStopOneReviewerFromHoardingTheQueue() throws Exception {
    Client hoarder = client("hoarder-token");
    Client worker = client("worker-token");
    List<ReviewRequest> requests = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      requests.add(ReviewFixtures.request(ReviewFixtures.newFrameId(), "Coat", 0.4, 60 + i));
    }
    ReviewFixtures.produce(KAFKA.bootstrapServers(), requests.toArray(ReviewRequest[]::new));
    await().atMost(Duration.ofSeconds(10)).until(() -> review.openTasks() == 4);

    List<String> held = new ArrayList<>();
    HttpResponse<String> claim;
    while ((claim = hoarder.claim()).statusCode() == 200 && held.size() < 4) {
      held.add(hoarder.json(claim).get("taskId").asText());
    }

    assertThat(held).as("leases held at once").hasSize(2);
    assertThat(claim.statusCode()).isEqualTo(429);
    assertThat(hoarder.json(claim).get("error").asText()).isEqualTo("too_many_leases");
    HttpResponse<String> other = worker.claim();
    assertThat(other.statusCode()).as("another reviewer still gets work").isEqualTo(200);
    assertThat(worker.submit(worker.json(other).get("taskId").asText(), "Coat").statusCode()).isEqualTo(200);

    // Heartbeats every half second: a lease still runs out at its maximum lifetime (4 s after the claim).
    String kept = held.get(0);
    Instant claimedBefore = Instant.now();
    HttpResponse<String> lost = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(500))
        .until(() -> hoarder.post("/v1/tasks/" + kept + "/heartbeat", null), r -> r.statusCode() != 200);
    assertThat(lost.statusCode()).isEqualTo(409);
    assertThat(hoarder.json(lost).get("error").asText()).isEqualTo("lease_not_held");
    assertThat(Duration.between(claimedBefore, Instant.now())).isLessThan(Duration.ofSeconds(6));

    for (Client reviewer : List.of(worker, worker)) {
      HttpResponse<String> next = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
          .until(reviewer::claim, r -> r.statusCode() == 200);
      assertThat(reviewer.submit(reviewer.json(next).get("taskId").asText(), "Coat").statusCode()).isEqualTo(200);
    }
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> {
      HttpResponse<String> next = worker.claim();
      if (next.statusCode() == 200) {
        worker.submit(worker.json(next).get("taskId").asText(), "Coat");
      }
      return review.openTasks() == 0;
    });
  }

  @Test
  @Order(2)
  void shouldNeitherShowAFlaggerTheLabelNorLetThemAnswerTheirOwnFlag() throws Exception {
    Client flagger = client("flagger-token");
    Client fixer = client("fixer-token");
    String frameId = modelLabelledFrame("Coat", 70);

    HttpResponse<String> flagged = flagger.post("/v1/labels/" + frameId + "/flag", "{\"reason\":\"it is a sandal\"}");

    assertThat(flagged.statusCode()).as(flagged.body()).isEqualTo(202);
    JsonNode answer = flagger.json(flagged);
    assertThat(answer.has("flaggedLabel")).isFalse();
    assertThat(flagged.body()).doesNotContain("Coat");
    assertThat(flagger.claim().statusCode()).as("the flagger never gets their own flag").isEqualTo(204);
    assertThat(flagger.get("/v1/tasks/peek").statusCode()).isEqualTo(204);
    JsonNode task = fixer.json(fixer.claim());
    assertThat(task.get("frameId").asText()).isEqualTo(frameId);
    assertThat(fixer.submit(task.get("taskId").asText(), "Coat").statusCode()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).until(() -> root.get("/v1/admin/flags").body().contains("\"open\":false"));
  }

  @Test
  @Order(3)
  void shouldNotTellAReviewerWhetherTheirBlindAuditAnswerAgreedWithTheModel() throws Exception {
    Client spotter = client("spotter-token");
    String frameId = ReviewFixtures.newFrameId();
    ReviewRequest audit = audit(frameId, 80);
    ReviewFixtures.produce(KAFKA.bootstrapServers(), audit);
    await().atMost(Duration.ofSeconds(10)).until(() -> review.openTasks() == 1);
    JsonNode statsBefore = spotter.json(spotter.get("/v1/stats"));
    String metricsBefore = client(null).get("/metrics").body();

    JsonNode task = spotter.json(spotter.claim());
    HttpResponse<String> submitted = spotter.submit(task.get("taskId").asText(), "Bag");

    assertThat(submitted.statusCode()).isEqualTo(200);
    assertThat(spotter.json(submitted).has("decision")).isFalse();
    assertThat(submitted.body()).doesNotContain("ACCEPTED").doesNotContain("CORRECTED");
    JsonNode statsAfter = spotter.json(spotter.get("/v1/stats"));
    assertThat(statsAfter.has("policy")).as("audit evidence is for admins").isFalse();
    assertThat(statsAfter.has("humanLabelled")).as("moves with audit answers, not gold ones").isFalse();
    assertThat(statsAfter.fieldNames()).toIterable().containsExactlyElementsOf(() -> statsBefore.fieldNames());
    assertThat(root.json(root.get("/v1/stats")).has("policy")).isTrue();
    String metrics = client(null).get("/metrics").body();
    assertThat(metrics).doesNotContain("labelstream_review_policy_audits")
        .doesNotContainPattern("labelstream_review_policy_accuracy_[a-z_]+\\{class=\"(?!all\")");
    assertThat(answerCounters(metrics)).as("the audit answer moved no accepted/corrected counter")
        .isEqualTo(answerCounters(metricsBefore));
  }

  @Test
  @Order(4)
  void shouldMakeAGoldTaskLookLikeAnAuditInEveryFieldAndId() throws Exception {
    Client spotter = client("spotter-token");
    HttpResponse<String> added = gold(ReviewFixtures.samplePng(90), "Bag");
    assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
    String frameId = ReviewFixtures.newFrameId();
    ReviewFixtures.produce(KAFKA.bootstrapServers(), audit(frameId, 91));
    await().atMost(Duration.ofSeconds(10)).until(() -> review.openTasks() == 1);

    JsonNode peeked = spotter.json(spotter.get("/v1/tasks/peek"));
    assertThat(spotter.getBytes(peeked.get("imageUrl").asText()).statusCode()).as("preloaded like any task").isEqualTo(200);
    JsonNode gold = spotter.json(spotter.claim());
    assertThat(gold.get("taskId")).as("the task the peek named").isEqualTo(peeked.get("taskId"));
    HttpResponse<String> goldSubmit = spotter.submit(gold.get("taskId").asText(), "Bag");
    JsonNode audit = spotter.json(spotter.claim());
    HttpResponse<String> auditSubmit = spotter.submit(audit.get("taskId").asText(), "Bag");

    assertThat(audit.get("frameId").asText()).isEqualTo(frameId);
    assertThat(gold.get("frameId").asText()).isNotEqualTo(frameId);
    for (JsonNode task : List.of(gold, audit)) {
      assertThat(task.get("frameId").asText()).matches(UUID_SHAPE);
      assertThat(task.get("taskId").asText()).as("derived like an audit task")
          .isEqualTo(TaskIds.of(task.get("frameId").asText(), ReviewReason.AUDIT));
      assertThat(task.get("imageUrl").asText()).isEqualTo("/v1/frames/" + task.get("frameId").asText() + "/image");
      assertThat(task.get("suggestion").isNull()).isTrue();
    }
    assertThat(gold.fieldNames()).toIterable().containsExactlyElementsOf(() -> audit.fieldNames());
    assertThat(goldSubmit.statusCode()).isEqualTo(200);
    assertThat(auditSubmit.statusCode()).isEqualTo(200);
    JsonNode goldAnswer = spotter.json(goldSubmit);
    JsonNode auditAnswer = spotter.json(auditSubmit);
    assertThat(goldAnswer.fieldNames()).toIterable().containsExactlyElementsOf(() -> auditAnswer.fieldNames());
    assertThat(goldAnswer.get("settled")).isEqualTo(auditAnswer.get("settled"));
    assertThat(gold(ReviewFixtures.samplePng(90), "Bag").statusCode()).isEqualTo(201);
    assertThat(spotter.claim().statusCode()).as("the same image added again keeps its ids: not shown twice")
        .isEqualTo(204);
  }

  /** The unauthenticated answer counters that say whether an answer matched the model. */
  private static List<String> answerCounters(String metrics) {
    return metrics.lines().filter(line -> line.startsWith("labelstream_review_tasks_submitted_total")
        && (line.contains("decision=\"accepted\"") || line.contains("decision=\"corrected\""))).toList();
  }

  private static Client client(String token) {
    return new Client(review.port(), token);
  }

  private static ReviewRequest audit(String frameId, int sample) {
    ReviewRequest request = ReviewFixtures.request(frameId, "Coat", 0.97, sample);
    request.setReason(ReviewReason.AUDIT);
    request.setTaskId(TaskIds.of(frameId, ReviewReason.AUDIT));
    return request;
  }

  /** A frame in frames.v1 with its prediction and a MODEL label, as the worker leaves a confident one. */
  private static String modelLabelledFrame(String label, int sample) throws Exception {
    String frameId = ReviewFixtures.newFrameId();
    RecordMetadata frameAt = send(Topics.FRAMES.name(), frameId, FleetFrameProducer.frame("cam", null, frameId,
        "image/png", ReviewFixtures.samplePng(sample), 28, 28, null));
    ReviewRequest routed = ReviewFixtures.request(frameId, label, 0.99, sample);
    routed.getPrediction().setSourcePartition(frameAt.partition());
    routed.getPrediction().setSourceOffset(frameAt.offset());
    send(Topics.PREDICTIONS.name(), frameId, routed.getPrediction());
    send(Topics.LABELS.name(), frameId, Label.newBuilder().setFrameId(frameId).setLabel(label).setClassIndex(4)
        .setSource(LabelSource.MODEL).setConfidence(0.99).setModelName("fashion-mnist-ensemble").setModelVersion("test")
        .setLabelledAt(Instant.now()).build());
    await().atMost(Duration.ofSeconds(10)).until(() -> root.get("/v1/labels/" + frameId).statusCode() == 200
        && root.get("/v1/frames/" + frameId + "/history").body().contains("prediction"));
    return frameId;
  }

  private static HttpResponse<String> gold(byte[] image, String label) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + review.port()
            + "/v1/admin/gold")).header("Authorization", "Bearer " + root.token()).header("Content-Type", "image/png")
        .header("X-Label", label).POST(HttpRequest.BodyPublishers.ofByteArray(image)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static RecordMetadata send(String topic, String key, Object value) throws Exception {
    try (KafkaProducer<String, Object> producer = new KafkaProducer<>(ReviewFixtures.producerConfig(KAFKA.bootstrapServers()),
        new org.apache.kafka.common.serialization.StringSerializer(), new io.labelstream.platform.kafka.TopicRoutedSerializer())) {
      return producer.send(new ProducerRecord<>(topic, key, value)).get();
    }
  }
}
