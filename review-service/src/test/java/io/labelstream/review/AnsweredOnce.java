package io.labelstream.review;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelstream.kafka.embedded.TopicRecords;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.LabelSource;
import io.labelstream.schemas.avro.ReviewResult;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** What the topics must hold after a team answered every task: one result per task, one HUMAN label per frame. */
final class AnsweredOnce {

  private AnsweredOnce() {}

  /**
   * @param answeredBy the reviewer the API told each task's answer was theirs
   * @param tasks how many tasks there were, each on a frame of its own
   */
  static void assertOnTheTopics(String bootstrapServers, Map<String, String> answeredBy, int tasks) {
    // A leader killed mid-transaction leaves one open until the coordinator aborts it; read before that, the topics
    // end at it (CI once read 705 of 2,000 results when the survivors finished within the transaction timeout).
    for (String topic : List.of(Topics.REVIEW_RESULTS.name(), Topics.LABELS.name())) {
      Duration waited = TopicRecords.awaitNoOpenTransaction(bootstrapServers, topic, Duration.ofSeconds(60));
      System.out.printf("%s readable to its end after %.1f s%n", topic, waited.toNanos() / 1e9);
    }
    Map<String, Long> resultsPerTask = new HashMap<>();
    for (ConsumerRecord<String, byte[]> record : TopicRecords.readAll(bootstrapServers, Topics.REVIEW_RESULTS.name())) {
      ReviewResult result = Topics.REVIEW_RESULTS.valueSerde().deserializer().deserialize(record.topic(), record.value());
      resultsPerTask.merge(result.getTaskId(), 1L, Long::sum);
      assertThat(result.getReviewerId()).isEqualTo(answeredBy.get(result.getTaskId()));
    }
    assertThat(resultsPerTask).hasSize(tasks);
    assertThat(resultsPerTask.values()).containsOnly(1L);
    Map<String, Long> humanLabels = new HashMap<>();
    for (ConsumerRecord<String, byte[]> record : TopicRecords.readAll(bootstrapServers, Topics.LABELS.name())) {
      Label label = Topics.LABELS.valueSerde().deserializer().deserialize(record.topic(), record.value());
      if (label.getSource() == LabelSource.HUMAN) {
        humanLabels.merge(label.getFrameId(), 1L, Long::sum);
      }
    }
    assertThat(humanLabels).hasSize(tasks);
    assertThat(humanLabels.values()).containsOnly(1L);
  }
}
