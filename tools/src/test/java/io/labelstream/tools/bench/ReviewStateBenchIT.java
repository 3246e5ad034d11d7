package io.labelstream.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The review state bench on a few thousand labels: each count gets its ready time and its heap, under its own name. */
class ReviewStateBenchIT {

  @Test
  void shouldMeasureTheReviewServiceRebuildingEachCountOfLabels() throws Exception {
    BenchReport report = new BenchReport();

    ReviewStateBench.measure(report, new ReviewStateBench.Settings(List.of(2_000, 5_000), "256m"));

    for (String count : List.of("2k", "5k")) {
      assertThat(report.get("review_ready_s_" + count)).isPositive();
      // A JVM holding a running service: far more than nothing, within its -Xmx.
      assertThat(report.get("review_heap_mib_" + count)).isGreaterThan(1).isLessThan(256);
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
