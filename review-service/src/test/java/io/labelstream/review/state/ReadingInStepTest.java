package io.labelstream.review.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class ReadingInStepTest {

  private static final TopicPartition PREDICTIONS = new TopicPartition("predictions.v1", 0);
  private static final TopicPartition ANSWERS = new TopicPartition("review.results.v1", 0);
  private static final TopicPartition LABELS = new TopicPartition("labels.v1", 3);

  private final ReadingInStep inStep = new ReadingInStep(Duration.ofSeconds(1));

  @Test
  void shouldHoldBackWhatIsMoreThanTheWindowPastTheSlowest() {
    inStep.read(PREDICTIONS, 10_000);
    inStep.read(ANSWERS, 11_000); // exactly the window ahead: may go on
    inStep.read(LABELS, 11_001);

    assertThat(inStep.ahead(List.of(PREDICTIONS, ANSWERS, LABELS))).containsExactly(LABELS);
  }

  @Test
  void shouldNeverHoldBackTheSlowestSoReadingGoesOn() {
    inStep.read(PREDICTIONS, 10_000);
    inStep.read(ANSWERS, 90_000);

    assertThat(inStep.ahead(List.of(PREDICTIONS, ANSWERS))).containsExactly(ANSWERS);
    // once the slowest has nothing left to read (or waits for room), the others are not measured against it
    assertThat(inStep.ahead(List.of(ANSWERS))).isEmpty();
  }

  @Test
  void shouldTreatAPartitionNotReadYetAsTheSlowest() {
    inStep.read(ANSWERS, 5_000);

    assertThat(inStep.ahead(List.of(PREDICTIONS, ANSWERS))).containsExactly(ANSWERS);
    assertThat(inStep.ahead(List.of(PREDICTIONS))).as("nothing read: nothing to hold back").isEmpty();
  }

  @Test
  void shouldLetAPartitionGoOnOnceTheSlowestCaughtUp() {
    inStep.read(PREDICTIONS, 10_000);
    inStep.read(ANSWERS, 20_000);
    assertThat(inStep.ahead(List.of(PREDICTIONS, ANSWERS))).containsExactly(ANSWERS);

    inStep.read(PREDICTIONS, 19_500);

    assertThat(inStep.ahead(List.of(PREDICTIONS, ANSWERS))).isEmpty();
  }

  @Test
  void shouldKeepTheLatestTimeReadOfAPartitionEvenWhenARecordIsOlder() {
    inStep.read(PREDICTIONS, 10_000);
    inStep.read(ANSWERS, 30_000);
    inStep.read(ANSWERS, 12_000); // record times within a partition need not rise

    assertThat(inStep.ahead(List.of(PREDICTIONS, ANSWERS))).containsExactly(ANSWERS);
  }
}
