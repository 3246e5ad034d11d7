package io.labelstream.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labelstream.kafka.embedded.EmbeddedKafkaExtension;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.kafka.KafkaSettings;
import io.labelstream.platform.kafka.TopicProvisioner;
import io.labelstream.review.ReviewFixtures.Client;
import io.labelstream.review.config.ReviewConfig;
import io.labelstream.schemas.avro.ReviewRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The finding: low-confidence 28x28 PNGs padded with zeros to 10 MiB, queued for review, grew the review heap by
 * their size. Their images now stay in Kafka and are read back when a reviewer's page asks for one.
 */
class ReviewImageMemoryIT {

  private static final int FRAMES = 6;
  /** Just under ingest's default body limit, as the attacker sent them. */
  private static final int PADDED_SIZE = 10 * 1024 * 1024 - 4096;

  @RegisterExtension
  static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  @Test
  void shouldKeepNoBytesOfTenMebibyteFramesQueuedForReviewAndStillShowThemWhole() throws Exception {
    TopicProvisioner.ensureTopics(KafkaSettings.from(new Env(Map.of("KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers()))));
    Map<String, byte[]> imageOfFrame = new HashMap<>();
    for (int i = 0; i < FRAMES; i++) {
      ReviewRequest request = ReviewFixtures.request(ReviewFixtures.newFrameId(), "Coat", 0.3, i);
      byte[] padded = new byte[PADDED_SIZE];
      byte[] png = ReviewFixtures.samplePng(i);
      System.arraycopy(png, 0, padded, 0, png.length);
      request.setImage(ByteBuffer.wrap(padded));
      imageOfFrame.put(request.getFrameId(), padded);
      ReviewFixtures.produce(KAFKA.bootstrapServers(), request);
    }

    try (ReviewService service = ReviewService.start(ReviewConfig.from(new Env(Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers(),
        "HTTP_HOST", "127.0.0.1",
        "REVIEW_PORT", "0",
        "REVIEW_GOLD_RATE", "0",
        "REVIEW_TOKENS", "ada:ada-secret-token:reviewer"))))) {
      await().atMost(Duration.ofSeconds(30)).until(() -> service.ready() && service.openTasks() == FRAMES);
      Client ada = new Client(service.port(), "ada-secret-token");

      assertThat(imageBytesHeld(ada)).isZero();
      for (int i = 0; i < 2; i++) {
        var task = ada.json(ada.claim());
        HttpResponse<byte[]> image = ada.getBytes(task.get("imageUrl").asText());
        assertThat(image.statusCode()).isEqualTo(200);
        assertThat(image.body()).isEqualTo(imageOfFrame.get(task.get("frameId").asText()));
      }
      assertThat(imageBytesHeld(ada)).as("showing images keeps none of them").isZero();
    }
  }

  private static double imageBytesHeld(Client client) throws Exception {
    return client.get("/metrics").body().lines()
        .filter(line -> line.startsWith("labelstream_review_queue_image_bytes"))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .findFirst().orElseThrow(() -> new AssertionError("no labelstream_review_queue_image_bytes in /metrics"));
  }
}
