package io.labelstream.review.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TimeSeriesTest {

  private static final long T0 = Instant.parse("2026-03-02T10:00:00Z").getEpochSecond() / 60;

  @Test
  void shouldCountByTheRecordsMinuteAndFillTheGapsBetween() {
    TimeSeries series = new TimeSeries(Resolution.MINUTE, 2);
    series.add(T0, 0, 1);
    series.add(T0, 0, 1);
    series.add(T0 + 3, 1, 5);

    TimeSeries.View view = series.view();

    assertThat(view.buckets()).extracting(TimeSeries.Bucket::start).containsExactly(
        Instant.parse("2026-03-02T10:00:00Z"), Instant.parse("2026-03-02T10:01:00Z"),
        Instant.parse("2026-03-02T10:02:00Z"), Instant.parse("2026-03-02T10:03:00Z"));
    assertThat(view.buckets()).extracting(b -> b.count(0)).containsExactly(2L, 0L, 0L, 0L);
    assertThat(view.buckets()).extracting(b -> b.count(1)).containsExactly(0L, 0L, 0L, 5L);
    assertThat(view.before()).containsExactly(0, 0);
  }

  @Test
  void shouldPutMinutesOfOneHourInOneHourBucket() {
    TimeSeries series = new TimeSeries(Resolution.HOUR, 1);
    series.add(T0 + 59, 0, 1);
    series.add(T0, 0, 1);
    series.add(T0 + 60, 0, 1);

    assertThat(series.view().buckets()).extracting(TimeSeries.Bucket::start)
        .containsExactly(Instant.parse("2026-03-02T10:00:00Z"), Instant.parse("2026-03-02T11:00:00Z"));
    assertThat(series.view().buckets()).extracting(b -> b.count(0)).containsExactly(2L, 1L);
    assertThat(series.spanMinutes()).isEqualTo(120);
  }

  @Test
  void shouldKeepOnlyTheNewestBucketsAndSumTheRestIntoBefore() {
    TimeSeries series = new TimeSeries(Resolution.MINUTE, 1);
    int capacity = Resolution.MINUTE.capacity();
    for (int m = 0; m < capacity + 10; m++) {
      series.add(T0 + m, 0, 1);
    }
    series.add(T0, 0, 7); // older than the window by now: only in the total before it

    TimeSeries.View view = series.view();

    assertThat(view.buckets()).hasSize(capacity);
    assertThat(view.buckets().get(0).start()).isEqualTo(Instant.ofEpochSecond((T0 + 10) * 60));
    assertThat(view.before()).containsExactly(10 + 7);
    assertThat(view.buckets().stream().mapToLong(b -> b.count(0)).sum() + view.before()[0]).isEqualTo(capacity + 17);
  }

  @Test
  void shouldKeepOnlyTheTotalOfWhatALongJumpPushedOut() {
    TimeSeries series = new TimeSeries(Resolution.MINUTE, 1);
    series.add(T0, 0, 3);
    series.add(T0 + 1, 0, 4);
    series.add(T0 + 100_000, 0, 1);

    TimeSeries.View view = series.view();

    assertThat(view.buckets()).hasSize(Resolution.MINUTE.capacity());
    assertThat(view.buckets().stream().mapToLong(b -> b.count(0)).sum()).isEqualTo(1);
    assertThat(view.buckets().get(view.buckets().size() - 1).count(0)).isEqualTo(1);
    assertThat(view.before()).containsExactly(7);
  }

  @Test
  void shouldGiveTheSameSeriesWhateverTheOrderOfRecords() {
    List<long[]> records = new ArrayList<>();
    Random random = new Random(5);
    for (int i = 0; i < 5_000; i++) {
      records.add(new long[] {T0 + random.nextInt(4_000), random.nextInt(2), random.nextInt(5) - 1});
    }
    TimeSeries inOrder = replay(records);
    Collections.shuffle(records, new Random(6));
    TimeSeries shuffled = replay(records);

    assertThat(shuffled.view().before()).containsExactly(inOrder.view().before());
    assertThat(shuffled.view().buckets()).hasSameSizeAs(inOrder.view().buckets());
    for (int i = 0; i < inOrder.view().buckets().size(); i++) {
      assertThat(shuffled.view().buckets().get(i).start()).isEqualTo(inOrder.view().buckets().get(i).start());
      assertThat(shuffled.view().buckets().get(i).counts()).containsExactly(inOrder.view().buckets().get(i).counts());
    }
  }

  private static TimeSeries replay(List<long[]> records) {
    TimeSeries series = new TimeSeries(Resolution.MINUTE, 2);
    records.forEach(r -> series.add(r[0], (int) r[1], r[2]));
    return series;
  }

  @Test
  void shouldShowNothingBeforeTheFirstRecord() {
    TimeSeries series = new TimeSeries(Resolution.MINUTE, 3);

    assertThat(series.view().buckets()).isEmpty();
    assertThat(series.spanMinutes()).isZero();
  }

  @Test
  void shouldChooseMinutesForShortSpansAndHoursForLongOnes() {
    assertThat(Resolution.auto(0)).isEqualTo(Resolution.MINUTE);
    assertThat(Resolution.auto(360)).isEqualTo(Resolution.MINUTE);
    assertThat(Resolution.auto(361)).isEqualTo(Resolution.HOUR);
    assertThat(Resolution.parse(" Hour ")).contains(Resolution.HOUR);
    assertThat(Resolution.parse("day")).isEmpty();
  }
}
