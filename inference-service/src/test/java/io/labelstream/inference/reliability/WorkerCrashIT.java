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
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Exactly-once under crashes: the inference worker runs as a separate OS process and is killed with SIGKILL three
 * times while 10,000 frames flow. Reading read_committed afterwards, every frame has exactly one prediction and
 * exactly one routing decision.
 */
class WorkerCrashIT {

  private static final int FRAMES = 10_000;

  @RegisterExtension
  static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  /** Worker logs stay in target/ so a failure can be read afterwards. */
  private final Path logs = Path.of("target", "worker-crash-logs");
  private Process worker;

  @Test
  void shouldNeitherLoseNorRepeatARoutingDecisionWhenTheWorkerIsKilledThreeTimes() throws Exception {
    Files.createDirectories(logs);
    TopicProvisioner.ensureTopics(KafkaSettings.from(new Env(Map.of("KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers()))));
    List<String> frameIds = produceFrames();
    Random random = new Random(11);
    worker = startWorker(0);
    try {
      for (int kill = 1; kill <= 3; kill++) {
        long routedBefore = committed(Topics.PREDICTIONS.name());
        // Let it make some progress, then kill it at a random moment mid-stream.
        long goal = Math.min(FRAMES - 1, routedBefore + 300 + random.nextInt(900));
        awaitOrExplain(Duration.ofMinutes(3), Duration.ofMillis(200), "worker " + (kill - 1) + " routing " + goal + " frames",
            () -> committed(Topics.PREDICTIONS.name()) >= goal);
        worker.destroyForcibly().waitFor();
        // The kill must land mid-stream, or it proves nothing.
        assertThat(distinctFrames(Topics.PREDICTIONS.name())).as("frames routed when killed").isLessThan(FRAMES);
        worker = startWorker(kill);
      }
      awaitOrExplain(Duration.ofMinutes(5), Duration.ofSeconds(1), "the last worker routing all " + FRAMES + " frames",
          () -> distinctFrames(Topics.PREDICTIONS.name()) == FRAMES);
    } finally {
      stop(worker);
    }

    Map<String, Long> predictions = TopicRecords.countByKey(KAFKA.bootstrapServers(), Topics.PREDICTIONS.name());
    Map<String, Long> labels = TopicRecords.countByKey(KAFKA.bootstrapServers(), Topics.LABELS.name());
    Map<String, Long> reviews = TopicRecords.countByKey(KAFKA.bootstrapServers(), Topics.REVIEW_REQUESTS.name());
    assertThat(predictions).hasSize(FRAMES);
    assertThat(predictions.values()).containsOnly(1L);
    for (String frameId : frameIds) {
      long decisions = labels.getOrDefault(frameId, 0L) + reviews.getOrDefault(frameId, 0L);
      assertThat(decisions).as("routing decisions of " + frameId).isEqualTo(1);
    }
  }

  /**
   * Every frame is acknowledged before the worker starts, or the final count could never be reached. (The topic
   * was created a moment ago: see FleetFrameProducer on KAFKA-15591 for why that needs care.)
   */
  private List<String> produceFrames() throws Exception {
    List<Frame> frames = new ArrayList<>();
    for (int i = 0; i < FRAMES; i++) {
      frames.add(FleetFrameProducer.frame("crash-cam", null, "crash-" + i, "image/png", Samples.png(i % 1000), 28, 28, null));
    }
    try (FleetFrameProducer fleet = new FleetFrameProducer(Map.of("bootstrap.servers", KAFKA.bootstrapServers(), "linger.ms", 5))) {
      fleet.sendAll(frames); // throws with the broker's reason if a frame was not written
    }
    return frames.stream().map(Frame::getFrameId).toList();
  }

  /** A stalled run fails with what the broker knows instead of hanging. */
  private void awaitOrExplain(Duration atMost, Duration pollInterval, String what, Callable<Boolean> condition) {
    try {
      await().atMost(atMost).pollInterval(pollInterval).until(condition);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("timed out waiting for " + what + " (worker logs in " + logs.toAbsolutePath() + ")\n"
          + KafkaDiagnostics.describe(KAFKA.bootstrapServers(), "labelstream-inference", List.of(Topics.FRAMES.name(),
              Topics.PREDICTIONS.name(), Topics.LABELS.name(), Topics.REVIEW_REQUESTS.name())), e);
    }
  }

  /** A worker must not outlive a failed test: it would keep polling a broker that is gone. */
  private static void stop(Process worker) throws InterruptedException {
    worker.destroy();
    if (!worker.waitFor(30, TimeUnit.SECONDS)) {
      worker.destroyForcibly().waitFor();
    }
  }

  private Process startWorker(int generation) throws Exception {
    return WorkerProcess.start(KAFKA.bootstrapServers(), logs.resolve("worker-" + generation + ".log"),
        Map.of("INFERENCE_INSTANCE_ID", "crash-worker"));
  }

  private long committed(String topic) {
    return TopicRecords.readAll(KAFKA.bootstrapServers(), topic).size();
  }

  private long distinctFrames(String topic) {
    return TopicRecords.countByKey(KAFKA.bootstrapServers(), topic).size();
  }


}
