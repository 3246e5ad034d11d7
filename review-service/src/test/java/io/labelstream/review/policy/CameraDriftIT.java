package io.labelstream.review.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.labelstream.kafka.embedded.EmbeddedKafkaExtension;
import io.labelstream.kafka.embedded.TopicRecords;
import io.labelstream.platform.config.Env;
import io.labelstream.review.HeadlessChrome;
import io.labelstream.review.ReviewFixtures;
import io.labelstream.review.ReviewFixtures.Client;
import io.labelstream.review.ReviewService;
import io.labelstream.review.config.ReviewConfig;
import io.labelstream.schemas.FleetFrameProducer;
import io.labelstream.schemas.PolicyThresholds;
import io.labelstream.schemas.Topic;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.CameraPolicy;
import io.labelstream.schemas.avro.ClassProbability;
import io.labelstream.schemas.avro.DriftEventRecord;
import io.labelstream.schemas.avro.Frame;
import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.LabelSource;
import io.labelstream.schemas.avro.Policy;
import io.labelstream.schemas.avro.Prediction;
import io.labelstream.schemas.avro.Route;
import io.labelstream.testsupport.RequiredTool;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Two cameras on a real broker, one sure of its frames (scores 0.9–1) and one less so (0.5–0.6); after 400 frames
 * each, the sure camera's scores fall to 0.7–0.8. That is far into its own low tail but above the pooled stream's
 * low tail (the other camera's scores), so only the camera's own watch can see it: the change is local. The review
 * service must give that camera a closed regime of its own and publish it with the drift event on {@code policy.v1},
 * leaving the common thresholds (the other camera's) as they were; {@code /v1/stats/accuracy}, {@code /metrics} and
 * the stats page (its events list, and a marker on its timeline) say the same.
 *
 * <p>The worker labelled every frame of both cameras (MODEL labels on labels.v1, each frame in frames.v1): the labels
 * the changed camera wrote between the change and its detection must come back to people as FLAGGED tasks flagged by
 * {@value LabelRecall#FLAGGED_BY}, whose answers replace them; no frame of the steady camera may come back.
 */
class CameraDriftIT {

  private static final List<String> CLASSES = List.of("red", "green", "blue");
  private static final int BEFORE = 400;
  private static final int AFTER = 200;

  @RegisterExtension
  static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  @TempDir
  static Path folder;

  private static ReviewService review;
  private static Client root;
  private static Client ada;

  @BeforeAll
  static void start() throws Exception {
    // validation predictions, all right at 0.999: the common regime starts open
    ReviewFixtures.userModel(folder, "colours", CLASSES, true);
    review = ReviewService.start(ReviewConfig.from(new Env(Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers(),
        "HTTP_HOST", "127.0.0.1",
        "REVIEW_PORT", "0",
        "REVIEW_POLICY_INTERVAL_MS", "200",
        "LABELSTREAM_MODEL_DIR", folder.toString(),
        "REVIEW_TOKENS", "root:root-secret-token:admin,ada:ada-secret-token:reviewer"))));
    await().atMost(Duration.ofSeconds(30)).until(review::ready);
    root = new Client(review.port(), "root-secret-token");
    ada = new Client(review.port(), "ada-secret-token");
  }

  @AfterAll
  static void stop() {
    if (review != null) {
      review.close();
    }
  }

  @Test
  void shouldCloseTheCameraWhoseScoresCollapsedAndKeepTheCommonThresholds() throws Exception {
    Random random = new Random(16);
    List<Prediction> ordinary = new ArrayList<>();
    for (int i = 0; i < BEFORE; i++) {
      ordinary.add(prediction("a-" + i, "dock", "cam-1", 0.5 + 0.1 * random.nextDouble(), i));
      ordinary.add(prediction("b-" + i, "dock", "cam-2", 0.9 + 0.1 * random.nextDouble(), i));
    }
    framed(ordinary);
    send(Topics.PREDICTIONS, ordinary, Prediction::getFrameId);
    send(Topics.LABELS, ordinary.stream().map(CameraDriftIT::modelLabel).toList(), Label::getFrameId);
    // a person's label now, before the change, and one after it: the page's timeline then spans the event
    send(Topics.LABELS, List.of(label("a-0")), Label::getFrameId);
    Policy before = await().atMost(Duration.ofSeconds(30))
        .until(CameraDriftIT::publishedPolicy, p -> p != null && p.getFramesSeen() == 2 * BEFORE);
    assertThat(before.getThresholds()).as("open on the validation predictions").noneMatch(PolicyThresholds::isClosed);
    assertThat(before.getCameras()).isEmpty();
    assertThat(before.getDriftEvents()).isEmpty();

    List<Prediction> collapsed = new ArrayList<>();
    for (int i = BEFORE; i < BEFORE + AFTER; i++) {
      collapsed.add(prediction("a-" + i, "dock", "cam-1", 0.5 + 0.1 * random.nextDouble(), i));
      collapsed.add(prediction("b-" + i, "dock", "cam-2", 0.7 + 0.1 * random.nextDouble(), i));
    }
    framed(collapsed);
    send(Topics.PREDICTIONS, collapsed, Prediction::getFrameId);
    Policy after = await().atMost(Duration.ofSeconds(30))
        .until(CameraDriftIT::publishedPolicy, p -> p != null && p.getFramesSeen() == 2 * (BEFORE + AFTER));
    // labels.v1 is read apart from predictions.v1: these labels arrive after the change was detected, so its recall
    // must wait for them
    send(Topics.LABELS, collapsed.stream().map(CameraDriftIT::modelLabel).toList(), Label::getFrameId);
    send(Topics.LABELS, List.of(label("a-1")), Label::getFrameId);

    assertThat(after.getCameras()).hasSize(1);
    CameraPolicy camera = after.getCameras().get(0);
    assertThat(camera.getDeviceId()).isEqualTo("dock");
    assertThat(camera.getCameraId()).isEqualTo("cam-2");
    assertThat(camera.getThresholds()).hasSize(CLASSES.size()).allMatch(PolicyThresholds::isClosed);
    assertThat(camera.getRegime()).isPositive();
    assertThat(camera.getAuditRate()).isEqualTo(0.15);
    assertThat(camera.getRegimeStartFrame()).isGreaterThan(2L * BEFORE);
    assertThat(after.getDriftEvents()).hasSize(1);
    DriftEventRecord event = after.getDriftEvents().get(0);
    assertThat(event.getScope()).isEqualTo("dock/cam-2");
    assertThat(event.getSignal()).isEqualTo("score");
    assertThat(event.getDirection()).isEqualTo("down");
    assertThat(event.getRegime()).isEqualTo(camera.getRegime());
    assertThat(event.getChangePointFrame()).isBetween(2L * BEFORE - 20, event.getDetectedAtFrame());
    assertThat(after.getThresholds()).as("the other camera's thresholds").isEqualTo(before.getThresholds());
    assertThat(after.getRegime()).isZero();
    assertThat(after.getAuditRate()).isZero();

    JsonNode accuracy = root.json(root.get("/v1/stats/accuracy"));
    assertThat(accuracy.get("regime").get("regime").asInt()).isZero();
    assertThat(accuracy.get("cameras")).hasSize(1);
    assertThat(accuracy.get("cameras").get(0).get("camera").asText()).isEqualTo("dock/cam-2");
    assertThat(accuracy.get("cameras").get(0).get("thresholds").get(0).isNull()).as("closed").isTrue();
    assertThat(accuracy.get("driftEvents").get(0).get("detectedAtFrame").asLong()).isEqualTo(event.getDetectedAtFrame());
    assertThat(root.json(root.get("/v1/stats")).get("policy").get("driftEvents")).hasSize(1);
    String metrics = new Client(review.port(), null).get("/metrics").body();
    String events = "labelstream_review_policy_drift_events_total";
    assertThat(metrics)
        .contains(events + "{scope=\"camera\",service=\"review\",signal=\"score\"} 1.0")
        .contains(events + "{scope=\"all\",service=\"review\",signal=\"score\"} 0.0")
        .contains("labelstream_review_policy_cameras_own_regime{service=\"review\"} 1.0")
        .contains("labelstream_review_policy_regime{service=\"review\"} 0.0")
        .doesNotContain("cam-2");
    int recalled = accuracy.get("driftEvents").get(0).get("recalledLabels").asInt();
    assertThat(recalled).as("the sure camera's labels since the change began").isPositive();
    shouldSendTheRecalledLabelsBackToPeople(recalled);
    shouldListTheEventAndMarkItOnTheStatsPage(recalled);
  }

  /**
   * Every recalled label (those the event recalled, and those written under the old thresholds after it) comes back
   * as a FLAGGED task a reviewer can claim (with its image, read again from frames.v1) and answer; the answer replaces
   * the model's label. Nothing else is in the queue: no frame of the steady camera came back.
   */
  private void shouldSendTheRecalledLabelsBackToPeople(int recalled) throws Exception {
    List<String> answered = new ArrayList<>();
    // the worker here kept labelling cam-2 under the old thresholds after the alarm: those labels come back too, as
    // they arrive (how many depends on how the partitions interleaved), so the queue is drained until it stays empty
    HttpResponse<String> claim = await().atMost(Duration.ofSeconds(30)).until(ada::claim, r -> r.statusCode() == 200);
    while (claim.statusCode() == 200) {
      JsonNode task = ada.json(claim);
      String frameId = task.get("frameId").asText();
      assertThat(frameId).as("a frame of the camera that changed").startsWith("b-");
      assertThat(task.get("suggestion").get("label").asText()).as("the recalled model label")
          .isEqualTo(CLASSES.get(classOf(frameId)));
      assertThat(ada.getBytes(task.get("imageUrl").asText()).body()).isEqualTo(image(frameId));
      String answer = CLASSES.get((classOf(frameId) + 1) % CLASSES.size());
      assertThat(ada.submit(task.get("taskId").asText(), answer).statusCode()).isEqualTo(200);
      answered.add(frameId);
      claim = claimWithin(Duration.ofSeconds(2));
    }
    assertThat(answered).doesNotHaveDuplicates();
    assertThat(answered.size()).as("the event's recall and the late labels").isGreaterThan(recalled + AFTER / 2);
    assertThat(answered).as("every label written well after the alarm")
        .containsAll(IntStream.range(BEFORE + AFTER / 2, BEFORE + AFTER).mapToObj(i -> "b-" + i).toList());
    int sent = answered.size();

    JsonNode flags = root.json(root.get("/v1/admin/flags"));
    assertThat(flags).hasSize(sent).allSatisfy(flag -> {
      assertThat(flag.get("flaggedBy").asText()).isEqualTo(LabelRecall.FLAGGED_BY);
      assertThat(flag.get("reason").asText()).startsWith("drift: score down on dock/cam-2 since frame ");
    });
    assertThat(flags.findValuesAsText("frameId")).containsExactlyInAnyOrderElementsOf(answered);
    for (String frameId : answered) {
      await().atMost(Duration.ofSeconds(10)).until(() -> root.json(root.get("/v1/labels/" + frameId)).get("source")
          .asText().equals("HUMAN"));
    }
    String metrics = new Client(review.port(), null).get("/metrics").body();
    String counted = "labelstream_review_recalled_labels_total";
    assertThat(metrics)
        .contains(counted + "{outcome=\"sent\",service=\"review\"} " + sent + ".0")
        .contains(counted + "{outcome=\"skipped\",service=\"review\"} 0.0")
        .contains(counted + "{outcome=\"dropped\",service=\"review\"} 0.0")
        .contains(counted + "{outcome=\"failed\",service=\"review\"} 0.0");
  }

  /** The next task, or the 204 of an empty queue once it has stayed empty for {@code quiet}. */
  private static HttpResponse<String> claimWithin(Duration quiet) throws Exception {
    long until = System.nanoTime() + quiet.toNanos();
    HttpResponse<String> claim = ada.claim();
    while (claim.statusCode() == 204 && System.nanoTime() < until) {
      Thread.sleep(100);
      claim = ada.claim();
    }
    return claim;
  }

  private void shouldListTheEventAndMarkItOnTheStatsPage(int recalled) {
    // On a developer machine without Chromium this part is skipped; on CI (which installs it) it must run.
    Path chromium = RequiredTool.CHROMIUM.path();
    Path chromedriver = RequiredTool.CHROMEDRIVER.path();
    await().atMost(Duration.ofSeconds(20)).until(() -> root.json(root.get("/v1/stats/classes")).get("total").asLong()
        == 2 * (BEFORE + AFTER));
    WebDriver browser = HeadlessChrome.open(chromium, chromedriver, 1100, 2600);
    try {
      WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
      browser.get("http://127.0.0.1:" + review.port() + "/stats");
      browser.findElement(By.id("token")).sendKeys("root-secret-token", Keys.ENTER);
      wait.until(ExpectedConditions.attributeToBe(By.id("charts"), "data-state", "ready"));

      assertThat(browser.findElements(By.cssSelector("#drift-events tr.drift-event"))).hasSize(1);
      assertThat(browser.findElement(By.cssSelector("#drift-events tr.drift-event")).getText())
          .contains("dock/cam-2", "score down", recalled + " model label(s) back to people");
      assertThat(browser.findElement(By.id("drift-note")).getText()).contains("Regime 0", "1 camera(s)");
      assertThat(browser.findElements(By.cssSelector("#share-chart g.drift-marker line.drift-line"))).hasSize(1);
      assertThat(browser.findElement(By.cssSelector("#share-chart g.drift-marker text")).getText())
          .isEqualTo("dock/cam-2 score");
    } finally {
      browser.quit();
    }
  }

  private static Label label(String frameId) {
    return Label.newBuilder().setFrameId(frameId).setLabel(CLASSES.get(0)).setClassIndex(0)
        .setSource(LabelSource.HUMAN).setReviewerIds(List.of("ada")).setLabelledAt(Instant.now()).build();
  }

  /** The worker's MODEL label of a frame it labelled. */
  private static Label modelLabel(Prediction p) {
    return Label.newBuilder().setFrameId(p.getFrameId()).setLabel(p.getLabel()).setClassIndex(p.getClassIndex())
        .setSource(LabelSource.MODEL).setConfidence(p.getScore()).setModelName(p.getModelName())
        .setModelVersion(p.getModelVersion()).setLabelledAt(Instant.now()).build();
  }

  /** Writes each frame's image to frames.v1, as the fleet did, and points its prediction at it. */
  private static void framed(List<Prediction> predictions) throws Exception {
    try (KafkaProducer<String, Frame> producer = new KafkaProducer<>(
        ReviewFixtures.producerConfig(KAFKA.bootstrapServers()),
        Topics.FRAMES.keySerde().serializer(), Topics.FRAMES.valueSerde().serializer())) {
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      for (Prediction p : predictions) {
        Frame frame = Frame.newBuilder(FleetFrameProducer.frame(p.getDeviceId(), p.getCameraId(), null, "image/png",
            image(p.getFrameId()), 28, 28, null)).setFrameId(p.getFrameId()).build();
        sent.add(producer.send(new ProducerRecord<>(Topics.FRAMES.name(), frame.getFrameId(), frame)));
      }
      for (int i = 0; i < predictions.size(); i++) {
        RecordMetadata at = sent.get(i).get();
        predictions.get(i).setSourcePartition(at.partition());
        predictions.get(i).setSourceOffset(at.offset());
      }
    }
  }

  private static byte[] image(String frameId) {
    return ReviewFixtures.samplePng(Math.floorMod(frameId.hashCode(), 50));
  }

  private static int classOf(String frameId) {
    return Math.floorMod(frameId.hashCode(), CLASSES.size());
  }

  /** The worker labelled every frame (MODEL_LABEL, not audited): the policy's thresholds were open. */
  private static Prediction prediction(String frameId, String device, String camera, double score, int second) {
    int classIndex = classOf(frameId);
    return Prediction.newBuilder().setFrameId(frameId).setModelName("colours").setModelVersion("1.0.0")
        .setClassIndex(classIndex).setLabel(CLASSES.get(classIndex))
        .setTopK(List.of(new ClassProbability(classIndex, CLASSES.get(classIndex), score))).setMaxProbability(score)
        .setMargin(score / 2).setEntropy(0.5).setScore(score).setThreshold(0.5).setRoute(Route.MODEL_LABEL)
        .setAudited(false).setPredictedAt(Instant.parse("2026-03-02T10:00:00Z").plusSeconds(second))
        .setDeviceId(device).setCameraId(camera).build();
  }

  private static <V> void send(Topic<String, V> topic, List<V> values, java.util.function.Function<V, String> key)
      throws Exception {
    try (KafkaProducer<String, V> producer = new KafkaProducer<>(
        ReviewFixtures.producerConfig(KAFKA.bootstrapServers()),
        topic.keySerde().serializer(), topic.valueSerde().serializer())) {
      for (V value : values) {
        producer.send(new ProducerRecord<>(topic.name(), key.apply(value), value));
      }
      producer.flush();
    }
  }

  private static Policy publishedPolicy() {
    List<ConsumerRecord<String, byte[]>> records = TopicRecords.readAll(KAFKA.bootstrapServers(), Topics.POLICY.name());
    return records.isEmpty() ? null : Topics.POLICY.valueSerde().deserializer()
        .deserialize(Topics.POLICY.name(), records.get(records.size() - 1).value());
  }
}
