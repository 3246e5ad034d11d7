package io.labelstream.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labelstream.ingest.config.IngestConfig;
import io.labelstream.ingest.http.FrameSubmitter.Pending;
import io.labelstream.ingest.kafka.FrameWriter;
import io.labelstream.ingest.kafka.RecentFrames;
import io.labelstream.ingest.metrics.IngestMetrics;
import io.labelstream.ingest.store.ClaimCheck;
import io.labelstream.kafka.embedded.EmbeddedKafkaExtension;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.http.ApiException;
import io.labelstream.platform.kafka.KafkaClients;
import io.labelstream.platform.kafka.TopicProvisioner;
import io.labelstream.platform.store.ContentKeys;
import io.labelstream.platform.store.FileFrameStore;
import io.labelstream.schemas.avro.Frame;
import io.labelstream.testsupport.TestSenders;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Frames waiting for the frame store take their share of the in-flight budget like frames waiting for Kafka: a busy
 * store turns into 503 {@code ingest_busy}, never a queue that grows; once a put is over only the small record is
 * held until Kafka answers. The store threads are held back here (their tasks queue until the test runs them) so
 * that "waiting for the store" is a state the test controls; the store itself is a real {@link FileFrameStore}.
 */
class StoreBackPressureIT {

  @RegisterExtension
  static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  private static final int IMAGE_BYTES = 2_000;

  @TempDir
  Path dir;

  @Test
  void shouldRefuseFramesBeyondTheBudgetWhileEarlierOnesWaitForTheStore() throws Exception {
    // Room for two frames of 2,000 bytes (each costs its bytes + 512), not three.
    IngestConfig config = IngestConfig.from(new Env(TestSenders.with(Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers(),
        "INGEST_MAX_BYTES", "4096", "INGEST_MAX_BATCH_BYTES", "4096", "INGEST_MAX_IN_FLIGHT_BYTES", "6000",
        "FRAME_STORE", dir.resolve("frames").toUri().toString(), "FRAME_STORE_INLINE_MAX_BYTES", "0"))));
    TopicProvisioner.ensureTopics(config.kafka());
    List<Runnable> waitingForStore = new ArrayList<>();
    Executor heldStoreThreads = waitingForStore::add;
    IngestMetrics metrics = new IngestMetrics();
    metrics.bindTo(new SimpleMeterRegistry());
    FileFrameStore store = new FileFrameStore(dir.resolve("frames"));
    try (FrameWriter writer = new FrameWriter(config, KafkaClients.at(KAFKA.bootstrapServers(), "ingest", null))) {
      FrameSubmitter submitter = new FrameSubmitter(writer, new RecentFrames(100), Optional.of(
          new ClaimCheck(store, heldStoreThreads, config.frameStore().inlineMaxBytes(), config.storeTimeout(), metrics)));
      List<byte[]> images = List.of(image(1), image(2), image(3));

      Pending first = submitter.submit(frame("f1", images.get(0)), true);
      Pending second = submitter.submit(frame("f2", images.get(1)), true);

      assertThatThrownBy(() -> submitter.submit(frame("f3", images.get(2)), true))
          .isInstanceOfSatisfying(ApiException.class, busy -> {
            assertThat(busy.status()).isEqualTo(503);
            assertThat(busy.code()).isEqualTo("ingest_busy");
          });
      assertThat(waitingForStore).as("nothing queued for the refused frame").hasSize(2);

      // The puts end: each frame now holds only its record's share until Kafka answers.
      waitingForStore.forEach(Runnable::run);
      Pending third = submitter.submit(frame("f3", images.get(2)), true);
      waitingForStore.get(2).run();

      for (Pending pending : List.of(first, second, third)) {
        assertThat(pending.acked().get()).isNotNull();
      }
      for (byte[] image : images) {
        assertThat(Files.readAllBytes(dir.resolve("frames").resolve(ContentKeys.key(ContentKeys.sha256(image)))))
            .isEqualTo(image);
      }
    }
  }

  private static byte[] image(long seed) {
    byte[] bytes = new byte[IMAGE_BYTES];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  private static Frame frame(String frameId, byte[] image) {
    return Frame.newBuilder().setFrameId(frameId).setDeviceId("budget-car").setIngestedAt(Instant.now())
        .setContentType("image/jpeg").setWidth(1).setHeight(1).setImage(ByteBuffer.wrap(image))
        .setAttributes(Map.of(FrameChecks.SENDER_ATTRIBUTE, "test-fleet")).build();
  }
}
