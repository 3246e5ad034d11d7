package io.labelstream.inference.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.labelstream.inference.InferenceService;
import io.labelstream.inference.InferenceToolkit;
import io.labelstream.inference.Samples;
import io.labelstream.inference.config.InferenceConfig;
import io.labelstream.inference.image.FrameDecoder;
import io.labelstream.inference.image.InputStatistics;
import io.labelstream.inference.model.ModelCard;
import io.labelstream.kafka.embedded.EmbeddedKafkaExtension;
import io.labelstream.kafka.embedded.TopicRecords;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.kafka.KafkaClients;
import io.labelstream.platform.model.ModelFolder;
import io.labelstream.schemas.FleetFrameProducer;
import io.labelstream.schemas.PolicyThresholds;
import io.labelstream.schemas.TaskIds;
import io.labelstream.schemas.Topic;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.AccuracyBound;
import io.labelstream.schemas.avro.CameraPolicy;
import io.labelstream.schemas.avro.InputStats;
import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.Policy;
import io.labelstream.schemas.avro.Prediction;
import io.labelstream.schemas.avro.ReviewReason;
import io.labelstream.schemas.avro.ReviewRequest;
import io.labelstream.schemas.avro.Route;
import io.labelstream.schemas.avro.UsualInputs;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A worker without a pinned threshold follows the published policy, and audits a share of its model labels; a camera
 * the policy names is routed by its own thresholds and audit-rate floor, and a camera's frames outside its usual inputs
 * go to people. The tests run in order: the first needs a worker that has no policy yet.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PolicyRoutingIT {

  @RegisterExtension
  static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  private static InferenceService inference;
  private static FleetFrameProducer fleet;

  @BeforeAll
  static void start() {
    inference = InferenceService.start(InferenceConfig.from(new Env(Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers(),
        "HTTP_HOST", "127.0.0.1",
        "INFERENCE_PORT", "0",
        "INFERENCE_POLICY_WAIT_SECONDS", "1",
        "INFERENCE_AUDIT_RATE", "0.25"))));
    fleet = new FleetFrameProducer(Map.of("bootstrap.servers", KAFKA.bootstrapServers()));
  }

  @AfterAll
  static void stop() {
    fleet.close();
    inference.close();
  }

  @Test
  @Order(1)
  void shouldSendEverythingToPeopleUntilAPolicyArrivesThenFollowItAndAuditItsLabels() throws Exception {
    List<String> before = send("before", 0, 10);
    await().atMost(Duration.ofSeconds(60)).until(() -> predicted(before) == before.size());
    assertThat(values(Topics.LABELS)).noneMatch(l -> before.contains(l.getFrameId()));

    publishPolicy(0.0, List.of());
    await().atMost(Duration.ofSeconds(30)).until(inference::hasPolicy);
    List<String> after = send("after", 10, 200);
    await().atMost(Duration.ofSeconds(60)).until(() -> predicted(after) == after.size());

    List<Prediction> predictions = values(Topics.PREDICTIONS).stream().filter(p -> after.contains(p.getFrameId())).toList();
    List<Label> labels = values(Topics.LABELS).stream().filter(l -> after.contains(l.getFrameId())).toList();
    List<ReviewRequest> audits = values(Topics.REVIEW_REQUESTS).stream().filter(r -> after.contains(r.getFrameId())).toList();
    assertThat(predictions).allMatch(p -> p.getRoute() == Route.MODEL_LABEL && p.getThreshold() == 0.0);
    assertThat(labels).hasSize(after.size());
    assertThat(audits).allMatch(r -> r.getReason() == ReviewReason.AUDIT
        && r.getTaskId().equals(TaskIds.of(r.getFrameId(), ReviewReason.AUDIT)));
    assertThat(audits).extracting(ReviewRequest::getFrameId)
        .containsExactlyInAnyOrderElementsOf(predictions.stream().filter(Prediction::getAudited).map(Prediction::getFrameId).toList());
    // 25% of 200 is 50; a binomial(200, 0.25) lies within 25..75 with overwhelming probability.
    assertThat(audits.size()).isBetween(25, 75);
  }

  @Test
  @Order(2)
  void shouldRouteACameraThePolicyNamesByItsOwnThresholdsAndAuditFloorAndEveryOtherCameraByTheCommonOnes()
      throws Exception {
    // car-1/rear changed: closed, all to people; car-1/front re-establishes its bound: every model label audited.
    publishPolicy(0.0, List.of(camera("car-1", "rear", PolicyThresholds.CLOSED, 0.0),
        camera("car-1", "front", 0.0, 1.0)));
    WorkerOutputs outputs = new WorkerOutputs(KAFKA.bootstrapServers(), inference::port);
    await().atMost(Duration.ofSeconds(30)).until(() -> new ObjectMapper().readTree(outputs.get("/v1/policy").body())
        .get("cameras").size() == 2);
    List<String> rear = send("car-1", "rear", "rear", 300, 20);
    List<String> front = send("car-1", "front", "front", 320, 20);
    List<String> other = send("car-2", null, "other", 340, 40);
    List<String> all = new ArrayList<>(rear);
    all.addAll(front);
    all.addAll(other);
    await().atMost(Duration.ofSeconds(60)).until(() -> predicted(all) == all.size());

    Map<String, Prediction> predictions = outputs.predictions(all);
    Map<String, ReviewRequest> requests = outputs.reviewRequests(all).stream()
        .collect(Collectors.toMap(ReviewRequest::getFrameId, r -> r));
    List<String> labelled = outputs.labels(all).stream().map(Label::getFrameId).toList();
    assertThat(rear).allSatisfy(id -> {
      assertThat(predictions.get(id).getRoute()).isEqualTo(Route.REVIEW);
      assertThat(predictions.get(id).getThreshold()).isEqualTo(PolicyThresholds.CLOSED);
      assertThat(requests.get(id).getReason()).isEqualTo(ReviewReason.LOW_CONFIDENCE);
    });
    assertThat(labelled).doesNotContainAnyElementsOf(rear);
    assertThat(front).allSatisfy(id -> {
      assertThat(predictions.get(id).getRoute()).isEqualTo(Route.MODEL_LABEL);
      assertThat(predictions.get(id).getAudited()).isTrue();
      assertThat(requests.get(id).getReason()).isEqualTo(ReviewReason.AUDIT);
    });
    assertThat(labelled).containsAll(front);
    // The other camera keeps the common thresholds and the worker's own audit draw (25%).
    Predicate<String> workerDraw = InferenceToolkit.auditDraw(0.25);
    assertThat(other).allSatisfy(id -> {
      assertThat(predictions.get(id).getRoute()).isEqualTo(Route.MODEL_LABEL);
      assertThat(predictions.get(id).getThreshold()).isEqualTo(0.0);
      assertThat(predictions.get(id).getAudited()).isEqualTo(workerDraw.test(id));
    });
    assertThat(labelled).containsAll(other);
    assertThat(other).anyMatch(workerDraw.negate());

    // Every prediction names its frame's camera and carries what the model saw, as the decoder measures it.
    FrameDecoder decoder = new FrameDecoder(ModelCard.read(ModelFolder.bundled()).input());
    assertThat(rear).allMatch(id -> "car-1".equals(predictions.get(id).getDeviceId())
        && "rear".equals(predictions.get(id).getCameraId()));
    assertThat(front).allMatch(id -> "front".equals(predictions.get(id).getCameraId()));
    assertThat(other).allMatch(id -> "car-2".equals(predictions.get(id).getDeviceId())
        && predictions.get(id).getCameraId() == null);
    for (int i = 0; i < rear.size(); i++) {
      InputStatistics seen = decoder.decodeMeasured(Samples.png(300 + i)).statistics();
      assertThat(predictions.get(rear.get(i)).getInputStats())
          .isEqualTo(new InputStats(seen.brightness(), seen.contrast(), seen.sharpness(), seen.colourfulness(), 1.0));
    }
  }

  @Test
  @Order(3)
  void shouldSendEveryFrameOutsideItsCamerasUsualInputsToPeopleAndLeaveOtherCamerasAlone() throws Exception {
    double inf = Double.POSITIVE_INFINITY;
    // car-5's usual frames were all but flat: every real frame is sharper, so none of its frames is usual. (Four
    // bounds, as a review service wrote them before JPEG quality was measured: the fifth is unbounded.)
    UsualInputs flat = UsualInputs.newBuilder().setDeviceId("car-5").setCameraId("dash")
        .setLow(List.of(-inf, -inf, -inf, -inf)).setHigh(List.of(inf, inf, 0.0001, inf)).build();
    // Low and high bounds that do not pair: which statistic a bound is of cannot be told, so none applies.
    UsualInputs wrongLength = UsualInputs.newBuilder().setDeviceId("car-6").setCameraId(null)
        .setLow(List.of(-inf)).setHigh(List.of(0.0, 0.0)).build();
    publishPolicy(0.0, List.of(), List.of(flat, wrongLength));
    WorkerOutputs outputs = new WorkerOutputs(KAFKA.bootstrapServers(), inference::port);
    await().atMost(Duration.ofSeconds(30)).until(() -> new ObjectMapper().readTree(outputs.get("/v1/policy").body())
        .get("usualInputs").size() == 1);
    assertThat(new ObjectMapper().readTree(outputs.get("/v1/policy").body()).get("usualInputs").get(0).get("high")
        .get(0).asText()).isEqualTo("Infinity");
    List<String> flatCamera = send("car-5", "dash", "dash", 400, 20);
    List<String> wrongCamera = send("car-6", null, "wrong", 420, 20);
    List<String> sameDevice = send("car-5", null, "same-device", 440, 20);
    List<String> all = new ArrayList<>(flatCamera);
    all.addAll(wrongCamera);
    all.addAll(sameDevice);
    await().atMost(Duration.ofSeconds(60)).until(() -> predicted(all) == all.size());

    Map<String, Prediction> predictions = outputs.predictions(all);
    Map<String, ReviewRequest> requests = outputs.reviewRequests(all).stream()
        .collect(Collectors.toMap(ReviewRequest::getFrameId, r -> r));
    List<String> labelled = outputs.labels(all).stream().map(Label::getFrameId).toList();
    // Thresholds of 0 would label them all; their sharpness is what sends them to people.
    assertThat(flatCamera).allSatisfy(id -> {
      Prediction p = predictions.get(id);
      assertThat(p.getInputStats().getSharpness()).isGreaterThan(0.0001);
      assertThat(p.getThreshold()).isEqualTo(0.0);
      assertThat(p.getRoute()).isEqualTo(Route.REVIEW);
      assertThat(p.getAudited()).isFalse();
      assertThat(requests.get(id).getReason()).isEqualTo(ReviewReason.LOW_CONFIDENCE);
    });
    assertThat(labelled).doesNotContainAnyElementsOf(flatCamera);
    List<String> ungated = new ArrayList<>(wrongCamera);
    ungated.addAll(sameDevice);
    assertThat(ungated).allMatch(id -> predictions.get(id).getRoute() == Route.MODEL_LABEL);
    assertThat(labelled).containsAll(ungated);
  }

  private static List<String> send(String prefix, int from, int count) throws InterruptedException {
    return send("cam", null, prefix, from, count);
  }

  private static List<String> send(String deviceId, String cameraId, String prefix, int from, int count)
      throws InterruptedException {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add(fleet.send(deviceId, cameraId, prefix + "-" + i, "image/png", Samples.png((from + i) % 1000), 28, 28));
    }
    return ids;
  }

  private static CameraPolicy camera(String deviceId, String cameraId, double threshold, double auditRate) {
    return CameraPolicy.newBuilder().setDeviceId(deviceId).setCameraId(cameraId)
        .setThresholds(new ArrayList<>(Collections.nCopies(10, threshold)))
        .setOverall(new AccuracyBound(0.995, 0.99, 0L, 1.0, 0.99)).setAuditRate(auditRate).setRegime(1)
        .setRegimeStartFrame(210).build();
  }

  private static long predicted(List<String> ids) {
    return values(Topics.PREDICTIONS).stream().map(Prediction::getFrameId).filter(ids::contains).distinct().count();
  }

  private static void publishPolicy(double threshold, List<CameraPolicy> cameras) throws Exception {
    publishPolicy(threshold, cameras, List.of());
  }

  private static void publishPolicy(double threshold, List<CameraPolicy> cameras, List<UsualInputs> usual)
      throws Exception {
    AccuracyBound bound = new AccuracyBound(0.995, 0.99, 0L, 1.0, 0.99);
    Policy policy = Policy.newBuilder()
        .setModelName("fashion-mnist-ensemble")
        .setModelVersion(inferenceModelVersion())
        .setThresholds(new ArrayList<>(Collections.nCopies(10, threshold)))
        .setOverall(bound)
        .setPerClass(new ArrayList<>(Collections.nCopies(10, bound)))
        .setTarget(0.99).setConfidence(0.95).setClassTarget(0.97).setValidationTrusted(true)
        .setFramesSeen(0).setAudits(0).setAuditsAnswered(0).setComputedAt(Instant.now())
        .setCameras(cameras)
        .setUsualInputs(usual)
        .build();
    try (KafkaProducer<String, Policy> producer = new KafkaProducer<>(KafkaClients.at(KAFKA.bootstrapServers(), "test", null).producer("policy"),
        Topics.POLICY.keySerde().serializer(), Topics.POLICY.valueSerde().serializer())) {
      producer.send(new ProducerRecord<>(Topics.POLICY.name(), policy.getModelName(), policy)).get();
    }
  }

  private static String inferenceModelVersion() throws Exception {
    return new ObjectMapper().readTree(
        PolicyRoutingIT.class.getResourceAsStream("/model/fashion-mnist-ensemble.card.json")).get("version").asText();
  }

  private static <V> List<V> values(Topic<String, V> topic) {
    return TopicRecords.readAll(KAFKA.bootstrapServers(), topic.name()).stream()
        .map(r -> topic.valueSerde().deserializer().deserialize(topic.name(), r.value()))
        .toList();
  }
}
