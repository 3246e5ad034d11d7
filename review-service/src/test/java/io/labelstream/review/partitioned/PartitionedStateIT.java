package io.labelstream.review.partitioned;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labelstream.kafka.embedded.EmbeddedKafkaExtension;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.kafka.KafkaClients;
import io.labelstream.platform.kafka.KafkaSettings;
import io.labelstream.platform.kafka.TopicProvisioner;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.LabelSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two review instances share the final labels of {@code labels.v1} and the frames' histories by partition on a real
 * broker: each frame has one owner, both agree which, the owner has its label under the rule that people's labels
 * stand and every label in its history, and when one instance leaves, the other serves every frame.
 */
class PartitionedStateIT {

  @RegisterExtension
  static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  private static final int FRAMES = 300;
  private static final HostInfo A = new HostInfo("127.0.0.1", 7001);
  private static final HostInfo B = new HostInfo("127.0.0.1", 7002);

  @TempDir
  Path dir;

  @Test
  void eachFrameHasOneOwnerWhoKnowsItsFinalLabelAndHistoryAndTheOtherTakesOverWhenItLeaves() throws Exception {
    KafkaSettings kafka = KafkaSettings.from(new Env(Map.of("KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers())));
    TopicProvisioner.ensureTopics(kafka);
    Map<String, String> expected = writeLabels(kafka);

    try (PartitionedState b = new PartitionedState(kafka, "b", dir.resolve("b"), 1)) {
      b.start(B);
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      PartitionedState a = new PartitionedState(kafka, "a", dir.resolve("a"), 1);
      a.bindTo(registry);
      a.start(A);
      try {
        await().atMost(Duration.ofSeconds(60)).until(() -> a.running() && b.running()
            && servedBy(a, A, expected) + servedBy(b, B, expected) == FRAMES);
        int ownedByA = 0;
        for (String frameId : expected.keySet()) {
          PartitionedState.Owner seenByA = a.ownerOf(frameId);
          PartitionedState.Owner seenByB = b.ownerOf(frameId);
          if (seenByA instanceof PartitionedState.Owner.Here) {
            ownedByA++;
            assertThat(seenByB).isEqualTo(new PartitionedState.Owner.Elsewhere(A));
          } else {
            assertThat(seenByA).isEqualTo(new PartitionedState.Owner.Elsewhere(B));
            assertThat(seenByB).isEqualTo(new PartitionedState.Owner.Here());
          }
        }
        assertThat(ownedByA).as("the frames are shared").isBetween(1, FRAMES - 1);
        assertThat(registry.find("kafka.stream.thread.process.total").meters())
            .as("Kafka Streams' own meters are bound").isNotEmpty();
      } finally {
        a.close();
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> b.running() && servedBy(b, B, expected) == FRAMES);
    }
  }

  /**
   * Per frame a MODEL label, then for a third of them a HUMAN one, then for half of those a late MODEL one that must
   * not replace it. Returns each frame's final label.
   */
  private static Map<String, String> writeLabels(KafkaSettings kafka) throws Exception {
    Map<String, String> finals = new HashMap<>();
    List<ProducerRecord<String, Label>> records = new ArrayList<>();
    for (int i = 0; i < FRAMES; i++) {
      String frameId = "frame-" + i;
      records.add(record(label(frameId, "Bag", LabelSource.MODEL)));
      finals.put(frameId, "Bag");
      if (i % 3 == 0) {
        records.add(record(label(frameId, "Coat", LabelSource.HUMAN)));
        finals.put(frameId, "Coat");
        if (i % 2 == 0) {
          records.add(record(label(frameId, "Sandal", LabelSource.MODEL)));
        }
      }
    }
    try (KafkaProducer<String, Label> producer = new KafkaProducer<>(
        new KafkaClients(kafka, "test", "labels").producer("labels"), Topics.LABELS.keySerde().serializer(),
        Topics.LABELS.valueSerde().serializer())) {
      for (ProducerRecord<String, Label> record : records) {
        producer.send(record).get();
      }
    }
    return finals;
  }

  /**
   * How many frames {@code state} owns and answers with their final label and a history of every label written;
   * -1 while it cannot answer.
   */
  private static int servedBy(PartitionedState state, HostInfo host, Map<String, String> expected) {
    int served = 0;
    try {
      for (Map.Entry<String, String> frame : expected.entrySet()) {
        if (state.ownerOf(frame.getKey()) instanceof PartitionedState.Owner.Here) {
          Optional<Label> label = state.local(PartitionedState.FINAL_LABELS, frame.getKey(), FinalLabels::read);
          if (label.isEmpty() || !label.get().getLabel().equals(frame.getValue())) {
            return -1;
          }
          Optional<FrameHistory> history = state.local(PartitionedState.HISTORIES, frame.getKey(), FrameHistory::read);
          if (history.isEmpty() || history.get().events().size() != labelsWritten(frame.getKey())) {
            return -1;
          }
          served++;
        }
      }
    } catch (RuntimeException notNow) {
      return -1;
    }
    return served;
  }

  /** How many labels {@link #writeLabels} writes for the frame. */
  private static int labelsWritten(String frameId) {
    int i = Integer.parseInt(frameId.substring("frame-".length()));
    return i % 3 != 0 ? 1 : i % 2 == 0 ? 3 : 2;
  }

  private static ProducerRecord<String, Label> record(Label label) {
    return new ProducerRecord<>(Topics.LABELS.name(), label.getFrameId(), label);
  }

  private static Label label(String frameId, String name, LabelSource source) {
    return Label.newBuilder().setFrameId(frameId).setLabel(name).setClassIndex(0).setSource(source)
        .setLabelledAt(Instant.EPOCH).build();
  }
}
