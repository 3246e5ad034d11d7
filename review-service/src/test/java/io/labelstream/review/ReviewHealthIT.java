package io.labelstream.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.labelstream.kafka.embedded.EmbeddedKafkaExtension;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.kafka.KafkaSettings;
import io.labelstream.platform.kafka.TopicProvisioner;
import io.labelstream.review.config.ReviewConfig;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.Prediction;
import io.labelstream.schemas.avro.ReviewRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The state reader is what keeps the queue current: once it has died, the service is neither ready nor healthy; while
 * it rebuilds the state, {@code /readyz} and {@code /metrics} show how far it has read.
 */
class ReviewHealthIT {

  @RegisterExtension
  static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  private final HttpClient client = HttpClient.newHttpClient();

  @Test
  void shouldReportTheStateReaderDeadOnReadyzAndHealthz() throws Exception {
    try (ReviewService review = ReviewService.start(ReviewConfig.from(new Env(Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers(),
        "HTTP_HOST", "127.0.0.1",
        "REVIEW_PORT", "0",
        "REVIEW_TOKENS", "root:root-secret-token:admin"))))) {
      await().atMost(Duration.ofSeconds(30)).until(review::ready);
      assertThat(get(review, "/healthz").statusCode()).isEqualTo(200);

      // An unexpected wake-up is one of the errors that end the reader's loop.
      review.stateTailer().consumer().wakeup();

      await().atMost(Duration.ofSeconds(10)).until(() -> get(review, "/readyz").statusCode() == 503);
      assertThat(json(get(review, "/readyz")).get("notReady")).extracting(JsonNode::asText).contains("state");
      // Dead once the reader's thread has closed its clients and ended.
      await().atMost(Duration.ofSeconds(10)).until(() -> get(review, "/healthz").statusCode() == 503);
      HttpResponse<String> health = get(review, "/healthz");
      assertThat(json(health).get("dead")).extracting(JsonNode::asText).containsExactly("state");
      assertThat(review.ready()).isFalse();
    }
  }

  @Test
  void shouldShowOnReadyzAndMetricsHowFarTheRebuildHasRead() throws Exception {
    TopicProvisioner.ensureTopics(KafkaSettings.from(new Env(Map.of("KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers()))));
    ReviewRequest[] requests = new ReviewRequest[300];
    for (int i = 0; i < requests.length; i++) {
      requests[i] = ReviewFixtures.request(ReviewFixtures.newFrameId(), "Coat", 0.5, i);
    }
    ReviewFixtures.produce(KAFKA.bootstrapServers(), requests);
    // and the predictions they were made from: the state's store keeps that each frame was seen
    try (KafkaProducer<String, Prediction> producer = new KafkaProducer<>(
        ReviewFixtures.producerConfig(KAFKA.bootstrapServers()), Topics.PREDICTIONS.keySerde().serializer(),
        Topics.PREDICTIONS.valueSerde().serializer())) {
      for (ReviewRequest request : requests) {
        producer.send(new ProducerRecord<>(Topics.PREDICTIONS.name(), request.getFrameId(), request.getPrediction()));
      }
    }

    try (ReviewService review = ReviewService.start(ReviewConfig.from(new Env(Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers(),
        "HTTP_HOST", "127.0.0.1",
        "REVIEW_PORT", "0",
        "REVIEW_TOKENS", "root:root-secret-token:admin"))))) {
      await().atMost(Duration.ofSeconds(30)).until(review::ready);

      JsonNode state = json(get(review, "/readyz")).get("details").get("state");
      assertThat(state.get("offsetsToRead").asLong()).as("the requests and predictions, at least")
          .isGreaterThanOrEqualTo(600);
      assertThat(state.get("offsetsRead").asLong()).isEqualTo(state.get("offsetsToRead").asLong());
      String metrics = get(review, "/metrics").body();
      assertThat(gauge(metrics, "labelstream_review_state_restore_offsets_read")).isEqualTo(state.get("offsetsRead").asDouble());
      assertThat(gauge(metrics, "labelstream_review_state_restore_offsets_to_read")).isEqualTo(state.get("offsetsToRead").asDouble());
      // What the state's store takes, now that the heap does not show it.
      assertThat(gauge(metrics, "labelstream_review_state_store_keys"))
          .as("a record per frame seen, at least (histories and statistics are in Kafka Streams' stores)")
          .isGreaterThanOrEqualTo(300);
      assertThat(gauge(metrics, "labelstream_review_state_store_memory_bytes")).isPositive();
      assertThat(metrics).containsPattern("(?m)^labelstream_review_state_store_disk_bytes\\{[^}]*} [0-9.E]+$");
      // And what the per-frame state's Kafka Streams stores take: an event per prediction and request in the
      // histories, a record per task (and the counters) in the statistics; its folder on disk; Kafka Streams' meters.
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        String now = get(review, "/metrics").body();
        assertThat(gauge(now, "labelstream_review_partitioned_store_keys", "store=\"frame-histories\""))
            .isGreaterThanOrEqualTo(600);
        assertThat(gauge(now, "labelstream_review_partitioned_store_keys", "store=\"frame-stats\""))
            .isGreaterThanOrEqualTo(300);
        assertThat(gauge(now, "labelstream_review_partitioned_stats_cells", "")).isPositive();
        assertThat(gauge(now, "labelstream_review_partitioned_disk_bytes", "")).isPositive();
      });
      assertThat(metrics).containsPattern("(?m)^kafka_stream_[a-z_]+\\{");
    }
  }

  /** The sum of the gauge's series whose tags include {@code tag}. */
  private static double gauge(String metrics, String name, String tag) {
    return metrics.lines().filter(line -> line.startsWith(name + "{") && line.contains(tag))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
  }

  private static double gauge(String metrics, String name) {
    return metrics.lines().filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
  }

  private HttpResponse<String> get(ReviewService review, String path) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + review.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    return ReviewFixtures.JSON.readTree(response.body());
  }
}
