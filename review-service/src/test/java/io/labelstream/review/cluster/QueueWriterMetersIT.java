package io.labelstream.review.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labelstream.platform.kafka.KafkaClients;
import io.labelstream.kafka.embedded.EmbeddedKafkaExtension;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.kafka.KafkaSettings;
import io.labelstream.platform.kafka.TopicProvisioner;
import io.labelstream.review.ReviewFixtures;
import io.labelstream.review.ReviewFixtures.Client;
import io.labelstream.review.ReviewService;
import io.labelstream.review.config.ReviewConfig;
import io.labelstream.schemas.avro.ReviewRequest;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * After the queue's producer is fenced, the review service writes through a new producer; its {@code /metrics} must
 * describe that producer, not go on showing the frozen figures of the one that was closed. The queue's own meters
 * count and time its transactions.
 */
class QueueWriterMetersIT {

  @RegisterExtension
  static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  private static final String INSTANCE = "meters-it";

  @Test
  void shouldShowTheMetersOfTheProducerThatReplacedAFencedOne() throws Exception {
    TopicProvisioner.ensureTopics(KafkaSettings.from(new Env(Map.of("KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers()))));
    ReviewRequest[] requests = new ReviewRequest[5];
    for (int i = 0; i < requests.length; i++) {
      requests[i] = ReviewFixtures.request(ReviewFixtures.newFrameId(), "Dress", 0.3 + i / 100.0, 30 + i);
    }
    ReviewFixtures.produce(KAFKA.bootstrapServers(), requests);

    try (ReviewService review = ReviewService.start(ReviewConfig.from(new Env(Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers(),
        "HTTP_HOST", "127.0.0.1",
        "REVIEW_PORT", "0",
        "REVIEW_INSTANCE_ID", INSTANCE,
        "REVIEW_MAX_LEASES", "10", // ada holds every task this test hands out
        "REVIEW_TOKENS", "ada:ada-secret-token:reviewer"))))) {
      await().atMost(Duration.ofSeconds(60)).until(() -> review.ready() && review.isQueueLeader()
          && review.openTasks() == requests.length);
      Client ada = new Client(review.port(), "ada-secret-token");

      fenceTheQueueProducer();
      // The first change meets the fence; the queue writer replaces its producer and the change goes through.
      await().atMost(Duration.ofSeconds(30)).until(() -> ada.claim().statusCode() == 200);
      double afterRecovery = recordsSent(ada);

      for (int i = 0; i < 3; i++) {
        assertThat(ada.claim().statusCode()).isEqualTo(200);
      }

      assertThat(recordsSent(ada)).as("records the current producer has sent").isGreaterThanOrEqualTo(afterRecovery + 3);
      // One claim at a time: every transaction of queue changes held one lease, and each was timed.
      assertThat(meter(ada, "labelstream_review_queue_commit_changes_count")).isGreaterThanOrEqualTo(4);
      assertThat(meter(ada, "labelstream_review_queue_commit_changes_sum"))
          .isEqualTo(meter(ada, "labelstream_review_queue_commit_changes_count"));
      assertThat(meter(ada, "labelstream_review_queue_commit_seconds_count"))
          .isEqualTo(meter(ada, "labelstream_review_queue_commit_changes_count"));
      assertThat(meter(ada, "labelstream_review_queue_commit_seconds_sum")).isPositive();
    }
  }

  private static double meter(Client client, String name) throws Exception {
    return client.get("/metrics").body().lines()
        .filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
  }

  /** Another producer with the review instance's transactional id: the one the service holds is fenced. */
  private static void fenceTheQueueProducer() {
    try (KafkaProducer<String, byte[]> usurper = new KafkaProducer<>(
        KafkaClients.at(KAFKA.bootstrapServers(), "review", INSTANCE).transactionalProducer("usurper"),
        new StringSerializer(), new ByteArraySerializer())) {
      usurper.initTransactions();
    }
  }

  /** kafka_producer_record_send_total as /metrics shows it, summed over the producers it describes. */
  private static double recordsSent(Client client) throws Exception {
    return client.get("/metrics").body().lines()
        .filter(line -> line.startsWith("kafka_producer_record_send_total{"))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .sum();
  }
}
