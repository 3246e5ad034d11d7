package io.labelstream.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench --review} end to end on an embedded broker and a real review service, small: four reviewers for a few
 * seconds. What is checked is that it measures real, exactly-once work and reports it in the bench's JSON; how fast
 * is not checked.
 */
class ReviewBenchIT {

  private static final Path SAMPLES = Path.of(System.getProperty("labelstream.root")).resolve("model/samples");

  @TempDir
  Path dir;

  @Test
  void shouldMeasureFourReviewersAnsweringTasksEachOnceAndWriteTheFiguresAsJson() throws Exception {
    BenchReport report = new BenchReport();

    ReviewBench.measure(report, SAMPLES, new ReviewBench.Settings(4, Duration.ofSeconds(1), Duration.ofSeconds(3),
        2_000));

    assertThat(report.get("review_answers_per_s")).isGreaterThan(0);
    assertThat(report.get("review_tasks_answered_twice")).isZero();
    assertThat(report.get("review_answers_refused")).isZero();
    assertThat(report.get("review_answers_missing")).as("answers acknowledged but not on review.results.v1").isZero();
    assertThat(report.get("review_claims_failed")).isZero();
    assertThat(report.get("review_claim_p99_ms")).isGreaterThanOrEqualTo(report.get("review_claim_p50_ms"));
    ReviewBench.requireCorrect(report);
    Path json = dir.resolve("review.json");
    report.writeJson(json);
    JsonNode figures = new ObjectMapper().readTree(json.toFile());
    assertThat(figures.fieldNames()).toIterable().contains("review_answers_per_s", "review_claim_p50_ms",
        "review_claim_p99_ms", "review_submit_p50_ms", "review_submit_p99_ms", "reviewers",
        "review_tasks_answered_twice", "review_answers_refused");
    assertThat(figures.get("reviewers").asInt()).isEqualTo(4);
  }

  @Test
  void shouldKeepAPacedTeamToItsTurns() throws Exception {
    BenchReport report = new BenchReport();

    // 4 reviewers at 4 answers/s together: each starts one answer a second, so at most 4 starts each in 3 s.
    ReviewBench.measure(report, SAMPLES, new ReviewBench.Settings(4, Duration.ofSeconds(1), Duration.ofSeconds(3),
        2_000, 4));

    ReviewBench.requireCorrect(report);
    assertThat(report.get("review_answers_per_s")).isPositive().isLessThanOrEqualTo(4 * 4 / 3.0);
  }

  @Test
  void shouldFailARunThatSawATaskAnsweredTwice() {
    BenchReport report = new BenchReport();
    report.put("review_answers_per_s", 12.0);
    report.put("review_tasks_answered_twice", 1);
    report.put("review_answers_refused", 0);
    report.put("review_answers_missing", 0);
    report.put("review_claims_failed", 0);

    assertThatThrownBy(() -> ReviewBench.requireCorrect(report)).hasMessageContaining("review_tasks_answered_twice");
  }
}
