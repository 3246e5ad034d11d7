package io.labelstream.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.labelstream.kafka.embedded.EmbeddedKafkaExtension;
import io.labelstream.platform.config.Env;
import io.labelstream.review.config.ReviewConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The state reader is what keeps the queue current: once it has died, the service is neither ready nor healthy. */
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

  private HttpResponse<String> get(ReviewService review, String path) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + review.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    return ReviewFixtures.JSON.readTree(response.body());
  }
}
