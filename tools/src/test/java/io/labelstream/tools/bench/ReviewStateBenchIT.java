package io.labelstream.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The review state bench on a few thousand labels: each count gets its ready time, heap, disk and resident memory,
 * under its own name.
 */
class ReviewStateBenchIT {

  @Test
  void shouldMeasureTheReviewServiceRebuildingEachCountOfLabels() throws Exception {
    BenchReport report = new BenchReport();

    ReviewStateBench.measure(report, new ReviewStateBench.Settings(List.of(2_000, 5_000), "256m"));

    for (String count : List.of("2k", "5k")) {
      assertThat(report.get("review_ready_s_" + count)).isPositive();
      // A JVM holding a running service: far more than nothing, within its -Xmx.
      assertThat(report.get("review_heap_mib_" + count)).isGreaterThan(1).isLessThan(256);
      // The store's files (so few frames may still be in its memory buffer, not yet written out).
      assertThat(report.get("review_state_disk_mib_" + count)).isGreaterThan(0).isLessThan(64);
      assertThat(report.get("review_rss_mib_" + count)).isGreaterThan(report.get("review_heap_mib_" + count));
    }
  }

  @Test
  void shouldNameTheFiguresByTheirCount() {
    assertThat(ReviewStateBench.suffix(1_000_000)).isEqualTo("1m");
    assertThat(ReviewStateBench.suffix(10_000_000)).isEqualTo("10m");
    assertThat(ReviewStateBench.suffix(100_000)).isEqualTo("100k");
    assertThat(ReviewStateBench.suffix(1_234)).isEqualTo("1234");
  }
}
