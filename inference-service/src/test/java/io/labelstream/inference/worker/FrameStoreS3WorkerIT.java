package io.labelstream.inference.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labelstream.inference.InferenceService;
import io.labelstream.inference.Samples;
import io.labelstream.inference.config.InferenceConfig;
import io.labelstream.kafka.embedded.EmbeddedKafkaExtension;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.store.ContentKeys;
import io.labelstream.platform.store.FrameStore;
import io.labelstream.platform.store.FrameStoreSettings;
import io.labelstream.schemas.FleetFrameProducer;
import io.labelstream.schemas.avro.Frame;
import io.labelstream.schemas.avro.ImageRef;
import io.labelstream.testsupport.S3ServerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The real worker on a real broker reading frames from a real S3 server (S3Proxy, a child process speaking the S3
 * protocol on 127.0.0.1) through the production S3 client: by reference, inline only, and across the server being
 * stopped and started again.
 */
class FrameStoreS3WorkerIT {

  @RegisterExtension
  static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  @RegisterExtension
  static final S3ServerExtension S3 = new S3ServerExtension("frames");

  private static FrameStore store;
  private static InferenceService inference;
  private static FleetFrameProducer fleet;
  private static WorkerOutputs out;

  @BeforeAll
  static void start() {
    Map<String, String> storeVariables = new HashMap<>(S3.frameStoreVariables("fleet-a"));
    // A stopped server refuses connections at once; a short call time also bounds a hung one.
    storeVariables.put("FRAME_STORE_TIMEOUT_MS", "2000");
    store = FrameStoreSettings.from(new Env(storeVariables)).open().orElseThrow();
    Map<String, String> env = new HashMap<>(storeVariables);
    env.putAll(Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers(),
        "HTTP_HOST", "127.0.0.1",
        "INFERENCE_PORT", "0",
        "INFERENCE_ROUTING_THRESHOLD", "0.9",
        "INFERENCE_AUDIT_RATE", "0"));
    inference = InferenceService.start(InferenceConfig.from(new Env(env)));
    fleet = new FleetFrameProducer(Map.of("bootstrap.servers", KAFKA.bootstrapServers()));
    out = new WorkerOutputs(KAFKA.bootstrapServers(), inference::port);
  }

  @AfterAll
  static void stop() {
    fleet.close();
    inference.close();
    store.close();
  }

  @Test
  void shouldLabelFramesByReferenceFromS3AndPutInlineOnlyFramesThere() throws Exception {
    List<Frame> frames = new ArrayList<>();
    Map<String, ImageRef> refs = new HashMap<>();
    for (int i = 0; i < 10; i++) {
      ImageRef ref = store.put(Samples.png(400 + i), "image/png");
      Frame frame = WorkerOutputs.byReference("s3-by-ref-" + i, ref);
      frames.add(frame);
      refs.put(frame.getFrameId(), ref);
    }
    List<Frame> inlineOnly = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      inlineOnly.add(FleetFrameProducer.frame("car-3", null, "s3-inline-" + i, "image/png", Samples.png(420 + i), 28,
          28, null));
    }
    List<Frame> all = new ArrayList<>(frames);
    all.addAll(inlineOnly);
    fleet.sendAll(all);
    List<String> ids = all.stream().map(Frame::getFrameId).toList();

    await().atMost(Duration.ofSeconds(60)).until(() -> out.predictions(ids).size() == ids.size());

    Map<String, ImageRef> passedOn = out.passedOnRefs(ids);
    frames.forEach(f -> assertThat(passedOn.get(f.getFrameId())).isEqualTo(refs.get(f.getFrameId())));
    for (int i = 0; i < inlineOnly.size(); i++) {
      ImageRef ref = passedOn.get(inlineOnly.get(i).getFrameId());
      assertThat(ref.getStore()).isEqualTo(store.location());
      assertThat(ref.getSha256()).isEqualTo(ContentKeys.sha256(Samples.png(420 + i)));
      assertThat(store.get(ref)).isEqualTo(Samples.png(420 + i));
    }
    long correct = frames.stream().filter(f -> out.predictions(ids).get(f.getFrameId()).getClassIndex()
        == Samples.trueClass(400 + frames.indexOf(f))).count();
    assertThat(correct).as("the images read from S3 are the frames' own").isGreaterThanOrEqualTo(7);
    assertThat(out.deadLetters(ids)).isEmpty();
  }

  @Test
  void shouldPauseWhileS3IsDownThenLabelEveryFrameOnceWithNothingSkippedOrDeadLettered() throws Exception {
    List<Frame> frames = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      frames.add(WorkerOutputs.byReference("s3-outage-" + i, store.put(Samples.png(450 + i), "image/png")));
    }
    List<String> ids = frames.stream().map(Frame::getFrameId).toList();
    double pausesBefore = out.meter("labelstream_inference_store_pauses_total");
    S3.server().stop();
    try {
      fleet.sendAll(frames);

      await().atMost(Duration.ofSeconds(60))
          .until(() -> out.meter("labelstream_inference_store_pauses_total") >= pausesBefore + 3);
      assertThat(out.get("/readyz").statusCode()).isEqualTo(503);
      assertThat(out.predictions(ids)).isEmpty();
      assertThat(out.deadLetters(ids)).isEmpty();
    } finally {
      S3.server().restart();
    }

    await().atMost(Duration.ofSeconds(60)).until(() -> out.predictions(ids).size() == ids.size());
    assertThat(out.everyPrediction(ids)).as("one prediction per frame: exactly once across the outage").hasSize(ids.size());
    assertThat(out.labels(ids).size() + out.reviewRequests(ids).size()).isEqualTo(ids.size());
    assertThat(out.deadLetters(ids)).isEmpty();
    assertThat(out.get("/readyz").statusCode()).isEqualTo(200);
    assertThat(out.scrape()).contains(
        "labelstream_frame_store_requests_total{operation=\"get\",outcome=\"unavailable\",service=\"inference\"}");
  }
}
