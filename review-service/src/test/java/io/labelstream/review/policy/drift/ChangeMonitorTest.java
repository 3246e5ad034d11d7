package io.labelstream.review.policy.drift;

import static io.labelstream.review.policy.drift.SyntheticStreams.mean;
import static io.labelstream.review.policy.drift.SyntheticStreams.percentile;
import static io.labelstream.review.policy.drift.SyntheticStreams.score;
import static io.labelstream.review.policy.drift.SyntheticStreams.statistics;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labelstream.review.policy.drift.ChangeAlarm.Direction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The detectors on seeded synthetic streams: false alarms without a change, delays and change points with one.
 * The measured figures are printed for the docs.
 */
class ChangeMonitorTest {

  private static final int STREAMS = 200;
  private static final int FRAMES = 10_000;
  private static final int CHANGE = 1_000;
  private static final double[] NO_STATISTICS = new double[ChangeMonitor.IMAGE_STATISTICS.size()];

  static {
    Arrays.fill(NO_STATISTICS, Double.NaN);
  }

  @Test
  void shouldStayWithinTheFalseAlarmBudgetWhenNothingChanges() {
    int scoreStreams = 0;
    int statisticStreams = 0;
    for (int s = 0; s < STREAMS; s++) {
      Random random = new Random(1000 + s);
      ChangeMonitor monitor = new ChangeMonitor(DriftSettings.defaults());
      boolean scoreAlarm = false;
      boolean statisticAlarm = false;
      for (int f = 0; f < FRAMES; f++) {
        for (ChangeAlarm alarm : monitor.observeFrame(score(random, 0.1), statistics(random, 0.0))) {
          scoreAlarm |= alarm.signal().equals(ChangeMonitor.SCORE);
          statisticAlarm |= !alarm.signal().equals(ChangeMonitor.SCORE);
        }
      }
      scoreStreams += scoreAlarm ? 1 : 0;
      statisticStreams += statisticAlarm ? 1 : 0;
    }
    System.out.printf("no change, %d streams x %d frames: score false alarms in %d, statistics in %d%n",
        STREAMS, FRAMES, scoreStreams, statisticStreams);
    // The budget, 0.02 per stream split over 12 CUSUMs, allows 0.33 streams for the score's CUSUM and 3.3 for the
    // statistics' ten out of 200, with exact likelihood ratios. Learnt baselines make them inexact (see
    // TailBaseline): measured 0 and 0 (1 and 4 with four statistics), at most the budget; the bounds leave room for
    // seed noise and fail on a threshold or tail rate that is off (a median tail rate: 14 of 200 at a looser
    // threshold).
    assertThat(scoreStreams).isLessThanOrEqualTo(3);
    assertThat(statisticStreams).isLessThanOrEqualTo(7);
  }

  @Test
  void shouldKeepFalseAlarmsControlledOnlyWithTheConservativeTailRate() {
    // A budget 100 times the default makes false alarms frequent enough to count: h = ln(10 * 10,000 / 2) = 10.8,
    // at most 0.2 false alarms per 10,000 frames for the score's CUSUM with exact likelihood ratios.
    DriftSettings loose = new DriftSettings(300, 0.1, 0.9, 2.0, 3.0, 2.0, 10_000, 1.0);
    DriftSettings naive = new DriftSettings(300, 0.1, 0.5, 2.0, 3.0, 2.0, 10_000, 1.0);
    int conservative = scoreFalseAlarmStreams(loose);
    int nominal = scoreFalseAlarmStreams(naive);
    System.out.printf("h = 10.8: streams with a score false alarm: %d of %d with the 0.9 tail rate, %d with the"
        + " median one%n", conservative, STREAMS, nominal);
    assertThat(conservative).isLessThanOrEqualTo((int) (0.2 * STREAMS));
    assertThat(nominal).isGreaterThan(conservative);
  }

