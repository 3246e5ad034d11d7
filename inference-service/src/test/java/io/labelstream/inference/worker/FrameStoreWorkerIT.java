package io.labelstream.inference.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labelstream.inference.InferenceService;
import io.labelstream.inference.Samples;
import io.labelstream.inference.config.InferenceConfig;
import io.labelstream.kafka.embedded.EmbeddedKafkaExtension;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.store.ContentKeys;
import io.labelstream.platform.store.FileFrameStore;
import io.labelstream.schemas.FleetFrameProducer;
import io.labelstream.schemas.avro.DeadLetter;
import io.labelstream.schemas.avro.Frame;
import io.labelstream.schemas.avro.ImageRef;
import io.labelstream.schemas.avro.Prediction;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
  private static WorkerOutputs out;

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
    out = new WorkerOutputs(KAFKA.bootstrapServers(), inference::port);
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
      Frame frame = WorkerOutputs.byReference("by-ref-" + i, ref);
      byReference.add(frame);
      refs.put(frame.getFrameId(), ref);
      inline.add(FleetFrameProducer.frame("car-1", null, "inline-" + i, "image/png", Samples.png(i), 28, 28, null));
    }
    List<Frame> all = new ArrayList<>(byReference);
    all.addAll(inline);
    fleet.sendAll(all);
    List<String> ids = all.stream().map(Frame::getFrameId).toList();

    await().atMost(Duration.ofSeconds(60)).until(() -> out.predictions(ids).size() == ids.size());

    Map<String, Prediction> predictions = out.predictions(ids);
    for (int i = 0; i < 20; i++) {
      Prediction fromStore = predictions.get(byReference.get(i).getFrameId());
      Prediction fromRecord = predictions.get(inline.get(i).getFrameId());
      assertThat(fromStore.getClassIndex()).as("frame %d", i).isEqualTo(fromRecord.getClassIndex());
      assertThat(fromStore.getScore()).as("frame %d", i).isEqualTo(fromRecord.getScore());
      assertThat(fromStore.getTopK()).as("frame %d", i).isEqualTo(fromRecord.getTopK());
    }
    Map<String, ImageRef> passedOn = out.passedOnRefs(ids);
    assertThat(passedOn).as("one label or review request per frame").hasSize(ids.size());
    byReference.forEach(f -> assertThat(passedOn.get(f.getFrameId())).isEqualTo(refs.get(f.getFrameId())));
    // A frame that came inline only is put in the store, and its label or review request says where.
    for (int i = 0; i < 20; i++) {
      ImageRef ref = passedOn.get(inline.get(i).getFrameId());
      assertThat(ref.getSha256()).isEqualTo(ContentKeys.sha256(Samples.png(i)));
      assertThat(store.get(ref)).isEqualTo(Samples.png(i));
    }
    assertThat(out.deadLetters(ids)).isEmpty();
    assertThat(out.reviewRequests(ids)).allSatisfy(r -> assertThat(r.getImage()).isNull());
  }

  @Test
  void shouldPauseWhileTheStoreIsGoneThenLabelEveryFrameOnceWithNothingSkippedOrDeadLettered() throws Exception {
    List<Frame> frames = new ArrayList<>();
    for (int i = 100; i < 130; i++) {
      frames.add(WorkerOutputs.byReference("outage-" + i, store.put(Samples.png(i), "image/png")));
    }
    List<String> ids = frames.stream().map(Frame::getFrameId).toList();
    double pausesBefore = out.meter("labelstream_inference_store_pauses_total");
    Path away = folder.resolve("frames-away");
    Files.move(root, away);
    try {
      fleet.sendAll(frames);

      // The worker tries, finds the store down, and tries again after a back-off: three times at least (about two
      // seconds of outage) before it is back.
      await().atMost(Duration.ofSeconds(30))
          .until(() -> out.meter("labelstream_inference_store_pauses_total") >= pausesBefore + 3);
      HttpResponse<String> readiness = out.get("/readyz");
      assertThat(readiness.statusCode()).isEqualTo(503);
      assertThat(readiness.body()).contains("\"notReady\":[\"frame-store\"]");
      assertThat(out.meter("labelstream_inference_store_available")).isZero();
      assertThat(out.predictions(ids)).isEmpty();
      assertThat(out.deadLetters(ids)).isEmpty();
    } finally {
      Files.move(away, root);
    }

    await().atMost(Duration.ofSeconds(60)).until(() -> out.predictions(ids).size() == ids.size());
    assertThat(out.everyPrediction(ids)).as("one prediction per frame: exactly once across the outage").hasSize(ids.size());
    List<String> routed = new ArrayList<>();
    out.labels(ids).forEach(l -> routed.add(l.getFrameId()));
    out.reviewRequests(ids).forEach(r -> routed.add(r.getFrameId()));
    assertThat(routed).as("each frame labelled or sent to review, once").containsExactlyInAnyOrderElementsOf(ids);
    assertThat(out.deadLetters(ids)).isEmpty();
    assertThat(out.get("/readyz").statusCode()).isEqualTo(200);
    assertThat(out.meter("labelstream_inference_store_available")).isEqualTo(1);
  }

  @Test
  void shouldDeadLetterACorruptedObjectNamingTheSha256MismatchAndLabelTheNextFrame() throws Exception {
    ImageRef corrupted = store.put(Samples.png(200), "image/png");
    // Same size, one byte flipped (a bit rot): only the SHA-256 tells.
    byte[] rotten = Samples.png(200);
    rotten[rotten.length / 2] ^= (byte) 0xFF;
    Files.write(root.resolve(corrupted.getKey()), rotten);
    Frame bad = WorkerOutputs.byReference("corrupted-object", corrupted);
    Frame good = WorkerOutputs.byReference("good-after-corrupted", store.put(Samples.png(202), "image/png"));
    fleet.sendAll(List.of(bad, good));

    await().atMost(Duration.ofSeconds(60)).until(() -> out.predictions(List.of(good.getFrameId())).size() == 1);
    DeadLetter letter = out.deadLetter(bad.getFrameId());

    assertThat(letter.getStage()).isEqualTo("inference");
    assertThat(letter.getReason()).startsWith("cannot read frame image: image_corrupt: ");
    assertThat(letter.getReason()).contains("does not match its SHA-256", corrupted.getSha256());
    assertThat(out.predictions(List.of(bad.getFrameId()))).isEmpty();
    assertThat(out.labels(List.of(bad.getFrameId()))).isEmpty();
  }

  @Test
  void shouldDeadLetterAFrameWhoseObjectIsMissingOrInAnotherStoreAndLabelTheNextFrame() throws Exception {
    Frame missing = WorkerOutputs.byReference("missing-object", ContentKeys.ref(store.location(), Samples.png(300), "image/png"));
    Frame elsewhere = WorkerOutputs.byReference("other-store", ContentKeys.ref("s3://someone-elses-bucket/frames",
        Samples.png(301), "image/png"));
    Frame good = WorkerOutputs.byReference("good-after-missing", store.put(Samples.png(302), "image/png"));
    fleet.sendAll(List.of(missing, elsewhere, good));

    await().atMost(Duration.ofSeconds(60)).until(() -> out.predictions(List.of(good.getFrameId())).size() == 1);

    assertThat(out.deadLetter(missing.getFrameId()).getReason()).startsWith("cannot read frame image: image_missing: ");
    assertThat(out.deadLetter(elsewhere.getFrameId()).getReason())
        .startsWith("cannot read frame image: other_frame_store: ").contains("s3://someone-elses-bucket/frames");
    assertThat(out.predictions(List.of(missing.getFrameId(), elsewhere.getFrameId()))).isEmpty();
    assertThat(out.scrape()).contains(
        "labelstream_frame_store_requests_total{operation=\"get\",outcome=\"missing\",service=\"inference\"}",
        "labelstream_frame_store_request_time_seconds_count{operation=\"get\",outcome=\"ok\"");
  }
}
