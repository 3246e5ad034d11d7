package io.labelstream.inference.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labelstream.inference.InferenceService;
import io.labelstream.inference.Samples;
import io.labelstream.inference.config.InferenceConfig;
import io.labelstream.inference.image.FrameDecoder;
import io.labelstream.kafka.embedded.EmbeddedKafkaExtension;
import io.labelstream.kafka.embedded.TopicRecords;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.kafka.KafkaClients;
import io.labelstream.schemas.FleetFrameProducer;
import io.labelstream.schemas.Topic;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.DeadLetter;
import io.labelstream.schemas.avro.Frame;
import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.LabelSource;
import io.labelstream.schemas.avro.Prediction;
import io.labelstream.schemas.avro.ReviewReason;
import io.labelstream.schemas.avro.ReviewRequest;
import io.labelstream.schemas.avro.Route;
import io.labelstream.testsupport.HostileImages;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The real worker with the real model on a real broker, fed by a fleet that produces to Kafka directly. */
class InferenceWorkerIT {

  @RegisterExtension
  static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  private static InferenceService inference;
  private static FleetFrameProducer fleet;

  @BeforeAll
  static void start() {
    inference = InferenceService.start(InferenceConfig.from(new Env(Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers(),
        "HTTP_HOST", "127.0.0.1",
        "INFERENCE_PORT", "0",
        "INFERENCE_ROUTING_THRESHOLD", "0.9",
        "INFERENCE_AUDIT_RATE", "0"))));
    fleet = new FleetFrameProducer(Map.of("bootstrap.servers", KAFKA.bootstrapServers()));
  }

  @AfterAll
  static void stop() {
    fleet.close();
    inference.close();
  }

  @Test
  void shouldExposeThePipelineMetersAsFramesFlow() throws Exception {
    double committedBefore = meter("labelstream_inference_frames_committed_total");
    double decodedBefore = meter("labelstream_inference_decode_time_seconds_count");
    double latenciesBefore = meter("labelstream_inference_e2e_latency_seconds_count");
    List<String> frameIds = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      frameIds.add(fleet.send("robot-8", "arm", "metrics-frame-" + i, "image/png", Samples.png(i), 28, 28));
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> meter("labelstream_inference_frames_committed_total") >= committedBefore + 30);

    assertThat(meter("labelstream_inference_decode_time_seconds_count")).isGreaterThanOrEqualTo(decodedBefore + 30);
    assertThat(meter("labelstream_inference_e2e_latency_seconds_count")).isGreaterThanOrEqualTo(latenciesBefore + 30);
    assertThat(meter("labelstream_inference_batch_size_count")).isPositive();
    assertThat(meter("labelstream_inference_batch_size_max")).isBetween(1.0, 512.0);
    String scraped = scrape();
    assertThat(scraped).contains("labelstream_inference_consumer_lag{", "labelstream_inference_model_time_seconds_count");
    assertThat(scraped).contains("labelstream_inference_jpeg_decoder{decoder=\"" + FrameDecoder.jpegDecoder() + "\"");
    assertThat(scraped.lines()).anyMatch(l -> l.startsWith("labelstream_inference_e2e_latency_seconds{") && l.contains("quantile=\"0.99\""));
  }

  @Test
  void shouldServeTheModelCardAsItsAuthorWroteIt() throws Exception {
    String served = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create("http://127.0.0.1:" + inference.port() + "/v1/model")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    assertThat(json.readTree(served)).isEqualTo(json.readTree(io.labelstream.platform.model.ModelFolder.bundled().card()));
  }

  private static String scrape() throws Exception {
    return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create("http://127.0.0.1:" + inference.port() + "/metrics")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
  }

  /** The sum of a meter's samples over all its tags, 0 when it is not there yet. */
  private static double meter(String name) throws Exception {
    return scrape().lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  @Test
  void shouldPredictEveryFrameAFleetProducesAndRouteEachExactlyOneWay() throws Exception {
    List<String> frameIds = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      frameIds.add(fleet.send("robot-7", "arm", "it-frame-" + i, "image/png", Samples.png(i), 28, 28));
    }

    await().atMost(Duration.ofSeconds(60)).until(() -> values(Topics.PREDICTIONS).stream()
        .map(Prediction::getFrameId).filter(frameIds::contains).distinct().count() == frameIds.size());

    List<Prediction> predictions = values(Topics.PREDICTIONS).stream().filter(p -> frameIds.contains(p.getFrameId())).toList();
    List<Label> labels = values(Topics.LABELS).stream().filter(l -> frameIds.contains(l.getFrameId())).toList();
    List<ReviewRequest> reviews = values(Topics.REVIEW_REQUESTS).stream().filter(r -> frameIds.contains(r.getFrameId())).toList();
    assertThat(predictions).hasSize(frameIds.size());
    assertThat(labels.size() + reviews.size()).isEqualTo(frameIds.size());
    assertThat(labels).extracting(Label::getFrameId).doesNotContainAnyElementsOf(reviews.stream().map(ReviewRequest::getFrameId).toList());
    for (Prediction p : predictions) {
      assertThat(p.getTopK()).hasSize(3);
      assertThat(p.getTopK().get(0).getProbability()).isEqualTo(p.getMaxProbability());
      assertThat(p.getMargin()).isBetween(0.0, 1.0);
      assertThat(p.getEntropy()).isGreaterThanOrEqualTo(0.0);
      assertThat(p.getMutualInformation()).isGreaterThanOrEqualTo(0.0);
      assertThat(p.getThreshold()).isEqualTo(0.9);
      assertThat(p.getRoute()).isEqualTo(p.getScore() >= 0.9 ? Route.MODEL_LABEL : Route.REVIEW);
    }
    assertThat(labels).allSatisfy(l -> {
      assertThat(l.getSource()).isEqualTo(LabelSource.MODEL);
      assertThat(l.getConfidence()).isGreaterThanOrEqualTo(0.9);
    });
    assertThat(reviews).allSatisfy(r -> {
      assertThat(r.getReason()).isEqualTo(ReviewReason.LOW_CONFIDENCE);
      assertThat(r.getPrediction().getScore()).isLessThan(0.9);
      // It points at its frame in frames.v1 (the frame's own record, where the review service reads the image).
      assertThat(r.getImage()).isNull();
      assertThat(r.getFrameRecord().getPartition()).isEqualTo(r.getPrediction().getSourcePartition());
      assertThat(r.getFrameRecord().getOffset()).isEqualTo(r.getPrediction().getSourceOffset());
    });
    long correct = labels.stream().filter(l -> l.getClassIndex() == Samples.trueClass(frameIds.indexOf(l.getFrameId()))).count();
    assertThat((double) correct / labels.size()).isGreaterThan(0.9);
  }

  @Test
  void shouldDeadLetterACorruptImageWithItsReasonAndGoOnLabellingTheNextFrame() throws Exception {
    byte[] corrupt = Arrays.copyOf(Samples.png(100), 30);
    Frame bad = FleetFrameProducer.frame("car-13", null, "corrupt-1", "image/png", corrupt, 28, 28, null);
    fleet.send(bad);
    String good = fleet.send("car-13", null, "good-after-corrupt", "image/png", Samples.png(101), 28, 28);

    await().atMost(Duration.ofSeconds(60)).until(() -> values(Topics.PREDICTIONS).stream().anyMatch(p -> p.getFrameId().equals(good)));
    await().atMost(Duration.ofSeconds(10)).until(() -> values(Topics.FRAMES_DLQ).stream().anyMatch(d -> bad.getFrameId().equals(d.getKey())));

    DeadLetter letter = values(Topics.FRAMES_DLQ).stream().filter(d -> bad.getFrameId().equals(d.getKey())).findFirst().orElseThrow();
    assertThat(letter.getStage()).isEqualTo("inference");
    assertThat(letter.getReason()).startsWith("cannot decode frame");
    assertThat(letter.getSourceTopic()).isEqualTo("frames.v1");
    assertThat(letter.getOriginal().remaining()).isPositive();
    assertThat(values(Topics.PREDICTIONS)).noneMatch(p -> p.getFrameId().equals(bad.getFrameId()));
  }

  @Test
  void shouldDeadLetterEveryPoisonPillWithItsReasonAndKeepGoing() throws Exception {
    byte[] unknownFingerprint = {(byte) 0xC3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 42, 42};
    try (var raw = new KafkaProducer<>(KafkaClients.at(KAFKA.bootstrapServers(), "test", null).producerOneInFlight("garbage"),
        new StringSerializer(), new ByteArraySerializer())) {
      raw.send(new ProducerRecord<>(Topics.FRAMES.name(), "garbage-1", "{\"not\":\"avro\"}".getBytes(StandardCharsets.UTF_8))).get();
      raw.send(new ProducerRecord<>(Topics.FRAMES.name(), "unknown-schema-1", unknownFingerprint)).get();
    }
    Frame tiny = FleetFrameProducer.frame("car-14", null, "tiny-1", "image/png", png(1, 1), 1, 1, null);
    Frame bomb = FleetFrameProducer.frame("car-14", null, "bomb-1", "image/png", pngClaiming(100_000, 100_000), 100_000, 100_000, null);
    fleet.send(tiny);
    fleet.send(bomb);
    String good = fleet.send("car-14", null, "good-after-poison", "image/png", Samples.png(102), 28, 28);

    await().atMost(Duration.ofSeconds(60)).until(() -> values(Topics.PREDICTIONS).stream().anyMatch(p -> p.getFrameId().equals(good)));
    Map<String, String> reasons = new java.util.HashMap<>();
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      values(Topics.FRAMES_DLQ).forEach(d -> reasons.put(d.getKey(), d.getReason()));
      return reasons.keySet().containsAll(List.of("garbage-1", "unknown-schema-1", tiny.getFrameId(), bomb.getFrameId()));
    });
    assertThat(reasons.get("garbage-1")).contains("not Avro single-object encoded");
    assertThat(reasons.get("unknown-schema-1")).contains("unknown schema");
    assertThat(reasons.get(tiny.getFrameId())).contains("1x1");
    assertThat(reasons.get(bomb.getFrameId())).contains("100000x100000");
    String metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create("http://127.0.0.1:" + inference.port() + "/metrics")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    double counted = metrics.lines().filter(l -> l.startsWith("labelstream_inference_frames_dead_lettered_total"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    assertThat(counted).isGreaterThanOrEqualTo(4);
  }

  @Test
  void shouldDeadLetterTruncatedGarbageTailedAndLyingImagesAFleetWritesToKafkaInsteadOfLabellingThem() throws Exception {
    byte[] jpeg = HostileImages.noiseJpeg(64, 48);
    byte[] png = HostileImages.noisePng(64, 48);
    // media type, name, the code its dead letter's reason must give
    Map<String, byte[]> attacks = new java.util.LinkedHashMap<>();
    attacks.put("image/jpeg truncated-jpeg truncated_image", HostileImages.truncatedAfterStartOfScan(jpeg, 40));
    attacks.put("image/jpeg tailed-jpeg data_after_image_end", HostileImages.withTrailingGarbage(jpeg));
    attacks.put("image/png tailed-png data_after_image_end", HostileImages.withTrailingGarbage(png));
    attacks.put("image/png bad-crc-png corrupt_image", HostileImages.withBadIdatCrc(png));
    attacks.put("image/jpeg jpeg-claiming-8000 image_too_large", HostileImages.jpegClaiming(8000, 8000));
    // Within the budget: only the decoder notices the data ends early, and says so in a warning.
    attacks.put("image/jpeg jpeg-claiming-6000 corrupt_image", HostileImages.jpegClaiming(6000, 4000));
    List<String> bad = new ArrayList<>();
    for (Map.Entry<String, byte[]> attack : attacks.entrySet()) {
      String[] typeAndName = attack.getKey().split(" ");
      Frame frame = FleetFrameProducer.frame("car-15", null, typeAndName[1], typeAndName[0], attack.getValue(), 64, 48, null);
      bad.add(frame.getFrameId());
      fleet.send(frame);
    }
    String good = fleet.send("car-15", null, "good-after-corrupt-images", "image/png", Samples.png(103), 28, 28);

    await().atMost(Duration.ofSeconds(60)).until(() -> values(Topics.PREDICTIONS).stream().anyMatch(p -> p.getFrameId().equals(good)));
    Map<String, String> reasons = new java.util.HashMap<>();
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      values(Topics.FRAMES_DLQ).forEach(d -> reasons.put(d.getKey(), d.getReason()));
      return reasons.keySet().containsAll(bad);
    });
    assertThat(values(Topics.PREDICTIONS)).noneMatch(p -> bad.contains(p.getFrameId()));
    assertThat(values(Topics.LABELS)).noneMatch(l -> bad.contains(l.getFrameId()));
    List<String> attackNames = List.copyOf(attacks.keySet());
    for (int i = 0; i < bad.size(); i++) {
      String expectedCode = attackNames.get(i).split(" ")[2];
      assertThat(reasons.get(bad.get(i))).as(attackNames.get(i)).startsWith("cannot decode frame: " + expectedCode + ": ");
    }
  }

  private static byte[] png(int width, int height) throws java.io.IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(width, height, java.awt.image.BufferedImage.TYPE_BYTE_GRAY), "png", out);
    return out.toByteArray();
  }

  /** A 1x1 PNG whose header (with a valid CRC) claims a huge size. */
  private static byte[] pngClaiming(int width, int height) throws java.io.IOException {
    byte[] png = png(1, 1);
    java.nio.ByteBuffer.wrap(png, 16, 8).putInt(width).putInt(height);
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(png, 12, 17);
    java.nio.ByteBuffer.wrap(png, 29, 4).putInt((int) crc.getValue());
    return png;
  }

  @Test
  void shouldDeadLetterAFrameByReferenceOnlyWhenNoFrameStoreIsConfigured() throws Exception {
    byte[] png = Samples.png(104);
    Frame byReference = FleetFrameProducer.frame("car-16", null, "by-ref-without-store", "image/png", new byte[0], 28, 28, null);
    byReference.setImageRef(io.labelstream.platform.store.ContentKeys.ref("file:///var/lib/labelstream/frames", png,
        "image/png"));
    fleet.send(byReference);
    String good = fleet.send("car-16", null, "inline-without-store", "image/png", png, 28, 28);

    await().atMost(Duration.ofSeconds(60)).until(() -> values(Topics.PREDICTIONS).stream().anyMatch(p -> p.getFrameId().equals(good)));
    await().atMost(Duration.ofSeconds(10)).until(() -> values(Topics.FRAMES_DLQ).stream()
        .anyMatch(d -> byReference.getFrameId().equals(d.getKey())));

    DeadLetter letter = values(Topics.FRAMES_DLQ).stream().filter(d -> byReference.getFrameId().equals(d.getKey()))
        .findFirst().orElseThrow();
    assertThat(letter.getReason()).startsWith("cannot read frame image: no_frame_store: ").contains("FRAME_STORE");
    // Without a store, an inline frame's label says nothing of a store: its image is in frames.v1 only.
    assertThat(values(Topics.LABELS)).filteredOn(l -> l.getFrameId().equals(good)).allSatisfy(l -> assertThat(l.getImageRef()).isNull());
    assertThat(values(Topics.REVIEW_REQUESTS)).filteredOn(r -> r.getFrameId().equals(good)).allSatisfy(r -> assertThat(r.getImageRef()).isNull());
  }

  @Test
  void shouldScaleDownAndLabelALargeCameraJpeg() throws Exception {
    java.awt.image.BufferedImage big = new java.awt.image.BufferedImage(1920, 1080, java.awt.image.BufferedImage.TYPE_INT_RGB);
    java.io.ByteArrayOutputStream jpeg = new java.io.ByteArrayOutputStream();
    javax.imageio.ImageIO.write(big, "jpeg", jpeg);
    String frameId = fleet.send("car-15", null, "big-jpeg", "image/jpeg", jpeg.toByteArray(), 1920, 1080);

    await().atMost(Duration.ofSeconds(60)).until(() -> values(Topics.PREDICTIONS).stream().anyMatch(p -> p.getFrameId().equals(frameId)));
  }

  private static <V> List<V> values(Topic<String, V> topic) {
    return TopicRecords.readAll(KAFKA.bootstrapServers(), topic.name()).stream()
        .map(r -> topic.valueSerde().deserializer().deserialize(topic.name(), r.value()))
        .toList();
  }
}