  private static int scoreFalseAlarmStreams(DriftSettings settings) {
    int streams = 0;
    for (int s = 0; s < STREAMS; s++) {
      Random random = new Random(5000 + s);
      ChangeMonitor monitor = new ChangeMonitor(settings);
      for (int f = 0; f < FRAMES; f++) {
        if (!monitor.observeFrame(score(random, 0.1), NO_STATISTICS).isEmpty()) {
          streams++;
          break;
        }
      }
    }
    return streams;
  }

  @Test
  void shouldDetectAnAbruptScoreShiftFastAndAMildOneMostlyWithinTwoThousandFrames() {
    for (double mass : new double[] {0.4, 0.3, 0.2, 0.15}) {
      Detection detection = detectScoreShift(mass, 10_000);
      System.out.printf("score tail 0.1 -> %.2f: missed in 10,000 %d of %d, false alarms before %d, delay mean %.0f"
          + " p95 %d, change point |error| median %d p90 %d%n", mass, detection.missed, STREAMS, detection.early,
          mean(detection.delays()), percentile(detection.delays(), 0.95),
          percentile(detection.pointErrors(), 0.5), percentile(detection.pointErrors(), 0.9));
    }
    // Against 0.1 -> 0.4 the CUSUM (null 0.122, alternative 0.244) climbs by about 0.19 per frame, so it needs
    // h / 0.19 = 82 frames on average plus the spread of the baseline cut: mean under 110 (measured 95).
    Detection strong = detectScoreShift(0.4, 10_000);
    assertThat(strong.missed).isZero();
    assertThat(strong.early).isZero();
    assertThat(mean(strong.delays())).isLessThan(110);
    assertThat(percentile(strong.delays(), 0.95)).isLessThan(250);
    // Against 0.1 -> 0.2 the climb is 0.02 per frame, and a baseline whose cut fell low (true mass 0.07 instead
    // of 0.1, one in ten baselines of 300) sees only 0.14 after the change, below the null rate it was given: such
    // streams are not found at all. Measured: 136 of 200 found within 2,000 frames; a 1,000-frame baseline finds
    // 94% (see docs).
    Detection mild = detectScoreShift(0.2, 2_000);
    assertThat(mild.missed).isLessThanOrEqualTo(80);
  }

  @Test
  void shouldEstimateTheChangePointNearTheTrueChange() {
    Detection strong = detectScoreShift(0.4, 10_000);
    // Measured: median 4 frames off, 90th percentile 23.
    assertThat(percentile(strong.pointErrors(), 0.5)).isLessThanOrEqualTo(10);
    assertThat(percentile(strong.pointErrors(), 0.9)).isLessThanOrEqualTo(40);
  }

  private record Detection(int missed, int early, List<Long> delayList, List<Long> errorList) {

    long[] delays() {
      return delayList.stream().mapToLong(Long::longValue).toArray();
    }

    long[] pointErrors() {
      return errorList.stream().mapToLong(Long::longValue).toArray();
    }
  }

  /** Score tail mass 0.1 until {@link #CHANGE}, then {@code mass}; looks for a score alarm within {@code within}. */
  private static Detection detectScoreShift(double mass, int within) {
    int missed = 0;
    int early = 0;
    List<Long> delays = new ArrayList<>();
    List<Long> errors = new ArrayList<>();
    for (int s = 0; s < STREAMS; s++) {
      Random random = new Random(2000 + s);
      ChangeMonitor monitor = new ChangeMonitor(DriftSettings.defaults());
      ChangeAlarm found = null;
      for (int f = 0; f < CHANGE + within && found == null; f++) {
        List<ChangeAlarm> alarms = monitor.observeFrame(score(random, f < CHANGE ? 0.1 : mass), NO_STATISTICS);
        if (!alarms.isEmpty() && f < CHANGE) {
          early++;
        } else if (!alarms.isEmpty()) {
          found = alarms.get(0);
        }
      }
      if (found == null) {
        missed++;
        continue;
      }
      assertThat(found.signal()).isEqualTo(ChangeMonitor.SCORE);
      assertThat(found.direction()).isEqualTo(Direction.DOWN);
      delays.add(found.alarmIndex() - CHANGE);
      errors.add(Math.abs(found.changePoint() - CHANGE));
    }
    return new Detection(missed, early, delays, errors);
  }

