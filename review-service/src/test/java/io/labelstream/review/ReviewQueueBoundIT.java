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
import io.labelstream.schemas.avro.ReviewResult;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A sender floods review with low-confidence frames: the queue opens REVIEW_MAX_OPEN_TASKS of them, the rest wait in
 * Kafka and are taken in, in order, as answers make room, across a second instance, a leader change and a restart.
 */
class ReviewQueueBoundIT {

  private static final int LIMIT = 5;
  private static final int REQUESTS = 20;

  @RegisterExtension
  static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  @Test
  void shouldKeepAFloodOfReviewRequestsWaitingInKafkaBeyondTheOpenTaskLimitAndLoseNone() throws Exception {
    TopicProvisioner.ensureTopics(KafkaSettings.from(new Env(Map.of("KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers()))));
    List<ReviewRequest> flood = new ArrayList<>();
    Instant start = Instant.parse("2026-12-01T10:00:00Z");
    for (int i = 0; i < REQUESTS; i++) {
      ReviewRequest request = ReviewFixtures.request(ReviewFixtures.newFrameId(), "Coat", 0.3, i);
      request.setRequestedAt(start.plusSeconds(i));
      flood.add(request);
    }
    produceToOnePartition(flood);
    List<String> answered = new ArrayList<>();

    ReviewService first = start("first");
    boolean firstClosed = false;
    try {
      // Ready although requests wait: they wait for room, not for the reader.
      assertThat(first.ready()).isTrue();
      await().atMost(Duration.ofSeconds(20)).until(() -> metric(first, "labelstream_review_queue_intake_paused") == 1);
      assertThat(first.openTasks()).isEqualTo(LIMIT);
      assertThat(metric(first, "labelstream_review_queue_open_limit")).isEqualTo(LIMIT);
      assertThat(metric(first, "labelstream_review_queue_open")).isEqualTo(LIMIT);
      assertThat(waiting(first)).containsExactlyElementsOf(taskIds(flood.subList(0, LIMIT)));

      answerNext(first, flood, answered, 6);

      try (ReviewService second = start("second")) {
        // A follower opens the same tasks as the leader: same records, same answers, same rule.
        await().atMost(Duration.ofSeconds(20)).until(() -> waiting(second).equals(waiting(first)));
        assertThat(waiting(second)).containsExactlyElementsOf(taskIds(flood.subList(6, 6 + LIMIT)));
        first.close(); // the leader goes: the follower takes the queue over
        firstClosed = true;
        await().atMost(Duration.ofSeconds(60)).until(second::isQueueLeader);
        answerNext(second, flood, answered, 6);
      }
    } finally {
      if (!firstClosed) {
        first.close();
      }
    }

    try (ReviewService restarted = start("third")) {
      await().atMost(Duration.ofSeconds(20)).until(() -> restarted.openTasks() == LIMIT);
      assertThat(waiting(restarted)).containsExactlyElementsOf(taskIds(flood.subList(12, 12 + LIMIT)));
      answerNext(restarted, flood, answered, REQUESTS - 12);
      await().atMost(Duration.ofSeconds(20))
          .until(() -> metric(restarted, "labelstream_review_queue_intake_paused") == 0);
      assertThat(reviewer(restarted).claim().statusCode()).isEqualTo(204);
    }

    assertThat(answered).containsExactlyElementsOf(taskIds(flood));
    List<String> results = TopicRecords.readAll(KAFKA.bootstrapServers(), Topics.REVIEW_RESULTS.name()).stream()
        .map(r -> Topics.REVIEW_RESULTS.valueSerde().deserializer().deserialize(r.topic(), r.value()))
        .map(ReviewResult::getTaskId).toList();
    // One answer per request, none lost, none twice (results are keyed by frame, so spread over partitions).
    assertThat(results).containsExactlyInAnyOrderElementsOf(taskIds(flood));
  }

  /** Claims and answers {@code count} tasks, each the next request in the order they were written. */
  private static void answerNext(ReviewService service, List<ReviewRequest> flood, List<String> answered, int count)
      throws Exception {
    Client ada = reviewer(service);
    for (int i = 0; i < count; i++) {
      String expected = flood.get(answered.size()).getTaskId();
      // The request behind the one just answered is taken in once the answer is read back: a moment later.
      HttpResponse<String> claim = await().atMost(Duration.ofSeconds(20)).until(ada::claim, r -> r.statusCode() == 200);
      assertThat(ada.json(claim).get("taskId").asText()).isEqualTo(expected);
      assertThat(service.openTasks()).isLessThanOrEqualTo(LIMIT);
      assertThat(ada.submit(expected, "Coat").statusCode()).isEqualTo(200);
      answered.add(expected);
    }
  }

  /** The open tasks as the admin view lists them, in hand-out order. */
  private static List<String> waiting(ReviewService service) throws Exception {
    Client root = new Client(service.port(), "root-secret-token");
    List<String> ids = new ArrayList<>();
    for (JsonNode row : root.json(root.get("/v1/admin/queue")).get("tasks")) {
      ids.add(row.get("taskId").asText());
    }
    return ids;
  }

  private static Client reviewer(ReviewService service) {
    return new Client(service.port(), "ada-secret-token");
  }

  private static double metric(ReviewService service, String name) throws Exception {
    return new Client(service.port(), null).get("/metrics").body().lines()
        .filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .findFirst().orElse(Double.NaN);
  }

  private static List<String> taskIds(List<ReviewRequest> requests) {
    return requests.stream().map(ReviewRequest::getTaskId).toList();
  }

  /** All in one partition, so "in order" means one thing. */
  private static void produceToOnePartition(List<ReviewRequest> requests) throws Exception {
    try (KafkaProducer<String, ReviewRequest> producer = new KafkaProducer<>(
        ReviewFixtures.producerConfig(KAFKA.bootstrapServers()), Topics.REVIEW_REQUESTS.keySerde().serializer(),
        Topics.REVIEW_REQUESTS.valueSerde().serializer())) {
      for (ReviewRequest request : requests) {
        producer.send(new ProducerRecord<>(Topics.REVIEW_REQUESTS.name(), 0, request.getFrameId(), request)).get();
      }
    }
  }

  private static ReviewService start(String instance) {
    ReviewService service = ReviewService.start(ReviewConfig.from(new Env(Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers(),
        "HTTP_HOST", "127.0.0.1",
        "REVIEW_PORT", "0",
        "REVIEW_INSTANCE_ID", instance,
        "REVIEW_CLUSTER_TOKEN", "cluster-token-of-the-test",
        "REVIEW_QUEUE_ORDER", "fifo",
        "REVIEW_GOLD_RATE", "0",
        "REVIEW_MAX_OPEN_TASKS", String.valueOf(LIMIT),
        "REVIEW_TOKENS", "ada:ada-secret-token:reviewer,root:root-secret-token:admin"))));
    await().atMost(Duration.ofSeconds(30)).until(service::ready);
    return service;
  }
}
