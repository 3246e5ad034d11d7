package io.labelstream.review.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labelstream.kafka.embedded.EmbeddedKafkaExtension;
import io.labelstream.platform.config.Env;
import io.labelstream.review.HeadlessChrome;
import io.labelstream.review.ReviewFixtures;
import io.labelstream.review.ReviewFixtures.Client;
import io.labelstream.review.ReviewService;
import io.labelstream.review.config.ReviewConfig;
import io.labelstream.review.http.PageSecurityPolicy;
import io.labelstream.schemas.TaskIds;
import io.labelstream.schemas.Topic;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.ClassProbability;
import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.LabelSource;
import io.labelstream.schemas.avro.Prediction;
import io.labelstream.schemas.avro.ReviewDecision;
import io.labelstream.schemas.avro.ReviewReason;
import io.labelstream.schemas.avro.ReviewRequest;
import io.labelstream.schemas.avro.ReviewResult;
import io.labelstream.schemas.avro.Route;
import io.labelstream.testsupport.RequiredTool;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The statistics on a real broker: known predictions, labels, review requests and answers with fixed timestamps go
 * to Kafka, and every {@code /v1/stats/...} figure and the {@code /stats} page (in a headless Chromium) must follow
 * from them exactly.
 */
class StatsIT {

  private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
  private static final List<String> CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
      "Shirt", "Sneaker", "Bag", "Ankle boot");
  private static final String[] ENDPOINTS = {"/v1/stats/classes", "/v1/stats/labels-over-time", "/v1/stats/accuracy",
      "/v1/stats/review-throughput", "/v1/stats/agreement"};
  /** The bundled model's version, read where the review service reads it: only its predictions are evidence. */
  private static final String BUNDLED_VERSION = bundledVersion();
  private static final String CLUSTER_TOKEN = "cluster-token-of-the-stats-test";


  @RegisterExtension
  static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  private static ReviewService review;
  private static Client admin;
  private static Client ada;

  @BeforeAll
  static void start() throws Exception {
    review = ReviewService.start(ReviewConfig.from(new Env(Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers(),
        "HTTP_HOST", "127.0.0.1",
        "REVIEW_PORT", "0",
        "REVIEW_POLICY_INTERVAL_MS", "200",
        "REVIEW_CLUSTER_TOKEN", CLUSTER_TOKEN,
        "REVIEW_TOKENS", "ada:ada-secret-token:reviewer,root:root-secret-token:admin"))));
    await().atMost(Duration.ofSeconds(30)).until(review::ready);
    admin = new Client(review.port(), "root-secret-token");
    ada = new Client(review.port(), "ada-secret-token");
    produceTheDay();
    // Everything read back: all answers counted, and the policy recomputed with both audit answers.
    await().atMost(Duration.ofSeconds(30)).until(() -> admin.json(admin.get("/v1/stats/classes")).get("total").asLong() == 7
        && admin.json(admin.get("/v1/stats/agreement")).get("betweenReviewers").get("pairs").asLong() == 2
        && sum(admin.json(admin.get("/v1/stats/review-throughput")).get("buckets"), "answers") == 6
        && sum(admin.json(admin.get("/v1/stats/labels-over-time")).get("buckets"), "predictions") == 8
        && admin.json(admin.get("/v1/stats/accuracy")).get("auditsAnswered").asLong() == 2);
  }

  /**
   * Eight frames, 10:00–10:04 UTC. f1, f2: model labels (Trouser), audited; ada confirms f1, bob corrects f2 to Pullover.
   * f3, f4: model labels Bag; f5: Sneaker. f6, f7, f8: sent to people; ada and bob both answer f6 (Coat, Coat) and f7
   * (Shirt, Coat); f8 is still waiting.
   */
  private static void produceTheDay() throws Exception {
    List<Prediction> predictions = List.of(
        prediction("f1", 1, Route.MODEL_LABEL, true, 0), prediction("f2", 1, Route.MODEL_LABEL, true, 0),
        prediction("f3", 8, Route.MODEL_LABEL, false, 1), prediction("f4", 8, Route.MODEL_LABEL, false, 1),
        prediction("f5", 7, Route.MODEL_LABEL, false, 1), prediction("f6", 4, Route.REVIEW, false, 1),
        prediction("f7", 6, Route.REVIEW, false, 1), prediction("f8", 0, Route.REVIEW, false, 2));
    send(Topics.PREDICTIONS, predictions, Prediction::getFrameId);
    send(Topics.LABELS, List.of(
        label("f1", 1, LabelSource.MODEL, 0), label("f2", 1, LabelSource.MODEL, 0), label("f3", 8, LabelSource.MODEL, 1),
        label("f4", 8, LabelSource.MODEL, 1), label("f5", 7, LabelSource.MODEL, 1),
        label("f1", 1, LabelSource.HUMAN, 2), label("f2", 2, LabelSource.HUMAN, 3), label("f6", 4, LabelSource.HUMAN, 3),
        label("f7", 6, LabelSource.HUMAN, 4)), Label::getFrameId);
    send(Topics.REVIEW_REQUESTS, List.of(
        request(predictions.get(0), ReviewReason.AUDIT, 0), request(predictions.get(1), ReviewReason.AUDIT, 0),
        request(predictions.get(5), ReviewReason.LOW_CONFIDENCE, 1), request(predictions.get(6), ReviewReason.LOW_CONFIDENCE, 1),
        request(predictions.get(7), ReviewReason.LOW_CONFIDENCE, 2)), ReviewRequest::getFrameId);
    send(Topics.REVIEW_RESULTS, List.of(
        result("f1", ReviewReason.AUDIT, "ada", 1, true, 2), result("f2", ReviewReason.AUDIT, "bob", 2, false, 3),
        result("f6", ReviewReason.LOW_CONFIDENCE, "ada", 4, true, 2), result("f6", ReviewReason.LOW_CONFIDENCE, "bob", 4, true, 3),
        result("f7", ReviewReason.LOW_CONFIDENCE, "ada", 6, true, 4), result("f7", ReviewReason.LOW_CONFIDENCE, "bob", 4, false, 4)),
        ReviewResult::getFrameId);
  }

  @AfterAll
  static void stop() {
    if (review != null) {
      review.close();
    }
  }

  @Test
  void shouldCountFinalLabelsPerClassBySource() throws Exception {
    JsonNode body = admin.json(admin.get("/v1/stats/classes"));

    assertThat(body.get("total").asLong()).isEqualTo(7);
    assertThat(body.get("model").asLong()).isEqualTo(3);
    assertThat(body.get("human").asLong()).isEqualTo(4);
    assertThat(body.get("classes")).hasSize(10);
    Map<String, long[]> expected = Map.of("Trouser", new long[] {0, 1}, "Pullover", new long[] {0, 1},
        "Coat", new long[] {0, 1}, "Shirt", new long[] {0, 1}, "Sneaker", new long[] {1, 0}, "Bag", new long[] {2, 0});
    for (int c = 0; c < CLASSES.size(); c++) {
      JsonNode row = body.get("classes").get(c);
      long[] counts = expected.getOrDefault(CLASSES.get(c), new long[] {0, 0});
      assertThat(row.get("class").asText()).isEqualTo(CLASSES.get(c));
      assertThat(row.get("classIndex").asInt()).isEqualTo(c);
      assertThat(new long[] {row.get("model").asLong(), row.get("human").asLong(), row.get("total").asLong()})
          .as(CLASSES.get(c)).containsExactly(counts[0], counts[1], counts[0] + counts[1]);
    }
  }

  @Test
  void shouldShowModelAndHumanLabelsPerMinuteByTheLabelsOwnTime() throws Exception {
    JsonNode body = admin.json(admin.get("/v1/stats/labels-over-time"));

    assertThat(body.get("resolution").asText()).isEqualTo("minute");
    assertThat(body.get("bucketMinutes").asInt()).isEqualTo(1);
    assertThat(body.get("from").asText()).isEqualTo("2026-03-02T10:00:00Z");
    assertThat(body.get("to").asText()).isEqualTo("2026-03-02T10:05:00Z");
    // f1 and f2 moved from the model's 10:00 to people's 10:02 and 10:03 when their audits were answered.
    assertThat(rows(body.get("buckets"), "start", "model", "human", "humanShare", "predictions")).containsExactly(
        "2026-03-02T10:00:00Z 0 0 null 2",
        "2026-03-02T10:01:00Z 3 0 0.0 5",
        "2026-03-02T10:02:00Z 0 1 1.0 1",
        "2026-03-02T10:03:00Z 0 2 1.0 0",
        "2026-03-02T10:04:00Z 0 1 1.0 0");

    JsonNode hours = admin.json(admin.get("/v1/stats/labels-over-time?resolution=hour"));
    assertThat(hours.get("resolution").asText()).isEqualTo("hour");
    assertThat(rows(hours.get("buckets"), "start", "model", "human", "predictions"))
        .containsExactly("2026-03-02T10:00:00Z 3 4 8");
    assertThat(hours.get("buckets").get(0).get("humanShare").asDouble()).isEqualTo(4.0 / 7);

    HttpResponse<String> unknown = admin.get("/v1/stats/labels-over-time?resolution=day");
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(admin.json(unknown).get("error").asText()).isEqualTo("unknown_resolution");
  }

  @Test
  void shouldShowAnswersAndQueueLengthPerMinute() throws Exception {
    JsonNode body = admin.json(admin.get("/v1/stats/review-throughput"));

    assertThat(body.get("resolution").asText()).isEqualTo("minute");
    assertThat(rows(body.get("buckets"), "start", "requested", "answers", "queueLength")).containsExactly(
        "2026-03-02T10:00:00Z 2 0 2",
        "2026-03-02T10:01:00Z 2 0 4",
        "2026-03-02T10:02:00Z 1 2 3",
        "2026-03-02T10:03:00Z 0 2 2",
        "2026-03-02T10:04:00Z 0 2 1");
    // The last queue length is the queue the service holds: f8.
    assertThat(admin.json(admin.get("/v1/stats")).get("queuedForReview").asInt()).isEqualTo(1);
  }

  @Test
  void shouldShowReviewerAgreementWithTheModelAndWithEachOther() throws Exception {
    JsonNode body = admin.json(admin.get("/v1/stats/agreement"));

    JsonNode withModel = body.get("withModel");
    assertThat(rows(List.of(withModel), "audits", "agreed", "rate")).containsExactly("2 1 0.5");
    assertThat(rows(withModel.get("reviewers"), "reviewer", "audits", "agreed", "rate"))
        .containsExactly("ada 1 1 1.0", "bob 1 0 0.0");
    JsonNode between = body.get("betweenReviewers");
    assertThat(rows(List.of(between), "tasks", "pairs", "agreed", "rate")).containsExactly("2 2 1 0.5");
    assertThat(between.get("reviewerPairs")).hasSize(1);
    assertThat(between.get("reviewerPairs").get(0).get("reviewers").toString()).isEqualTo("[\"ada\",\"bob\"]");
    assertThat(rows(between.get("reviewerPairs"), "pairs", "agreed", "rate")).containsExactly("2 1 0.5");
    assertThat(rows(between.get("reviewers"), "reviewer", "pairs", "agreed", "rate"))
        .containsExactly("ada 2 1 0.5", "bob 2 1 0.5");
    assertThat(body.get("gold").isNull()).isTrue();
  }

  @Test
  void shouldShowTheAccuracyThePolicyPublishesPerClass() throws Exception {
    JsonNode body = admin.json(admin.get("/v1/stats/accuracy"));
    JsonNode policy = admin.json(admin.get("/v1/stats")).get("policy");

    assertThat(body.get("target").asDouble()).isEqualTo(0.99);
    assertThat(body.get("confidence").asDouble()).isEqualTo(0.95);
    assertThat(body.get("classTarget").asDouble()).isEqualTo(0.97);
    assertThat(body.get("auditsAnswered").asLong()).isEqualTo(2);
    assertThat(body.get("overall").get("estimatedAccuracy").asDouble()).isEqualTo(policy.get("overall").get("estimatedAccuracy").asDouble());
    assertThat(body.get("overall").get("lowerBound").asDouble()).isEqualTo(policy.get("overall").get("lowerBound").asDouble());
    // the bound for the labels written: the policy's own, never above the rate's (they are few here)
    assertThat(body.get("overall").get("writtenLowerBound").asDouble())
        .isEqualTo(policy.get("overall").get("writtenLowerBound").asDouble())
        .isLessThanOrEqualTo(body.get("overall").get("lowerBound").asDouble());
    assertThat(body.get("overall").get("audits").asLong()).isEqualTo(policy.get("overall").get("audits").asLong());
    assertThat(body.get("classes")).hasSize(10);
    for (int c = 0; c < 10; c++) {
      JsonNode row = body.get("classes").get(c);
      JsonNode published = policy.get("perClass").get(c);
      assertThat(row.get("class").asText()).isEqualTo(CLASSES.get(c));
      assertThat(row.get("estimatedAccuracy").asDouble()).isEqualTo(published.get("estimatedAccuracy").asDouble());
      assertThat(row.get("lowerBound").asDouble()).isEqualTo(published.get("lowerBound").asDouble());
      assertThat(row.get("audits").asLong()).isEqualTo(published.get("audits").asLong());
      if (row.get("closed").asBoolean()) {
        assertThat(row.get("threshold").isNull()).isTrue();
      } else {
        assertThat(row.get("threshold").asDouble()).isEqualTo(published.get("threshold").asDouble());
      }
    }
  }

  /**
   * A second instance takes over some of the partitions (their statistics restored from the changelog) and asks the
   * first for the others: both show the same figures, and the first all of them again once the second has gone.
   */
  @Test
  void shouldGiveTheSameFiguresOnAnotherInstanceThatSharesThePartitions() throws Exception {
    List<String> endpoints = List.of("/v1/stats/classes", "/v1/stats/labels-over-time",
        "/v1/stats/labels-over-time?resolution=hour", "/v1/stats/review-throughput", "/v1/stats/agreement");
    Map<String, String> before = new java.util.HashMap<>();
    for (String endpoint : endpoints) {
      before.put(endpoint, admin.get(endpoint).body());
    }
    try (ReviewService other = ReviewService.start(ReviewConfig.from(new Env(Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers(),
        "HTTP_HOST", "127.0.0.1",
        "REVIEW_PORT", "0",
        "REVIEW_CLUSTER_TOKEN", CLUSTER_TOKEN,
        "REVIEW_TOKENS", "root:root-secret-token:admin"))))) {
      await().atMost(Duration.ofSeconds(30)).until(other::ready);
      Client shared = new Client(other.port(), "root-secret-token");
      await().atMost(Duration.ofSeconds(30)).until(() -> shared.get("/v1/stats/classes").statusCode() == 200 && admin.get("/v1/stats/classes").statusCode() == 200);
      for (String endpoint : endpoints) {
        assertThat(shared.get(endpoint).body()).as(endpoint).isEqualTo(before.get(endpoint));
        assertThat(admin.get(endpoint).body()).as(endpoint).isEqualTo(before.get(endpoint));
      }
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> admin.get("/v1/stats/classes").statusCode() == 200);
    assertThat(admin.get("/v1/stats/agreement").body()).isEqualTo(before.get("/v1/stats/agreement"));
  }

  @Test
  void shouldKeepTheStatisticsForAdminsAndThePipelineCountsForEveryone() throws Exception {
    Client anonymous = new Client(review.port(), null);
    for (String endpoint : ENDPOINTS) {
      HttpResponse<String> noToken = anonymous.get(endpoint);
      assertThat(noToken.statusCode()).as(endpoint).isEqualTo(401);
      assertThat(anonymous.json(noToken).get("error").asText()).isEqualTo("unauthorized");
      HttpResponse<String> reviewer = ada.get(endpoint);
      assertThat(reviewer.statusCode()).as(endpoint).isEqualTo(403);
      assertThat(ada.json(reviewer).get("error").asText()).isEqualTo("forbidden");
      assertThat(admin.get(endpoint).statusCode()).as(endpoint).isEqualTo(200);
    }
    assertThat(ada.get("/v1/stats").statusCode()).isEqualTo(200);
    HttpResponse<String> page = anonymous.get("/stats");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
    assertThat(page.headers().firstValue("Content-Security-Policy")).contains(PageSecurityPolicy.CONTENT_SECURITY_POLICY);
    assertThat(page.body()).contains("<title>LabelStream statistics</title>").doesNotContain("style=").doesNotContain("<script>");
  }

  @Test
  void shouldDrawTheChartsOnTheStatsPage() throws Exception {
    // On a developer machine without Chromium the test is skipped; on CI (which installs it) it must run.
    Path chromium = RequiredTool.CHROMIUM.path();
    Path chromedriver = RequiredTool.CHROMEDRIVER.path();
    WebDriver browser = HeadlessChrome.open(chromium, chromedriver, 1100, 2600);
    try {
      WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
      browser.get("http://127.0.0.1:" + review.port() + "/stats");

      browser.findElement(By.id("token")).sendKeys("ada-secret-token", Keys.ENTER);
      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "need an admin token"));
      assertThat(browser.findElement(By.id("charts")).isDisplayed()).isFalse();

      browser.findElement(By.id("token")).sendKeys("root-secret-token", Keys.ENTER);
      wait.until(ExpectedConditions.attributeToBe(By.id("charts"), "data-state", "ready"));

      // One stacked bar per class with labels, two parts for none of them here (each class has one source).
      assertThat(browser.findElements(By.cssSelector("#classes-chart g.bar"))).hasSize(6);
      assertThat(browser.findElements(By.cssSelector("#classes-chart g.bar[data-class='Bag'] rect.model"))).hasSize(1);
      assertThat(browser.findElements(By.cssSelector("#classes-chart g.bar[data-class='Coat'] rect.human"))).hasSize(1);
      // One run of minutes with labels (10:01-10:04; 10:00 lost its labels to the audits).
      assertThat(browser.findElements(By.cssSelector("#share-chart path.human"))).hasSize(1);
      assertThat(browser.findElements(By.cssSelector("#share-chart rect.hover"))).hasSize(5);
      // All classes and each class: a bar, a lower-bound mark; the two target lines.
      assertThat(browser.findElements(By.cssSelector("#accuracy-chart g.bar"))).hasSize(11);
      assertThat(browser.findElements(By.cssSelector("#accuracy-chart line.bound"))).hasSize(11);
      assertThat(browser.findElements(By.cssSelector("#accuracy-chart line.target"))).hasSize(1);
      assertThat(browser.findElements(By.cssSelector("#accuracy-chart line.class-target"))).hasSize(1);
      // Answers in three minutes; the queue line.
      assertThat(browser.findElements(By.cssSelector("#throughput-chart rect.answers"))).hasSize(3);
      assertThat(browser.findElements(By.cssSelector("#throughput-chart path.queue"))).hasSize(1);
      assertThat(browser.findElements(By.cssSelector("#agreement-model tbody tr"))).hasSize(3);
      assertThat(browser.findElement(By.cssSelector("#agreement-model tr.total")).getText()).contains("2", "1", "50.0%");
      assertThat(browser.findElement(By.cssSelector("#agreement-reviewers tr.total")).getText()).contains("50.0%");
      // No change detected in this stream: the events list says so, and the timeline has no marker.
      assertThat(browser.findElement(By.id("drift-events")).getText()).isEqualTo("No change detected.");
      assertThat(browser.findElement(By.id("drift-note")).getText()).contains("Regime 0 since stream frame 0");
      assertThat(browser.findElements(By.cssSelector("#share-chart g.drift-marker"))).isEmpty();

      // Nothing the page's CSP would block, nothing it did block, no script errors. (The reviewer's 403s are logged
      // as failed loads: expected.)
      JavascriptExecutor js = (JavascriptExecutor) browser;
      assertThat(js.executeScript("return document.querySelectorAll('[style], script:not([src])').length")).isEqualTo(0L);
      List<String> problems = new ArrayList<>();
      for (LogEntry entry : browser.manage().logs().get(LogType.BROWSER)) {
        if (entry.getLevel().intValue() >= Level.WARNING.intValue()
            && !entry.getMessage().contains("the server responded with a status of 403")) {
          problems.add(entry.getMessage());
        }
      }
      assertThat(problems).isEmpty();

      Path screenshot = Path.of("target", "stats-page.png");
      Files.createDirectories(screenshot.getParent());
      Files.copy(((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(), screenshot,
          StandardCopyOption.REPLACE_EXISTING);
    } finally {
      browser.quit();
    }
  }

  private static long sum(JsonNode buckets, String field) {
    long total = 0;
    for (JsonNode b : buckets) {
      total += b.get(field).asLong();
    }
    return total;
  }

  /** Each node's fields, space-separated, so a whole series reads as one assertion. */
  private static List<String> rows(Iterable<JsonNode> nodes, String... fields) {
    List<String> out = new ArrayList<>();
    for (JsonNode node : nodes) {
      List<String> values = new ArrayList<>();
      for (String field : fields) {
        values.add(node.get(field).isTextual() ? node.get(field).asText() : node.get(field).toString());
      }
      out.add(String.join(" ", values));
    }
    return out;
  }

  private static <V> void send(Topic<String, V> topic, List<V> values, java.util.function.Function<V, String> key)
      throws Exception {
    try (KafkaProducer<String, V> producer = new KafkaProducer<>(
        ReviewFixtures.producerConfig(KAFKA.bootstrapServers()),
        topic.keySerde().serializer(), topic.valueSerde().serializer())) {
      for (V value : values) {
        producer.send(new ProducerRecord<>(topic.name(), key.apply(value), value)).get();
      }
    }
  }

  private static Instant at(int minute, int second) {
    return T0.plusSeconds(60L * minute + second);
  }

  private static String bundledVersion() {
    try (InputStream card = StatsIT.class.getResourceAsStream("/model/fashion-mnist-ensemble.card.json")) {
      return new ObjectMapper().readTree(card).get("version").asText();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A prediction of the bundled model, so the policy takes it as evidence. */
  private static Prediction prediction(String frameId, int classIndex, Route route, boolean audited, int minute) {
    double score = route == Route.MODEL_LABEL ? 0.999 : 0.55;
    return Prediction.newBuilder().setFrameId(frameId).setModelName("fashion-mnist-ensemble").setModelVersion(BUNDLED_VERSION)
        .setClassIndex(classIndex).setLabel(CLASSES.get(classIndex))
        .setTopK(List.of(new ClassProbability(classIndex, CLASSES.get(classIndex), score))).setMaxProbability(score)
        .setMargin(score / 2).setEntropy(0.5).setMutualInformation(0.01).setScore(score).setThreshold(0.9)
        .setRoute(route).setAudited(audited).setPredictedAt(at(minute, 5)).build();
  }

  private static Label label(String frameId, int classIndex, LabelSource source, int minute) {
    return Label.newBuilder().setFrameId(frameId).setLabel(CLASSES.get(classIndex)).setClassIndex(classIndex)
        .setSource(source).setConfidence(source == LabelSource.MODEL ? 0.999 : null)
        .setModelName(source == LabelSource.MODEL ? "fashion-mnist-ensemble" : null)
        .setModelVersion(source == LabelSource.MODEL ? BUNDLED_VERSION : null)
        .setReviewerIds(List.of()).setLabelledAt(at(minute, 30)).build();
  }

  private static ReviewRequest request(Prediction prediction, ReviewReason reason, int minute) {
    return ReviewRequest.newBuilder().setTaskId(TaskIds.of(prediction.getFrameId(), reason))
        .setFrameId(prediction.getFrameId()).setReason(reason).setPriority(1 - prediction.getScore())
        .setPrediction(prediction).setContentType("image/png").setImage(ByteBuffer.wrap(ReviewFixtures.samplePng(1)))
        .setRequestedAt(at(minute, 10)).build();
  }

  private static ReviewResult result(String frameId, ReviewReason reason, String reviewer, int classIndex,
      boolean agreedWithModel, int minute) {
    return ReviewResult.newBuilder().setTaskId(TaskIds.of(frameId, reason)).setFrameId(frameId).setReviewerId(reviewer)
        .setLabel(CLASSES.get(classIndex)).setClassIndex(classIndex)
        .setDecision(agreedWithModel ? ReviewDecision.ACCEPTED : ReviewDecision.CORRECTED).setReason(reason)
        .setAgreedWithModel(agreedWithModel).setTimeSpentMs(4_000).setSubmittedAt(at(minute, 45)).build();
  }
}
