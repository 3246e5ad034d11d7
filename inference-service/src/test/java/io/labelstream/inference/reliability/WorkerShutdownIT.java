package io.labelstream.inference.reliability;

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
import io.labelstream.schemas.avro.Frame;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsResult;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SIGTERM mid-stream: the worker process finishes the batches it has polled, commits them, leaves the consumer
 * group and exits within its grace period; the next worker picks up exactly where it stopped.
 */
class WorkerShutdownIT {

  private static final int FRAMES = 4_000;
  private static final String GROUP = "labelstream-inference";
  private static final int GRACE_SECONDS = 20;

  @RegisterExtension
  static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  private final Path logs = Path.of("target", "worker-shutdown-logs");

  @Test
  void shouldFinishCommitAndLeaveTheGroupOnSigtermWithinTheGracePeriod() throws Exception {
    Files.createDirectories(logs);
    TopicProvisioner.ensureTopics(KafkaSettings.from(new Env(Map.of("KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers()))));
    produceFrames();
    Process first = startWorker("first");
    try {
      await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100))
          .until(() -> TopicRecords.readAll(KAFKA.bootstrapServers(), Topics.PREDICTIONS.name()).size() >= 500);

      long signalled = System.nanoTime();
      first.destroy(); // SIGTERM, as Kubernetes sends it
      boolean exited = first.waitFor(GRACE_SECONDS + 10, TimeUnit.SECONDS);
      long stopMillis = (System.nanoTime() - signalled) / 1_000_000;

      assertThat(exited).as("exited within the grace period").isTrue();
      // 143 = 128 + SIGTERM: the JVM ran its shutdown hooks to the end (a grace overrun halts with 1).
      assertThat(first.exitValue()).isEqualTo(143);
      String log = Files.readString(logs.resolve("first.log"));
      assertThat(log).contains("every polled frame is routed and committed").contains("inference: stopped cleanly");
      System.out.printf("worker stopped %d ms after SIGTERM%n", stopMillis);
    } finally {
      first.destroyForcibly().waitFor();
    }

    long routed = TopicRecords.countByKey(KAFKA.bootstrapServers(), Topics.PREDICTIONS.name()).size();
    assertThat(routed).as("stopped mid-stream").isLessThan(FRAMES);
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", KAFKA.bootstrapServers()))) {
      ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(GROUP)).describedGroups().get(GROUP)
          .get(30, TimeUnit.SECONDS);
      // A worker that just died would still be a member until its session timed out (45 s).
      assertThat(group.members()).as("members right after the worker stopped").isEmpty();
      // Everything routed is committed, and nothing committed is unrouted: no half-finished batch was left behind.
      assertThat(committedOffsets(admin)).isEqualTo(routed);
    }

    Process second = startWorker("second");
    try {
      await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
          .until(() -> TopicRecords.countByKey(KAFKA.bootstrapServers(), Topics.PREDICTIONS.name()).size() == FRAMES);
    } finally {
      second.destroy();
      second.waitFor(GRACE_SECONDS + 10, TimeUnit.SECONDS);
      second.destroyForcibly().waitFor();
    }
    Map<String, Long> predictions = TopicRecords.countByKey(KAFKA.bootstrapServers(), Topics.PREDICTIONS.name());
    assertThat(predictions).hasSize(FRAMES);
    assertThat(predictions.values()).containsOnly(1L);
  }

  private long committedOffsets(Admin admin) throws Exception {
    ListConsumerGroupOffsetsResult offsets = admin.listConsumerGroupOffsets(GROUP);
    return offsets.partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS).values().stream()
        .mapToLong(OffsetAndMetadata::offset).sum();
  }

  private void produceFrames() throws Exception {
    List<Frame> frames = new ArrayList<>();
    for (int i = 0; i < FRAMES; i++) {
      frames.add(FleetFrameProducer.frame("term-cam", null, "term-" + i, "image/png", Samples.png(i % 1000), 28, 28, null));
    }
    try (FleetFrameProducer fleet = new FleetFrameProducer(Map.of("bootstrap.servers", KAFKA.bootstrapServers(), "linger.ms", 5))) {
      fleet.sendAll(frames);
    }
  }

  private Process startWorker(String name) throws Exception {
    return WorkerProcess.start(KAFKA.bootstrapServers(), logs.resolve(name + ".log"),
        Map.of("SHUTDOWN_GRACE_SECONDS", Integer.toString(GRACE_SECONDS)));
  }
}
