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
import io.labelstream.schemas.PolicyThresholds;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.Policy;
import io.labelstream.schemas.avro.ReviewRequest;
import io.labelstream.schemas.avro.ReviewResult;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's own model, named by LABELSTREAM_MODEL_DIR alone: a folder with {@code colours.onnx} (a placeholder: review
 * never runs the model) and a card of three classes, and no validation predictions. Everything the review service
 * says about classes comes from that card, and the policy starts closed.
 */
class UserModelIT {

  private static final List<String> CLASSES = List.of("red", "green", "blue");

  @RegisterExtension
  static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  @TempDir
  static Path folder;

  private static ReviewService review;
  private static Client ada;
  private static Client root;

  @BeforeAll
  static void start() throws Exception {
    ReviewFixtures.userModel(folder, "colours", CLASSES, false);
    review = ReviewService.start(ReviewConfig.from(new Env(Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers(),
        "HTTP_HOST", "127.0.0.1",
        "REVIEW_PORT", "0",
        "REVIEW_POLICY_INTERVAL_MS", "200",
        "LABELSTREAM_MODEL_DIR", folder.toString(),
        "REVIEW_TOKENS", "ada:ada-secret-token:reviewer,root:root-secret-token:admin"))));
    await().atMost(Duration.ofSeconds(30)).until(review::ready);
    ada = new Client(review.port(), "ada-secret-token");
    root = new Client(review.port(), "root-secret-token");
  }

  @AfterAll
  static void stop() {
    if (review != null) {
      review.close();
    }
  }

  @Test
  void shouldStartWithThePolicyClosedForEveryClassOfTheCard() throws Exception {
    JsonNode accuracy = root.json(root.get("/v1/stats/accuracy"));

    assertThat(accuracy.get("validationTrusted").asBoolean()).isFalse();
    assertThat(accuracy.get("classes")).hasSize(3);
    List<String> named = new ArrayList<>();
    accuracy.get("classes").forEach(row -> {
      named.add(row.get("class").asText());
      assertThat(row.get("closed").asBoolean()).as(row.toString()).isTrue();
      assertThat(row.get("threshold").isNull()).isTrue();
    });
    assertThat(named).isEqualTo(CLASSES);
    // What the inference workers are told: three closed thresholds, under the card's model name.
    Policy published = await().atMost(Duration.ofSeconds(20)).until(UserModelIT::publishedPolicy, p -> p != null);
    assertThat(published.getModelName()).isEqualTo("colours");
    assertThat(published.getThresholds()).containsExactly(PolicyThresholds.CLOSED, PolicyThresholds.CLOSED,
        PolicyThresholds.CLOSED);
  }

  @Test
  void shouldOfferTheCardsClassesAndAcceptOnlyThose() throws Exception {
    String frameId = ReviewFixtures.newFrameId();
    ReviewRequest request = ReviewFixtures.request(frameId, "colours", 1, "green", 0.6, 3);
    ReviewFixtures.produce(KAFKA.bootstrapServers(), request);
    HttpResponse<String> claimed = await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
        .until(ada::claim, r -> r.statusCode() == 200);

    JsonNode task = ada.json(claimed);
    List<String> offered = new ArrayList<>();
    task.get("classes").forEach(c -> offered.add(c.asText()));
    assertThat(offered).isEqualTo(CLASSES);
    assertThat(task.get("suggestion").get("label").asText()).isEqualTo("green");

    // Index 3 does not exist in this model: the bundled model's fourth class is no class here.
    HttpResponse<String> outside = ada.submit(request.getTaskId(), "Dress");
    assertThat(outside.statusCode()).as(outside.body()).isEqualTo(400);
    assertThat(ada.json(outside).get("error").asText()).isEqualTo("unknown_class");
    assertThat(ada.json(outside).get("message").asText()).contains("[red, green, blue]");
    HttpResponse<String> blue = ada.submit(request.getTaskId(), "blue");
    assertThat(blue.statusCode()).as(blue.body()).isEqualTo(200);

    ReviewResult result = await().atMost(Duration.ofSeconds(20)).until(() -> resultFor(frameId), r -> r != null);
    assertThat(result.getLabel()).isEqualTo("blue");
    assertThat(result.getClassIndex()).isEqualTo(2);
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      JsonNode classes = root.json(root.get("/v1/stats/classes"));
      List<String> named = new ArrayList<>();
      classes.get("classes").forEach(row -> named.add(row.get("class").asText()));
      assertThat(named).isEqualTo(CLASSES);
      assertThat(classes.get("classes").get(2).get("human").asLong()).isEqualTo(1);
      assertThat(classes.get("human").asLong()).isEqualTo(1);
    });
  }

  private static Policy publishedPolicy() {
    List<ConsumerRecord<String, byte[]>> records = TopicRecords.readAll(KAFKA.bootstrapServers(), Topics.POLICY.name());
    return records.isEmpty() ? null : Topics.POLICY.valueSerde().deserializer()
        .deserialize(Topics.POLICY.name(), records.get(records.size() - 1).value());
  }

  private static ReviewResult resultFor(String frameId) {
    return TopicRecords.readAll(KAFKA.bootstrapServers(), Topics.REVIEW_RESULTS.name()).stream()
        .filter(r -> frameId.equals(r.key())).findFirst()
        .map(r -> Topics.REVIEW_RESULTS.valueSerde().deserializer().deserialize(Topics.REVIEW_RESULTS.name(), r.value()))
        .orElse(null);
  }
}