  @Test
  void shouldDetectErrorsAtThreeTimesTheExpectedRate() {
    double[] expected = {0.005, 0.01, 0.02, 0.05};
    long[] delays = new long[STREAMS];
    for (int s = 0; s < STREAMS; s++) {
      Random random = new Random(3000 + s);
      ChangeMonitor monitor = new ChangeMonitor(DriftSettings.defaults());
      long delay = -1;
      for (int a = 0; a < FRAMES && delay < 0; a++) {
        double p0 = expected[a % expected.length];
        if (monitor.observeAnswer(random.nextDouble() < 3 * p0, p0).isPresent()) {
          delay = a;
        }
      }
      delays[s] = delay;
    }
    System.out.printf("answered errors at 3x expected: delay mean %.0f p95 %d answers%n", mean(delays),
        percentile(delays, 0.95));
    assertThat(delays).doesNotContain(-1L);
    assertThat(percentile(delays, 0.95)).isLessThan(2_000);
  }

  @Test
  void shouldNotAlarmOnErrorsAtTheExpectedRate() {
    double[] expected = {0.005, 0.01, 0.02, 0.05};
    int streams = 0;
    for (int s = 0; s < STREAMS; s++) {
      Random random = new Random(4000 + s);
      ChangeMonitor monitor = new ChangeMonitor(DriftSettings.defaults());
      for (int a = 0; a < FRAMES; a++) {
        double p0 = expected[a % expected.length];
        if (monitor.observeAnswer(random.nextDouble() < p0, p0).isPresent()) {
          streams++;
          break;
        }
      }
    }
    System.out.printf("answered errors at the expected rate: false alarms in %d of %d streams of %d answers%n",
        streams, STREAMS, FRAMES);
    assertThat(streams).isLessThanOrEqualTo(3);
  }

  @Test
  void shouldDetectBrightnessFallingAndRisingAndSkipUnmeasuredFrames() {
    for (double shift : new double[] {-0.1, 0.1}) {
      long[] delays = new long[STREAMS];
      int otherAlarms = 0;
      for (int s = 0; s < STREAMS; s++) {
        Random random = new Random(6000 + s);
        ChangeMonitor monitor = new ChangeMonitor(DriftSettings.defaults());
        ChangeAlarm found = null;
        for (int f = 0; f < CHANGE + 2_000 && found == null; f++) {
          double[] stats = statistics(random, f < CHANGE ? 0.0 : shift);
          // Brightness goes unmeasured on every third frame: such frames must neither fill the baseline nor count.
          if (f % 3 == 0) {
            stats[0] = Double.NaN;
          }
          for (ChangeAlarm alarm : monitor.observeFrame(score(random, 0.1), stats)) {
            if (alarm.signal().equals("brightness")) {
              found = alarm;
            } else {
              otherAlarms++;
            }
          }
        }
        assertThat(found).isNotNull();
        assertThat(found.direction()).isEqualTo(shift < 0 ? Direction.DOWN : Direction.UP);
        assertThat(found.alarmIndex()).isGreaterThanOrEqualTo(CHANGE);
        delays[s] = found.alarmIndex() - CHANGE;
      }
      System.out.printf("brightness %+.1f sd (a third unmeasured): delay mean %.0f p95 %d frames; other signals'"
          + " false alarms %d%n", shift / 0.1, mean(delays), percentile(delays, 0.95), otherAlarms);
      assertThat(otherAlarms).isLessThanOrEqualTo(3);
    }
  }

