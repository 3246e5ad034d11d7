package io.labelstream.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.labelstream.kafka.embedded.EmbeddedKafkaExtension;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.kafka.KafkaSettings;
import io.labelstream.platform.kafka.TopicProvisioner;
import io.labelstream.review.config.ReviewConfig;
import io.labelstream.review.partitioned.PartitionedState;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.LabelSource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
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
 * Two review instances share the frames' final labels, histories and statistics by partition, and either answers for
 * every frame: its own from its stores, the other's by asking the owner with the cluster's token, and the statistics of
 * all frames as its partitions' and the other's added up. When one stops, the other restores its partitions and serves
 * them all. (Standby copies and their takeover: {@code PartitionedStateIT}.)
 */
class PartitionedLabelsIT {

  @RegisterExtension
  static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  private static final int FRAMES = 3_000;
  private static final String ADMIN = "admin-token-of-the-test";
  private static final String CLUSTER = "cluster-token-of-the-test";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void eitherInstanceAnswersForEveryFrameAndOneServesThemAllWhenTheOtherStops() throws Exception {
    TopicProvisioner.ensureTopics(KafkaSettings.from(new Env(Map.of("KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers()))));
    List<String> frames = writeModelLabels();

    ReviewService first = start("first");
    ReviewService second;
    try {
      // Alone, it holds every partition: once ready, it has read every label written before it started (Kafka
      // Streams is RUNNING as soon as its stores are restored, before it has read the labels written since).
      await().atMost(Duration.ofSeconds(60)).until(first::ready);
      assertThat(answersAll(first, frames)).as("every label written before the start is served once ready, and is in "
          + "its frame's history").isTrue();

      second = start("second");
      await().atMost(Duration.ofSeconds(60)).until(() -> second.ready()
          && answersAll(first, frames) && answersAll(second, frames));
      assertSharedAndAnsweredByEither(first, second, frames);
    } finally {
      first.close();
    }
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> answersAll(second, frames));
      await().atMost(Duration.ofSeconds(30)).until(() -> modelLabelled(second) == FRAMES);
      for (String frameId : frames) {
        assertThat(second.partitionedState().ownerOf(frameId)).isInstanceOf(PartitionedState.Owner.Here.class);
      }
    } finally {
      second.close();
    }
  }

  private static void assertSharedAndAnsweredByEither(ReviewService first, ReviewService second, List<String> frames)
      throws Exception {
    int ownedByFirst = 0;
    for (String frameId : frames) {
      boolean firstOwns = first.partitionedState().ownerOf(frameId) instanceof PartitionedState.Owner.Here;
      boolean secondOwns = second.partitionedState().ownerOf(frameId) instanceof PartitionedState.Owner.Here;
      assertThat(firstOwns ^ secondOwns).as("one owner of %s", frameId).isTrue();
      ownedByFirst += firstOwns ? 1 : 0;
      JsonNode label = ReviewFixtures.JSON.readTree(get(first.port(), "/v1/labels/" + frameId, ADMIN).body());
      assertThat(label.get("label").asText()).isEqualTo(expectedLabel(frameId));
      assertThat(label.get("source").asText()).isEqualTo("MODEL");
      JsonNode history = ReviewFixtures.JSON.readTree(get(first.port(), "/v1/frames/" + frameId + "/history", ADMIN)
          .body());
      assertThat(history.get("events")).hasSize(1);
      assertThat(history.get("events").get(0).get("type").asText()).isEqualTo("label");
      assertThat(history.get("events").get(0).get("label").asText()).isEqualTo(expectedLabel(frameId));
      assertThat(history.get("finalLabel").get("label").asText()).isEqualTo(expectedLabel(frameId));
    }
    assertThat(ownedByFirst).as("the frames are shared between the instances").isBetween(1, FRAMES - 1);

    // The internal endpoint answers the cluster's token only, and only for frames the instance owns.
    String ownedBySecond = frames.stream()
        .filter(f -> second.partitionedState().ownerOf(f) instanceof PartitionedState.Owner.Here).findFirst()
        .orElseThrow();
    assertThat(get(second.port(), "/internal/labels/" + ownedBySecond, ADMIN).statusCode()).isEqualTo(401);
    assertThat(get(second.port(), "/internal/labels/" + ownedBySecond, CLUSTER).statusCode()).isEqualTo(200);
    assertThat(get(first.port(), "/internal/labels/" + ownedBySecond, CLUSTER).statusCode()).isEqualTo(421);
    assertThat(get(second.port(), "/internal/histories/" + ownedBySecond, ADMIN).statusCode()).isEqualTo(401);
    assertThat(get(second.port(), "/internal/histories/" + ownedBySecond, CLUSTER).statusCode()).isEqualTo(200);
    assertThat(get(first.port(), "/internal/histories/" + ownedBySecond, CLUSTER).statusCode()).isEqualTo(421);
    // The statistics of all frames, on either instance: its own partitions' counts and the other's, added up.
    for (ReviewService service : List.of(first, second)) {
      await().atMost(Duration.ofSeconds(30)).until(() -> modelLabelled(service) == FRAMES);
    }
    assertThat(get(second.port(), "/internal/stats", ADMIN).statusCode()).isEqualTo(401);
    assertThat(get(second.port(), "/internal/stats", CLUSTER).statusCode()).isEqualTo(200);
    assertThat(get(first.port(), "/v1/labels/no-such-frame", ADMIN).statusCode()).isEqualTo(404);
    assertThat(get(first.port(), "/v1/frames/no-such-frame/history", ADMIN).statusCode()).isEqualTo(404);
  }

  private static List<String> writeModelLabels() throws Exception {
    List<String> frames = new ArrayList<>();
    try (KafkaProducer<String, Label> producer = new KafkaProducer<>(
        ReviewFixtures.producerConfig(KAFKA.bootstrapServers()), Topics.LABELS.keySerde().serializer(),
        Topics.LABELS.valueSerde().serializer())) {
      for (int i = 0; i < FRAMES; i++) {
        String frameId = ReviewFixtures.newFrameId();
        frames.add(frameId);
        Label label = Label.newBuilder().setFrameId(frameId).setLabel(expectedLabel(frameId)).setClassIndex(0)
            .setSource(LabelSource.MODEL).setConfidence(0.99).setModelVersion("test").setLabelledAt(Instant.now())
            .build();
        producer.send(new ProducerRecord<>(Topics.LABELS.name(), frameId, label)).get();
      }
    }
    return frames;
  }

  private static String expectedLabel(String frameId) {
    return ReviewFixtures.BUNDLED_CLASSES.get(Math.floorMod(frameId.hashCode(), ReviewFixtures.BUNDLED_CLASSES.size()));
  }

  private static boolean answersAll(ReviewService service, List<String> frames) throws Exception {
    for (String frameId : frames) {
      if (get(service.port(), "/v1/labels/" + frameId, ADMIN).statusCode() != 200
          || get(service.port(), "/v1/frames/" + frameId + "/history", ADMIN).statusCode() != 200) {
        return false;
      }
    }
    return true;
  }

  /** Model labels in {@code /v1/stats/classes}; -1 while the statistics cannot be added up (503). */
  private static long modelLabelled(ReviewService service) throws Exception {
    HttpResponse<String> classes = get(service.port(), "/v1/stats/classes", ADMIN);
    return classes.statusCode() == 200 ? ReviewFixtures.JSON.readTree(classes.body()).get("model").asLong() : -1;
  }

  private static HttpResponse<String> get(int port, String path, String token) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static ReviewService start(String instance) {
    return ReviewService.start(ReviewConfig.from(new Env(Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers(),
        "HTTP_HOST", "127.0.0.1",
        "REVIEW_PORT", "0",
        "REVIEW_INSTANCE_ID", instance,
        "REVIEW_CLUSTER_TOKEN", CLUSTER,
        // No standby copies: an instance can answer for the other's frames only by asking it, which is what this
        // test is about (and when one stops, the other restores its partitions from the changelog).
        "REVIEW_STANDBY_REPLICAS", "0",
        "REVIEW_TOKENS", "root:" + ADMIN + ":admin"))));
  }
}
