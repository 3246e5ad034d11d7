package io.labelstream.inference.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labelstream.inference.InferenceService;
import io.labelstream.inference.Samples;
import io.labelstream.inference.config.InferenceConfig;
import io.labelstream.kafka.embedded.EmbeddedKafkaExtension;
import io.labelstream.kafka.embedded.TopicRecords;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.store.ContentKeys;
import io.labelstream.platform.store.FileFrameStore;
import io.labelstream.schemas.FleetFrameProducer;
import io.labelstream.schemas.Topic;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.DeadLetter;
import io.labelstream.schemas.avro.Frame;
import io.labelstream.schemas.avro.ImageRef;
import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.Prediction;
import io.labelstream.schemas.avro.ReviewRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real worker with the real model on a real broker, reading frames through a real frame store in a folder: frames
 * by reference only, frames inline only, a store that goes away and comes back, objects corrupted or missing.
 */
class FrameStoreWorkerIT {

  @RegisterExtension
  static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  @TempDir
  static Path folder;

  private static Path root;
  private static FileFrameStore store;
  private static InferenceService inference;
  private static FleetFrameProducer fleet;

  @BeforeAll
  static void start() throws Exception {
    root = Files.createDirectories(folder.resolve("frames"));
    store = new FileFrameStore(root);
    inference = InferenceService.start(InferenceConfig.from(new Env(Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers(),
        "HTTP_HOST", "127.0.0.1",
        "INFERENCE_PORT", "0",
        "INFERENCE_ROUTING_THRESHOLD", "0.9",
        "INFERENCE_AUDIT_RATE", "0",
        "FRAME_STORE", root.toUri().toString()))));
    fleet = new FleetFrameProducer(Map.of("bootstrap.servers", KAFKA.bootstrapServers()));
  }

  @AfterAll
  static void stop() {
    fleet.close();
    inference.close();
  }

  @Test
  void shouldLabelFramesByReferenceOnlyExactlyAsTheSameFramesInlineAndPassTheReferenceOn() throws Exception {
    List<Frame> byReference = new ArrayList<>();
    List<Frame> inline = new ArrayList<>();
    Map<String, ImageRef> refs = new HashMap<>();
    for (int i = 0; i < 20; i++) {
      ImageRef ref = store.put(Samples.png(i), "image/png");
      Frame frame = byReference("by-ref-" + i, ref);
      byReference.add(frame);
      refs.put(frame.getFrameId(), ref);
      inline.add(FleetFrameProducer.frame("car-1", null, "inline-" + i, "image/png", Samples.png(i), 28, 28, null));
    }
    List<Frame> all = new ArrayList<>(byReference);
    all.addAll(inline);
    fleet.sendAll(all);
    List<String> ids = all.stream().map(Frame::getFrameId).toList();

    await().atMost(Duration.ofSeconds(60)).until(() -> predictions(ids).size() == ids.size());

    Map<String, Prediction> predictions = predictions(ids);
    for (int i = 0; i < 20; i++) {
      Prediction fromStore = predictions.get(byReference.get(i).getFrameId());
      Prediction fromRecord = predictions.get(inline.get(i).getFrameId());
      assertThat(fromStore.getClassIndex()).as("frame %d", i).isEqualTo(fromRecord.getClassIndex());
      assertThat(fromStore.getScore()).as("frame %d", i).isEqualTo(fromRecord.getScore());
      assertThat(fromStore.getTopK()).as("frame %d", i).isEqualTo(fromRecord.getTopK());
    }
    Map<String, ImageRef> passedOn = passedOnRefs(ids);
    assertThat(passedOn).as("one label or review request per frame").hasSize(ids.size());
    byReference.forEach(f -> assertThat(passedOn.get(f.getFrameId())).isEqualTo(refs.get(f.getFrameId())));
    // A frame that came inline only is put in the store, and its label or review request says where.
    for (int i = 0; i < 20; i++) {
      ImageRef ref = passedOn.get(inline.get(i).getFrameId());
      assertThat(ref.getSha256()).isEqualTo(ContentKeys.sha256(Samples.png(i)));
      assertThat(store.get(ref)).isEqualTo(Samples.png(i));
    }
    assertThat(values(Topics.FRAMES_DLQ)).noneMatch(d -> ids.contains(d.getKey()));
    assertThat(reviewRequests(ids)).allSatisfy(r -> assertThat(r.getImage()).isNull());
  }

  @Test
  void shouldPauseWhileTheStoreIsGoneThenLabelEveryFrameOnceWithNothingSkippedOrDeadLettered() throws Exception {
    List<Frame> frames = new ArrayList<>();
    for (int i = 100; i < 130; i++) {
      frames.add(byReference("outage-" + i, store.put(Samples.png(i), "image/png")));
    }
    List<String> ids = frames.stream().map(Frame::getFrameId).toList();
    double pausesBefore = meter("labelstream_inference_store_pauses_total");
    Path away = folder.resolve("frames-away");
    Files.move(root, away);
    try {
      fleet.sendAll(frames);

      // The worker tries, finds the store down, and tries again after a back-off: three times at least (about two
      // seconds of outage) before it is back.
      await().atMost(Duration.ofSeconds(30))
          .until(() -> meter("labelstream_inference_store_pauses_total") >= pausesBefore + 3);
      HttpResponse<String> readiness = get("/readyz");
      assertThat(readiness.statusCode()).isEqualTo(503);
      assertThat(readiness.body()).contains("\"notReady\":[\"frame-store\"]");
      assertThat(meter("labelstream_inference_store_available")).isZero();
      assertThat(predictions(ids)).isEmpty();
      assertThat(values(Topics.FRAMES_DLQ)).noneMatch(d -> ids.contains(d.getKey()));
    } finally {
      Files.move(away, root);
    }

    await().atMost(Duration.ofSeconds(60)).until(() -> predictions(ids).size() == ids.size());
    List<Prediction> everyPrediction = values(Topics.PREDICTIONS).stream().filter(p -> ids.contains(p.getFrameId())).toList();
    assertThat(everyPrediction).as("one prediction per frame: exactly once across the outage").hasSize(ids.size());
    List<String> routed = new ArrayList<>();
    labels(ids).forEach(l -> routed.add(l.getFrameId()));
    reviewRequests(ids).forEach(r -> routed.add(r.getFrameId()));
    assertThat(routed).as("each frame labelled or sent to review, once").containsExactlyInAnyOrderElementsOf(ids);
    assertThat(values(Topics.FRAMES_DLQ)).noneMatch(d -> ids.contains(d.getKey()));
    assertThat(get("/readyz").statusCode()).isEqualTo(200);
    assertThat(meter("labelstream_inference_store_available")).isEqualTo(1);
  }

  @Test
  void shouldDeadLetterACorruptedObjectNamingTheSha256MismatchAndLabelTheNextFrame() throws Exception {
    ImageRef corrupted = store.put(Samples.png(200), "image/png");
    // Same size, one byte flipped (a bit rot): only the SHA-256 tells.
    byte[] rotten = Samples.png(200);
    rotten[rotten.length / 2] ^= (byte) 0xFF;
    Files.write(root.resolve(corrupted.getKey()), rotten);
    Frame bad = byReference("corrupted-object", corrupted);
    Frame good = byReference("good-after-corrupted", store.put(Samples.png(202), "image/png"));
    fleet.sendAll(List.of(bad, good));

    await().atMost(Duration.ofSeconds(60)).until(() -> predictions(List.of(good.getFrameId())).size() == 1);
    DeadLetter letter = deadLetter(bad.getFrameId());

    assertThat(letter.getStage()).isEqualTo("inference");
    assertThat(letter.getReason()).startsWith("cannot read frame image: image_corrupt: ");
    assertThat(letter.getReason()).contains("does not match its SHA-256", corrupted.getSha256());
    assertThat(predictions(List.of(bad.getFrameId()))).isEmpty();
    assertThat(labels(List.of(bad.getFrameId()))).isEmpty();
  }

  @Test
  void shouldDeadLetterAFrameWhoseObjectIsMissingOrInAnotherStoreAndLabelTheNextFrame() throws Exception {
    Frame missing = byReference("missing-object", ContentKeys.ref(store.location(), Samples.png(300), "image/png"));
    Frame elsewhere = byReference("other-store", ContentKeys.ref("s3://someone-elses-bucket/frames",
        Samples.png(301), "image/png"));
    Frame good = byReference("good-after-missing", store.put(Samples.png(302), "image/png"));
    fleet.sendAll(List.of(missing, elsewhere, good));

    await().atMost(Duration.ofSeconds(60)).until(() -> predictions(List.of(good.getFrameId())).size() == 1);

    assertThat(deadLetter(missing.getFrameId()).getReason()).startsWith("cannot read frame image: image_missing: ");
    assertThat(deadLetter(elsewhere.getFrameId()).getReason())
        .startsWith("cannot read frame image: other_frame_store: ").contains("s3://someone-elses-bucket/frames");
    assertThat(predictions(List.of(missing.getFrameId(), elsewhere.getFrameId()))).isEmpty();
    assertThat(meter("labelstream_inference_store_reads_total")).isPositive();
    assertThat(scrape()).contains("labelstream_inference_store_reads_total{outcome=\"missing\"",
        "labelstream_inference_store_read_time_seconds_count");
  }

  private static Frame byReference(String key, ImageRef ref) {
    Frame frame = FleetFrameProducer.frame("car-2", null, key, "image/png", new byte[0], 28, 28, null);
    frame.setImage(ByteBuffer.allocate(0));
    frame.setImageRef(ref);
    return frame;
  }

  private static DeadLetter deadLetter(String frameId) {
    return await().atMost(Duration.ofSeconds(30)).until(
        () -> values(Topics.FRAMES_DLQ).stream().filter(d -> frameId.equals(d.getKey())).findFirst().orElse(null),
        java.util.Objects::nonNull);
  }

  private static Map<String, Prediction> predictions(List<String> ids) {
    return values(Topics.PREDICTIONS).stream().filter(p -> ids.contains(p.getFrameId()))
        .collect(Collectors.toMap(Prediction::getFrameId, Function.identity(), (a, b) -> a));
  }

  private static List<Label> labels(List<String> ids) {
    return values(Topics.LABELS).stream().filter(l -> ids.contains(l.getFrameId())).toList();
  }

  private static List<ReviewRequest> reviewRequests(List<String> ids) {
    return values(Topics.REVIEW_REQUESTS).stream().filter(r -> ids.contains(r.getFrameId())).toList();
  }

  /** The reference each frame's label or review request carries. */
  private static Map<String, ImageRef> passedOnRefs(List<String> ids) {
    Map<String, ImageRef> refs = new HashMap<>();
    labels(ids).forEach(l -> refs.put(l.getFrameId(), l.getImageRef()));
    reviewRequests(ids).forEach(r -> refs.put(r.getFrameId(), r.getImageRef()));
    return refs;
  }

  private static <V> List<V> values(Topic<String, V> topic) {
    return TopicRecords.readAll(KAFKA.bootstrapServers(), topic.name()).stream()
        .map(r -> topic.valueSerde().deserializer().deserialize(topic.name(), r.value()))
        .toList();
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + inference.port() + path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String scrape() throws Exception {
    return get("/metrics").body();
  }

  /** The sum of a meter's samples over all its tags, 0 when it is not there yet. */
  private static double meter(String name) throws Exception {
    return scrape().lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }
}
