package io.labelstream.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The review state bench on a few thousand labels: each count gets its ready time, heap, disk and resident memory,
 * under its own name, and its stop and restart from a checkpoint.
 */
class ReviewStateBenchIT {

  @Test
  void shouldMeasureTheReviewServiceRebuildingEachCountOfLabels() throws Exception {
    BenchReport report = new BenchReport();

    ReviewStateBench.measure(report, new ReviewStateBench.Settings(List.of(2_000, 5_000), "256m",
        Duration.ofSeconds(2)));

    for (String count : List.of("2k", "5k")) {
      assertThat(report.get("review_ready_s_" + count)).isPositive();
      // A JVM holding a running service: far more than nothing, within its -Xmx.
      assertThat(report.get("review_heap_mib_" + count)).isGreaterThan(1).isLessThan(256);
      assertThat(report.get("review_rebuild_heap_peak_mib_" + count)).isPositive().isLessThanOrEqualTo(256);
      // The store's files (so few frames may still be in its memory buffer, not yet written out).
      assertThat(report.get("review_state_disk_mib_" + count)).isGreaterThan(0).isLessThan(64);
      assertThat(report.get("review_rss_mib_" + count)).isGreaterThan(report.get("review_heap_mib_" + count));
      // killed after a checkpoint taken while running, and ready again from it holding every frame (checked by the
      // bench, which fails otherwise)
      assertThat(report.get("review_running_checkpoint_s_" + count)).isPositive();
      assertThat(report.get("review_running_checkpoint_extra_mib_" + count)).isNotNegative();
      assertThat(report.get("review_crash_restart_ready_s_" + count)).isPositive();
      // stopped with a checkpoint (the bench fails without one) and ready again from it
      assertThat(report.get("review_stop_s_" + count)).isPositive();
      assertThat(report.get("review_checkpoint_mib_" + count)).isPositive();
      assertThat(report.get("review_restart_ready_s_" + count)).isPositive();
    }
  }

  @Test
  void shouldTakeTheMostHeapLeftByAnyCollectionFromTheGcLog(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("gc.log");
    Files.writeString(log, String.join("\n",
        "[0.011s][info][gc] Using G1",
        "[1.502s][info][gc] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 51M->12M(1024M) 6.010ms",
        "[9.877s][info][gc] GC(1) Pause Young (Normal) (G1 Evacuation Pause) 612M->301M(1024M) 21.404ms",
        "[12.001s][info][gc] GC(2) Pause Full (System.gc()) 330M->35M(1024M) 88.112ms"));

    assertThat(ReviewStateBench.highestHeapAfterCollection(log)).isEqualTo(301);
  }

  @Test
  void shouldTakeWhatTheLastFullCollectionLeftFromTheGcLog(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("gc.log");
    Files.writeString(log, String.join("\n",
        "[0.011s][info][gc] Using G1",
        "[5.100s][info][gc] GC(3) Pause Full (System.gc()) 400M->52M(1024M) 90.001ms",
        "[9.877s][info][gc] GC(4) Pause Young (Normal) (G1 Evacuation Pause) 612M->301M(1024M) 21.404ms",
        "[12.001s][info][gc] GC(5) Pause Full (System.gc()) 330M->35M(1024M) 88.112ms",
        "[12.500s][info][gc] GC(6) Pause Young (Normal) (G1 Evacuation Pause) 60M->40M(1024M) 3.404ms"));

    assertThat(ReviewStateBench.heapAfterFullCollection(log)).isEqualTo(35);
  }

  @Test
  void shouldNameTheFiguresByTheirCount() {
    assertThat(ReviewStateBench.suffix(1_000_000)).isEqualTo("1m");
    assertThat(ReviewStateBench.suffix(10_000_000)).isEqualTo("10m");
    assertThat(ReviewStateBench.suffix(100_000)).isEqualTo("100k");
    assertThat(ReviewStateBench.suffix(1_234)).isEqualTo("1234");
  }
}
