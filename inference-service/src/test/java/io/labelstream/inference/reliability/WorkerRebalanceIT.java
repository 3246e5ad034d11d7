package io.labelstream.inference.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labelstream.inference.InferenceService;
import io.labelstream.inference.Samples;
import io.labelstream.inference.config.InferenceConfig;
import io.labelstream.kafka.embedded.EmbeddedKafkaExtension;
import io.labelstream.kafka.embedded.TopicRecords;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.kafka.KafkaSettings;
import io.labelstream.platform.kafka.TopicProvisioner;
import io.labelstream.schemas.FleetFrameProducer;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.Frame;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Exactly-once across rebalances: while frames flow, a second worker joins the group (partitions move to it) and
 * later leaves (they move back). Reading read_committed afterwards, every frame has exactly one prediction and
 * exactly one routing decision, and both workers did part of the work.
 */
class WorkerRebalanceIT {

  private static final int FRAMES = 6_000;
  private static final Pattern COMMITTED = Pattern.compile("(?m)^labelstream_inference_frames_committed_total(?:\\{[^}]*})? ([0-9.eE+]+)$");

  @RegisterExtension
  static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void shouldNeitherLoseNorRepeatARoutingDecisionWhenAWorkerJoinsAndLeaves() throws Exception {
    TopicProvisioner.ensureTopics(KafkaSettings.from(new Env(Map.of("KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers()))));
    List<String> frameIds = new CopyOnWriteArrayList<>();
    AtomicBoolean producing = new AtomicBoolean(true);
    Thread fleet = new Thread(() -> produce(frameIds, producing), "rebalance-fleet");
    try (InferenceService first = worker()) {
      fleet.start();
      await().atMost(Duration.ofMinutes(2)).until(() -> routed() >= 1_000);
      double secondCommitted;
      try (InferenceService second = worker()) {
        long joinedAt = routed();
        await().atMost(Duration.ofMinutes(2)).until(() -> committedBy(second) > 0 && routed() >= joinedAt + 1_500);
        secondCommitted = committedBy(second);
      }
      // The second worker has left; the first takes its partitions back and finishes the stream.
      fleet.join(Duration.ofMinutes(3).toMillis());
      assertThat(frameIds).hasSize(FRAMES);
      await().atMost(Duration.ofMinutes(3)).until(() -> TopicRecords.countByKey(KAFKA.bootstrapServers(), Topics.PREDICTIONS.name()).size() == FRAMES);
      assertThat(secondCommitted).as("frames the joining worker routed").isPositive();
      assertThat(committedBy(first)).as("frames the first worker routed").isPositive().isLessThan(FRAMES);
    } finally {
      producing.set(false);
    }

    Map<String, Long> predictions = TopicRecords.countByKey(KAFKA.bootstrapServers(), Topics.PREDICTIONS.name());
    Map<String, Long> labels = TopicRecords.countByKey(KAFKA.bootstrapServers(), Topics.LABELS.name());
    Map<String, Long> reviews = TopicRecords.countByKey(KAFKA.bootstrapServers(), Topics.REVIEW_REQUESTS.name());
    assertThat(predictions.keySet()).containsExactlyInAnyOrderElementsOf(frameIds);
    assertThat(predictions.values()).containsOnly(1L);
    for (String frameId : frameIds) {
      long decisions = labels.getOrDefault(frameId, 0L) + reviews.getOrDefault(frameId, 0L);
      assertThat(decisions).as("routing decisions of " + frameId).isEqualTo(1);
    }
  }

  /** A dynamic group member (no instance id), so joining and leaving rebalance the group at once. */
  private static InferenceService worker() {
    return InferenceService.start(InferenceConfig.from(new Env(Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers(),
        "HTTP_HOST", "127.0.0.1",
        "INFERENCE_PORT", "0",
        "INFERENCE_ROUTING_THRESHOLD", "0.9",
        "INFERENCE_AUDIT_RATE", "0",
        "INFERENCE_INTRA_OP_THREADS", "1"))));
  }

  /** Frames at about 400 per second, so the join and the leave both land mid-stream; every send is checked. */
  private static void produce(List<String> frameIds, AtomicBoolean producing) {
    try (FleetFrameProducer fleet = new FleetFrameProducer(Map.of("bootstrap.servers", KAFKA.bootstrapServers(), "linger.ms", 5))) {
      for (int i = 0; i < FRAMES && producing.get(); i += 40) {
        List<Frame> frames = new ArrayList<>();
        for (int j = i; j < Math.min(FRAMES, i + 40); j++) {
          frames.add(FleetFrameProducer.frame("rebalance-cam", null, "rebalance-" + j, "image/png", Samples.png(j % 1000), 28, 28, null));
        }
        fleet.sendAll(frames);
        frames.forEach(f -> frameIds.add(f.getFrameId()));
        Thread.sleep(100);
      }
    } catch (Exception e) {
      throw new IllegalStateException("the fleet could not write its frames", e);
    }
  }

  /** Frames this worker committed, from its own /metrics. */
  private double committedBy(InferenceService worker) throws Exception {
    HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + worker.port() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
    Matcher m = COMMITTED.matcher(metrics.body());
    return m.find() ? Double.parseDouble(m.group(1)) : 0.0;
  }

  private static long routed() {
    return TopicRecords.readAll(KAFKA.bootstrapServers(), Topics.PREDICTIONS.name()).size();
  }

}
