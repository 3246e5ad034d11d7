package io.labelstream.launcher.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.labelstream.inference.InferenceService;
import io.labelstream.inference.config.InferenceConfig;
import io.labelstream.ingest.IngestService;
import io.labelstream.ingest.config.IngestConfig;
import io.labelstream.kafka.embedded.EmbeddedKafkaBroker;
import io.labelstream.kafka.embedded.TopicRecords;
import io.labelstream.launcher.SampleFrames;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.kafka.KafkaSettings;
import io.labelstream.platform.kafka.TopicProvisioner;
import io.labelstream.schemas.Topics;
import io.labelstream.testsupport.TestSenders;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker stops and restarts while a fleet keeps posting: while it is down ingest answers 503, never 202; once
 * it is back, every frame that got a 202 is routed exactly once by the worker that lived through the outage.
 */
class BrokerRestartIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One POST as the fleet saw it, with when it was sent and answered. */
  private record Post(long sentAt, long answeredAt, int status, String frameId) {}

  @TempDir
  Path dataDir;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<Post> posts = new CopyOnWriteArrayList<>();
  private final AtomicBoolean posting = new AtomicBoolean(true);

  @Test
  void shouldRefuseWhileTheBrokerIsDownAndRouteEveryAcceptedFrameExactlyOnceAfterwards() throws Exception {
    List<SampleFrames.Sample> samples = SampleFrames.load(Path.of(System.getProperty("labelstream.root")).resolve("model/samples"));
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir);
    String bootstrap = broker.bootstrapServers();
    TopicProvisioner.ensureTopics(KafkaSettings.from(new Env(Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrap))));
    long downAt;
    long upAt;
    try (IngestService ingest = IngestService.start(IngestConfig.from(new Env(TestSenders.with(Map.of(
            "KAFKA_BOOTSTRAP_SERVERS", bootstrap, "HTTP_HOST", "127.0.0.1", "INGEST_PORT", "0",
            "INGEST_PRODUCE_TIMEOUT_MS", "2000")))));
        InferenceService inference = InferenceService.start(InferenceConfig.from(new Env(Map.of(
            "KAFKA_BOOTSTRAP_SERVERS", bootstrap, "HTTP_HOST", "127.0.0.1", "INFERENCE_PORT", "0",
            "INFERENCE_ROUTING_THRESHOLD", "0.9", "INFERENCE_AUDIT_RATE", "0", "INFERENCE_INTRA_OP_THREADS", "1"))))) {
      Thread fleet = new Thread(() -> post(ingest.port(), samples), "restart-fleet");
      fleet.start();
      try {
        await().atMost(Duration.ofMinutes(2)).until(() -> accepted().size() >= 300);
        broker.close();
        downAt = System.nanoTime();
        await().atMost(Duration.ofMinutes(1)).until(() -> refusedAfter(downAt) >= 3);
        upAt = System.nanoTime();
        broker = EmbeddedKafkaBroker.start(dataDir);
        assertThat(broker.bootstrapServers()).isEqualTo(bootstrap);
        long acceptedBeforeUp = accepted().size();
        await().atMost(Duration.ofMinutes(2)).until(() -> accepted().size() >= acceptedBeforeUp + 300);
      } finally {
        posting.set(false);
        fleet.join();
      }

      List<String> accepted = accepted();
      await().atMost(Duration.ofMinutes(3)).until(() -> TopicRecords.countByKey(bootstrap, Topics.PREDICTIONS.name()).keySet()
          .containsAll(accepted));

      for (Post post : posts) {
        if (post.sentAt() > downAt && post.answeredAt() < upAt) {
          assertThat(post.status()).as("answer while the broker was down").isEqualTo(503);
        }
      }
      Map<String, Long> predictions = TopicRecords.countByKey(bootstrap, Topics.PREDICTIONS.name());
      Map<String, Long> labels = TopicRecords.countByKey(bootstrap, Topics.LABELS.name());
      Map<String, Long> reviews = TopicRecords.countByKey(bootstrap, Topics.REVIEW_REQUESTS.name());
      for (String frameId : accepted) {
        assertThat(predictions.get(frameId)).as("predictions of " + frameId).isEqualTo(1L);
        assertThat(labels.getOrDefault(frameId, 0L) + reviews.getOrDefault(frameId, 0L)).as("routing decisions of " + frameId)
            .isEqualTo(1L);
      }
      assertThat(inference.assigned()).as("the worker lived through the outage").isTrue();
    } finally {
      broker.close();
    }
  }

  /** Posts sample frames one after another until told to stop, noting every answer. */
  private void post(int port, List<SampleFrames.Sample> samples) {
    URI uri = URI.create("http://127.0.0.1:" + port + "/v1/frames");
    for (int i = 0; posting.get(); i++) {
      long sentAt = System.nanoTime();
      try {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri)
            .header("Content-Type", "image/png").header("X-Device-Id", "restart-cam").header("Idempotency-Key", "restart-" + i)
            .header("Authorization", TestSenders.AUTHORIZATION)
            .POST(HttpRequest.BodyPublishers.ofByteArray(samples.get(i % samples.size()).bytes())).build(),
            HttpResponse.BodyHandlers.ofString());
        String frameId = response.statusCode() == 202 ? JSON.readTree(response.body()).get("frameId").asText() : null;
        posts.add(new Post(sentAt, System.nanoTime(), response.statusCode(), frameId));
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        posts.add(new Post(sentAt, System.nanoTime(), -1, null));
      }
    }
  }

  private List<String> accepted() {
    return posts.stream().filter(p -> p.status() == 202).map(Post::frameId).toList();
  }

  private long refusedAfter(long downAt) {
    return posts.stream().filter(p -> p.sentAt() > downAt && p.status() == 503).count();
  }

}
