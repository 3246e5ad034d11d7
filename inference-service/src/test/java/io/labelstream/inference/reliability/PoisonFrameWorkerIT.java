package io.labelstream.inference.reliability;

import static io.labelstream.testsupport.HostileImages.RGBA;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labelstream.inference.Samples;
import io.labelstream.kafka.embedded.EmbeddedKafkaExtension;
import io.labelstream.kafka.embedded.TopicRecords;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.kafka.KafkaSettings;
import io.labelstream.platform.kafka.TopicProvisioner;
import io.labelstream.schemas.FleetFrameProducer;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.DeadLetter;
import io.labelstream.schemas.avro.Frame;
import io.labelstream.testsupport.HostileImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Decompression bombs written straight to frames.v1 (as an older ingest, or a fleet producing to Kafka itself,
 * would let through) against a worker in a JVM of its own with the deployment's memory settings: before the decode
 * budget, two 8192x8192 16-bit RGBA PNGs made it exit on OutOfMemoryError, and again after every restart, as the
 * frames were never committed past.
 */
class PoisonFrameWorkerIT {

  /**
   * deploy/base/inference.yaml: a 2 GiB container, {@code JAVA_TOOL_OPTIONS=-XX:MaxRAMPercentage=60
   * -XX:+ExitOnOutOfMemoryError}. MaxRAM stands in for the container's memory limit.
   */
  private static final List<String> DEPLOYMENT_JVM = List.of("-XX:MaxRAM=2g", "-XX:MaxRAMPercentage=60",
      "-XX:+ExitOnOutOfMemoryError");

  @RegisterExtension
  static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  private final Path logs = Path.of("target", "poison-frame-logs");