  @Test
  void shouldLearnANewBaselineAfterARestart() {
    Random random = new Random(7);
    ChangeMonitor monitor = new ChangeMonitor(DriftSettings.defaults());
    ChangeAlarm first = null;
    for (int f = 0; f < CHANGE + 2_000 && first == null; f++) {
      first = monitor.observeFrame(score(random, f < CHANGE ? 0.1 : 0.4), NO_STATISTICS).stream().findFirst()
          .orElse(null);
    }
    assertThat(first).isNotNull();
    monitor.restart();
    // The new regime is the baseline now: it stays quiet in it, and frame indices go on.
    for (int f = 0; f < FRAMES; f++) {
      assertThat(monitor.observeFrame(score(random, 0.4), NO_STATISTICS)).isEmpty();
    }
    assertThat(monitor.frames()).isEqualTo(first.alarmIndex() + 1 + FRAMES);
  }
  @Test
  void shouldFindACameraThatCompressesHarderWithinAFewFramesOfTheChange() {
    int quality = ChangeMonitor.IMAGE_STATISTICS.indexOf("jpegQuality");
    Random random = new Random(8);
    ChangeMonitor monitor = new ChangeMonitor(DriftSettings.defaults());
    ChangeAlarm found = null;
    boolean firstUnusual = false;
    for (int f = 0; f < CHANGE + FRAMES && found == null; f++) {
      // A JPEG camera at quality 92, which a proxy starts to re-encode at quality 54.
      double[] stats = statistics(random, 0.0);
      stats[quality] = f < CHANGE ? 0.92 : 0.54;
      if (f == CHANGE) {
        firstUnusual = monitor.unusual(stats, 1.0);
      }
      for (ChangeAlarm alarm : monitor.observeFrame(score(random, 0.1), stats)) {
        if (alarm.signal().equals("jpegQuality")) {
          found = alarm;
        }
      }
    }

    assertThat(firstUnusual).isTrue();
    assertThat(found).isNotNull();
    assertThat(found.direction()).isEqualTo(Direction.DOWN);
    assertThat(found.changePoint()).as("change point of %s", found).isEqualTo(CHANGE);
    // Every changed frame is a tail event against a constant baseline, each the CUSUM's largest step, ln(tail ratio):
    // h / ln 2 = 15.6 / 0.69, about 22 frames. Meanwhile each changed frame is unusual, so it goes to people.
    assertThat(found.alarmIndex() - CHANGE).isBetween(20L, 24L);
    System.out.printf("JPEG quality 92 -> 54: alarm %d frames after the change%n", found.alarmIndex() - CHANGE);
  }

  @Test
  void shouldRestoreACheckpointTakenBeforeJpegQualityWasWatched() throws Exception {
    List<String> before = ChangeMonitor.IMAGE_STATISTICS.subList(0, 4);
    ChangeMonitor old = new ChangeMonitor(DriftSettings.defaults(), before);
    Random random = new Random(9);
    for (int f = 0; f < CHANGE; f++) {
      old.observeFrame(score(random, 0.1), Arrays.copyOf(statistics(random, 0.0), 4));
    }
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    old.save(new java.io.DataOutputStream(bytes));

    ChangeMonitor restored = new ChangeMonitor(DriftSettings.defaults());
    restored.restore(new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray())));

    assertThat(restored.frames()).isEqualTo(CHANGE);
    double[] dark = statistics(random, 0.0);
    dark[0] = -1.0;
    // The four baselines came back (a far darker frame is unusual at once); JPEG quality has none yet.
    assertThat(restored.unusual(dark, 1.0)).isTrue();
    assertThat(restored.usualRange(1.0).orElseThrow().low()[4]).isEqualTo(Double.NEGATIVE_INFINITY);
    ChangeMonitor tooMany = new ChangeMonitor(DriftSettings.defaults(), before.subList(0, 3));
    assertThatThrownBy(() -> tooMany.restore(new java.io.DataInputStream(
        new java.io.ByteArrayInputStream(bytes.toByteArray())))).isInstanceOf(java.io.IOException.class);
  }
}
