package io.labelstream.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.labelstream.kafka.embedded.EmbeddedKafkaExtension;
import io.labelstream.kafka.embedded.TopicRecords;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.kafka.KafkaSettings;
import io.labelstream.platform.kafka.TopicProvisioner;
import io.labelstream.review.ReviewFixtures.Client;
import io.labelstream.review.config.ReviewConfig;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.ReviewRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The queue lives in Kafka: a restarted review service keeps every lease and offers exactly the tasks still waiting. */
class ReviewRestartIT {

  @RegisterExtension
  static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  @Test
  void shouldKeepLeasedAndQueuedTasksAcrossARestartAndForgetNoAnswer() throws Exception {
    ReviewRequest answered = ReviewFixtures.request(ReviewFixtures.newFrameId(), "Dress", 0.3, 20);
    ReviewRequest open1 = ReviewFixtures.request(ReviewFixtures.newFrameId(), "Dress", 0.5, 21);
    ReviewRequest open2 = ReviewFixtures.request(ReviewFixtures.newFrameId(), "Dress", 0.6, 22);
    TopicProvisioner.ensureTopics(KafkaSettings.from(new Env(Map.of("KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers()))));
    ReviewFixtures.produce(KAFKA.bootstrapServers(), answered, open1, open2);
    produceGarbageRequest();

    try (ReviewService first = start()) {
      Client ada = new Client(first.port(), "ada-secret-token");
      assertThat(ada.json(ada.claim()).get("taskId").asText()).isEqualTo(answered.getTaskId());
      assertThat(ada.submit(answered.getTaskId(), "Dress").statusCode()).isEqualTo(200);
      // Claimed but not answered: the lease is in Kafka, so it outlives the process.
      assertThat(ada.json(ada.claim()).get("taskId").asText()).isEqualTo(open1.getTaskId());
    }

    try (ReviewService second = start()) {
      Client ada = new Client(second.port(), "ada-secret-token");
      Client bob = new Client(second.port(), "bob-secret-token");
      // Still ada's: not offered to bob, who gets the task that was waiting.
      assertThat(bob.json(bob.claim()).get("taskId").asText()).isEqualTo(open2.getTaskId());
      assertThat(bob.claim().statusCode()).isEqualTo(204);
      assertThat(ada.claim().statusCode()).isEqualTo(204);
      assertThat(ada.submit(open1.getTaskId(), "Dress").statusCode()).isEqualTo(200);
      Client root = new Client(second.port(), "root-secret-token");
      assertThat(root.json(root.get("/v1/labels/" + answered.getFrameId())).get("label").asText()).isEqualTo("Dress");
    }

    // The unreadable request was dead-lettered once, not once per start.
    assertThat(TopicRecords.readAll(KAFKA.bootstrapServers(), Topics.REVIEW_REQUESTS_DLQ.name()))
        .filteredOn(r -> "garbage".equals(r.key())).hasSize(1);
  }

  @Test
  void shouldKeepAGoldTaskHandedOutButNotAnsweredAcrossARestart() throws Exception {
    byte[] image = ReviewFixtures.samplePng(51);
    JsonNode task;
    try (ReviewService first = start("1")) {
      Client root = new Client(first.port(), "root-secret-token");
      assertThat(addGold(root, image, "Bag").statusCode()).isEqualTo(201);
      await().atMost(Duration.ofSeconds(10)).until(() -> root.json(root.get("/v1/admin/gold")).size() == 1);
      Client dan = new Client(first.port(), "dan-secret-token");
      task = dan.json(dan.claim());
    }

    try (ReviewService second = start("1")) {
      Client dan = new Client(second.port(), "dan-secret-token");
      // The lease is in Kafka like any other: the task is still dan's, with its image and its known label.
      HttpResponse<byte[]> shown = dan.getBytes(task.get("imageUrl").asText());
      assertThat(shown.statusCode()).as(new String(shown.body(), StandardCharsets.UTF_8)).isEqualTo(200);
      assertThat(shown.body()).isEqualTo(image);
      assertThat(dan.submit(task.get("taskId").asText(), "Bag").statusCode()).isEqualTo(200);
      Client root = new Client(second.port(), "root-secret-token");
      await().atMost(Duration.ofSeconds(10)).until(() -> reviewer(root, "dan").get("gold").get("answered").asLong() == 1);
      assertThat(reviewer(root, "dan").get("gold").get("correct").asLong()).isEqualTo(1);
    }
  }

  private static JsonNode reviewer(Client admin, String name) throws Exception {
    for (JsonNode row : admin.json(admin.get("/v1/admin/reviewers"))) {
      if (name.equals(row.get("reviewer").asText())) {
        return row;
      }
    }
    throw new AssertionError("no row for reviewer " + name);
  }

  private static HttpResponse<String> addGold(Client admin, byte[] image, String label) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.port()
            + "/v1/admin/gold")).header("Authorization", "Bearer " + admin.token()).header("Content-Type", "image/png")
        .header("X-Label", label).POST(HttpRequest.BodyPublishers.ofByteArray(image)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static ReviewService start() {
    return start("0");
  }

  /** @param goldRate REVIEW_GOLD_RATE: the tests share one broker, so only the gold test hands out gold tasks */
  private static ReviewService start(String goldRate) {
    ReviewService service = ReviewService.start(ReviewConfig.from(new Env(Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers(),
        "HTTP_HOST", "127.0.0.1",
        "REVIEW_PORT", "0",
        "REVIEW_GOLD_RATE", goldRate,
        "REVIEW_TOKENS", "ada:ada-secret-token:reviewer,bob:bob-secret-token:reviewer,dan:dan-secret-token:reviewer,"
            + "root:root-secret-token:admin"))));
    await().atMost(Duration.ofSeconds(30)).until(service::ready);
    return service;
  }

  private static void produceGarbageRequest() throws Exception {
    try (var raw = new KafkaProducer<>(ReviewFixtures.producerConfig(KAFKA.bootstrapServers()),
        new StringSerializer(), new ByteArraySerializer())) {
      raw.send(new ProducerRecord<>(Topics.REVIEW_REQUESTS.name(), "garbage", "oops".getBytes(StandardCharsets.UTF_8))).get();
    }
  }
}