  @Test
  void shouldSurviveTwoSixteenBitPngBombsAndEveryOtherPoisonFrameWithTheDeploymentsHeapAndCommitPastThem() throws Exception {
    Files.createDirectories(logs);
    TopicProvisioner.ensureTopics(KafkaSettings.from(new Env(Map.of("KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers()))));
    byte[] sixteenBitBomb = HostileImages.pngOfZeros(8192, 8192, 16, RGBA);
    List<Frame> bombs = List.of(
        FleetFrameProducer.frame("bomber", null, "png-bomb-1", "image/png", sixteenBitBomb, 8192, 8192, null),
        FleetFrameProducer.frame("bomber", null, "png-bomb-2", "image/png", sixteenBitBomb, 8192, 8192, null),
        FleetFrameProducer.frame("bomber", null, "rgba-8000", "image/png",
            HostileImages.pngOfZeros(8000, 8000, 8, RGBA), 8000, 8000, null),
        FleetFrameProducer.frame("bomber", null, "jpeg-lie-8000", "image/jpeg",
            HostileImages.jpegClaiming(8000, 8000), 8000, 8000, null),
        FleetFrameProducer.frame("bomber", null, "jpeg-lie-16000", "image/jpeg",
            HostileImages.jpegClaiming(16000, 16000), 16000, 16000, null));
    // The rest of the hostile-input suite, under the same heap: frame -> the code its dead letter must give.
    byte[] jpeg = HostileImages.noiseJpeg(64, 48);
    byte[] png = HostileImages.noisePng(64, 48);
    Map<Frame, String> broken = Map.of(
        FleetFrameProducer.frame("bomber", null, "truncated-jpeg", "image/jpeg",
            HostileImages.truncatedAfterStartOfScan(jpeg, 40), 64, 48, null), "truncated_image",
        FleetFrameProducer.frame("bomber", null, "tailed-jpeg", "image/jpeg",
            HostileImages.withTrailingGarbage(jpeg), 64, 48, null), "data_after_image_end",
        FleetFrameProducer.frame("bomber", null, "tailed-png", "image/png",
            HostileImages.withTrailingGarbage(png), 64, 48, null), "data_after_image_end",
        FleetFrameProducer.frame("bomber", null, "bad-crc-png", "image/png",
            HostileImages.withBadIdatCrc(png), 64, 48, null), "corrupt_image",
        FleetFrameProducer.frame("bomber", null, "jpeg-lie-6000", "image/jpeg",
            HostileImages.jpegClaiming(6000, 4000), 6000, 4000, null), "corrupt_image");
    Frame normal = FleetFrameProducer.frame("bomber", null, "normal-after-bombs", "image/png", Samples.png(7), 28, 28, null);
    try (FleetFrameProducer fleet = new FleetFrameProducer(Map.of("bootstrap.servers", KAFKA.bootstrapServers()))) {
      fleet.sendAll(bombs);
      fleet.sendAll(List.copyOf(broken.keySet()));
      fleet.sendAll(List.of(normal));
    }

    Path log = logs.resolve("worker.log");
    // Two decode threads, as on the deployment's two cores: both bombs are decoded at once.
    Process worker = WorkerProcess.start(KAFKA.bootstrapServers(), log,
        Map.of("INFERENCE_INSTANCE_ID", "poisoned-worker", "INFERENCE_DECODE_THREADS", "2"), DEPLOYMENT_JVM);
    try {
      try {
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
            .failFast("the worker exited", () -> !worker.isAlive())
            .until(() -> TopicRecords.countByKey(KAFKA.bootstrapServers(), Topics.PREDICTIONS.name())
                .containsKey(normal.getFrameId()));
      } catch (ConditionTimeoutException | org.awaitility.core.TerminalFailureException e) {
        throw new AssertionError("the worker did not label the normal frame; its log (" + log.toAbsolutePath()
            + ") ends with:\n" + tail(log), e);
      }
      List<String> poisoned = new ArrayList<>(bombs.stream().map(Frame::getFrameId).toList());
      broken.keySet().forEach(frame -> poisoned.add(frame.getFrameId()));
      Map<String, String> reasons = new HashMap<>();
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        reasons.putAll(deadLetterReasons());
        return reasons.keySet().containsAll(poisoned);
      });
      assertThat(reasons).containsOnlyKeys(poisoned);
      bombs.forEach(bomb -> assertThat(reasons.get(bomb.getFrameId())).as(bomb.getFrameId()).contains("image_too_large"));
      broken.forEach((frame, code) -> assertThat(reasons.get(frame.getFrameId())).as(frame.getFrameId())
          .startsWith("cannot decode frame: " + code + ": "));
      assertThat(TopicRecords.countByKey(KAFKA.bootstrapServers(), Topics.PREDICTIONS.name()))
          .containsOnlyKeys(normal.getFrameId());
      await().atMost(Duration.ofSeconds(30)).until(this::committedToTheEnd);
      assertThat(worker.isAlive()).as("the worker is still up").isTrue();
    } finally {
      worker.destroy();
      if (!worker.waitFor(30, TimeUnit.SECONDS)) {
        worker.destroyForcibly().waitFor();
      }
    }
  }

  private static Map<String, String> deadLetterReasons() {
    Map<String, String> reasons = new HashMap<>();
    TopicRecords.readAll(KAFKA.bootstrapServers(), Topics.FRAMES_DLQ.name()).forEach(record -> {
      DeadLetter letter = Topics.FRAMES_DLQ.valueSerde().deserializer().deserialize(record.topic(), record.value());
      reasons.put(letter.getKey(), letter.getReason());
    });
    return reasons;
  }

  /** The group's committed offsets are the end of every frames.v1 partition: no frame is left to redo. */
  private boolean committedToTheEnd() throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", KAFKA.bootstrapServers()))) {
      Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("labelstream-inference")
          .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
      List<TopicPartition> partitions = admin.describeTopics(List.of(Topics.FRAMES.name())).allTopicNames()
          .get(10, TimeUnit.SECONDS).get(Topics.FRAMES.name()).partitions().stream()
          .map(p -> new TopicPartition(Topics.FRAMES.name(), p.partition())).toList();
      Map<TopicPartition, Long> ends = admin.listOffsets(partitions.stream()
              .collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest()))).all().get(10, TimeUnit.SECONDS)
          .entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
      return ends.entrySet().stream().allMatch(e -> e.getValue() == 0
          || (committed.get(e.getKey()) != null && committed.get(e.getKey()).offset() == e.getValue()));
    }
  }

  private static String tail(Path log) throws Exception {
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
  }
}
