package io.labelstream.review.stats;

import static io.labelstream.review.stats.StatsCounterTest.prediction;
import static io.labelstream.review.stats.StatsCounterTest.request;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The time series behind {@code /stats}: counted by the records' own minute into a window of the newest buckets, what
 * leaves the window summed before it (the queue length, a running total, shows it).
 */
class SeriesWindowTest {

  private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

  private final StatsCounterTest.Counting stats = new StatsCounterTest.Counting();

  @Test
  void shouldCountByTheRecordsMinuteAndFillTheGapsBetween() {
    stats.predicted(prediction("f1", 0));
    stats.predicted(prediction("f2", 0));
    stats.predicted(prediction("f3", 3));

    StatsView.Series<StatsView.LabelBucket> series = stats.view().labelsOverTime(Optional.of(Resolution.MINUTE));

    assertThat(series.buckets()).extracting(StatsView.LabelBucket::start).containsExactly(
        T0, T0.plusSeconds(60), T0.plusSeconds(120), T0.plusSeconds(180));
    assertThat(series.buckets()).extracting(StatsView.LabelBucket::predictions).containsExactly(2L, 0L, 0L, 1L);
  }

  @Test
  void shouldPutMinutesOfOneHourInOneHourBucket() {
    stats.predicted(prediction("f1", 59));
    stats.predicted(prediction("f2", 0));
    stats.predicted(prediction("f3", 60));

    StatsView.Series<StatsView.LabelBucket> series = stats.view().labelsOverTime(Optional.of(Resolution.HOUR));

    assertThat(series.buckets()).extracting(StatsView.LabelBucket::start)
        .containsExactly(T0, T0.plusSeconds(3_600));
    assertThat(series.buckets()).extracting(StatsView.LabelBucket::predictions).containsExactly(2L, 1L);
    assertThat(stats.view().labelsOverTime(Optional.empty()).resolution()).as("61 minutes: minutes")
        .isEqualTo(Resolution.MINUTE);
  }

  @Test
  void shouldKeepOnlyTheNewestBucketsAndSumTheRestIntoBefore() {
    int capacity = Resolution.MINUTE.capacity();
    for (int m = 0; m < capacity + 10; m++) {
      stats.requested(request("t" + m, m));
    }
    for (int i = 0; i < 7; i++) {
      stats.requested(request("late" + i, 0)); // older than the window by now: only in the total before it
    }

    List<StatsView.ReviewBucket> buckets = stats.view().reviewThroughput(Optional.of(Resolution.MINUTE)).buckets();

    assertThat(buckets).hasSize(capacity);
    assertThat(buckets.get(0).start()).isEqualTo(T0.plusSeconds(600));
    assertThat(buckets.get(0).queueLength()).isEqualTo(10 + 7 + 1);
    assertThat(buckets.get(capacity - 1).queueLength()).isEqualTo(capacity + 17);
  }

  @Test
  void shouldKeepOnlyTheTotalOfWhatALongJumpPushedOut() {
    for (int i = 0; i < 3; i++) {
      stats.requested(request("a" + i, 0));
    }
    for (int i = 0; i < 4; i++) {
      stats.requested(request("b" + i, 1));
    }
    stats.requested(request("c", 100_000));

    List<StatsView.ReviewBucket> buckets = stats.view().reviewThroughput(Optional.of(Resolution.MINUTE)).buckets();

    assertThat(buckets).hasSize(Resolution.MINUTE.capacity());
    assertThat(buckets.stream().mapToLong(StatsView.ReviewBucket::requested).sum()).isEqualTo(1);
    assertThat(buckets.get(buckets.size() - 1).requested()).isEqualTo(1);
    assertThat(buckets.get(0).queueLength()).isEqualTo(7);
  }

  @Test
  void shouldGiveTheSameSeriesWhateverTheOrderOfRecords() {
    List<Integer> minutes = new ArrayList<>();
    Random random = new Random(5);
    for (int i = 0; i < 5_000; i++) {
      minutes.add(random.nextInt(4_000));
    }
    StatsView inOrder = replay(minutes);
    Collections.shuffle(minutes, new Random(6));
    StatsView shuffled = replay(minutes);

    for (Resolution r : Resolution.values()) {
      assertThat(shuffled.reviewThroughput(Optional.of(r))).isEqualTo(inOrder.reviewThroughput(Optional.of(r)));
    }
    assertThat(inOrder.reviewThroughput(Optional.of(Resolution.MINUTE)).buckets().get(0).queueLength())
        .as("some fell out of the window").isGreaterThan(1);
  }

  private static StatsView replay(List<Integer> minutes) {
    StatsCounterTest.Counting counting = new StatsCounterTest.Counting();
    for (int i = 0; i < minutes.size(); i++) {
      counting.requested(request("t" + i, minutes.get(i)));
    }
    return counting.view();
  }

  @Test
  void shouldShowNothingBeforeTheFirstRecord() {
    assertThat(stats.view().labelsOverTime(Optional.empty()).buckets()).isEmpty();
    assertThat(stats.view().reviewThroughput(Optional.empty()).buckets()).isEmpty();
  }
}
