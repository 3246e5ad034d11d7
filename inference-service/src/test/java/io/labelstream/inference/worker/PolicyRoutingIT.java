package io.labelstream.inference.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labelstream.inference.InferenceService;
import io.labelstream.inference.Samples;
import io.labelstream.inference.config.InferenceConfig;
import io.labelstream.kafka.embedded.EmbeddedKafkaExtension;
import io.labelstream.kafka.embedded.TopicRecords;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.kafka.KafkaClients;
import io.labelstream.schemas.FleetFrameProducer;
import io.labelstream.schemas.TaskIds;
import io.labelstream.schemas.Topic;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.AccuracyBound;
import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.Policy;
import io.labelstream.schemas.avro.Prediction;
import io.labelstream.schemas.avro.ReviewReason;
import io.labelstream.schemas.avro.ReviewRequest;
import io.labelstream.schemas.avro.Route;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A worker without a pinned threshold follows the published policy, and audits a share of its model labels. */
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
  void shouldSendEverythingToPeopleUntilAPolicyArrivesThenFollowItAndAuditItsLabels() throws Exception {
    List<String> before = send("before", 0, 10);
    await().atMost(Duration.ofSeconds(60)).until(() -> predicted(before) == before.size());
    assertThat(values(Topics.LABELS)).noneMatch(l -> before.contains(l.getFrameId()));

    publishPolicy(0.0);
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

  private static List<String> send(String prefix, int from, int count) throws InterruptedException {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add(fleet.send("cam", null, prefix + "-" + i, "image/png", Samples.png((from + i) % 1000), 28, 28));
    }
    return ids;
  }

  private static long predicted(List<String> ids) {
    return values(Topics.PREDICTIONS).stream().map(Prediction::getFrameId).filter(ids::contains).distinct().count();
  }

  private static void publishPolicy(double threshold) throws Exception {
    AccuracyBound bound = new AccuracyBound(0.995, 0.99, 0L, 1.0);
    Policy policy = Policy.newBuilder()
        .setModelName("fashion-mnist-ensemble")
        .setModelVersion(inferenceModelVersion())
        .setThresholds(new ArrayList<>(Collections.nCopies(10, threshold)))
        .setOverall(bound)
        .setPerClass(new ArrayList<>(Collections.nCopies(10, bound)))
        .setTarget(0.99).setConfidence(0.95).setClassTarget(0.97).setValidationTrusted(true)
        .setFramesSeen(0).setAudits(0).setAuditsAnswered(0).setComputedAt(Instant.now())
        .build();
    try (KafkaProducer<String, Policy> producer = new KafkaProducer<>(KafkaClients.at(KAFKA.bootstrapServers(), "test", null).producer("policy"),
        Topics.POLICY.keySerde().serializer(), Topics.POLICY.valueSerde().serializer())) {
      producer.send(new ProducerRecord<>(Topics.POLICY.name(), policy.getModelName(), policy)).get();
    }
  }

  private static String inferenceModelVersion() throws Exception {
    return new com.fasterxml.jackson.databind.ObjectMapper().readTree(
        PolicyRoutingIT.class.getResourceAsStream("/model/fashion-mnist-ensemble.card.json")).get("version").asText();
  }

  private static <V> List<V> values(Topic<String, V> topic) {
    return TopicRecords.readAll(KAFKA.bootstrapServers(), topic.name()).stream()
        .map(r -> topic.valueSerde().deserializer().deserialize(topic.name(), r.value()))
        .toList();
  }
}
