package io.labelstream.tools.bench;

import io.labelstream.kafka.embedded.EmbeddedKafkaBroker;
import io.labelstream.kafka.embedded.TopicRecords;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.kafka.KafkaSettings;
import io.labelstream.platform.kafka.TopicProvisioner;
import io.labelstream.review.ReviewService;
import io.labelstream.review.config.ReviewConfig;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.ReviewResult;
import io.labelstream.tools.bench.ReviewerLoad.Reviewer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code ./labelstream bench --review}: the review queue's throughput as a team of reviewers meets it, on today's
 * review service as it is (issue 18's baseline). One embedded broker and one review instance in this process; the
 * queue filled beforehand with more low-confidence tasks than the team can answer; then every reviewer claims and at
 * once answers, over HTTP, as fast as the service lets them ({@link ReviewerLoad}).
 *
 * <p>Figures: {@code review_answers_per_s}, claim and submit p50/p99 in ms, and the checks that the run measured
 * real work: {@code review_tasks_answered_twice} (a task with two accepted answers over the API, or two results on
 * review.results.v1), {@code review_answers_refused}, {@code review_answers_missing} (accepted over the API, no result
 * on the topic), {@code review_claims_failed} and {@code review_claims_empty} (the queue ran dry: the rate is then
 * the queue's size, not its speed). All must be 0; the bench fails after writing the figures when any but the last is
 * not, and warns on the last.
 *
 * <p>Issue 18's heap and restart figures are {@link ReviewStateBench}'s.
 */
final class ReviewBench {

  /**
   * A run's shape.
   *
   * @param tasks review tasks written before the reviewers start; enough that they never run dry
   * @param rate answers per second the whole team aims at, each reviewer starting one every {@code reviewers / rate}
   *     seconds (a person who takes that long per frame); 0: each claims and answers again at once
   */
  record Settings(int reviewers, Duration warmUp, Duration measured, int tasks, double rate) {

    Settings(int reviewers, Duration warmUp, Duration measured, int tasks) {
      this(reviewers, warmUp, measured, tasks, 0);
    }

    /** How often one reviewer starts an answer: zero when they go as fast as the service lets them. */
    Duration cycle() {
      return rate <= 0 ? Duration.ZERO : Duration.ofNanos(Math.round(reviewers * 1e9 / rate));
    }

    static final int DEFAULT_REVIEWERS = 200;
    static final Duration DEFAULT_WARM_UP = Duration.ofSeconds(5);
    static final Duration DEFAULT_MEASURED = Duration.ofSeconds(30);
    /**
     * Over a thousand answers/s for the default warm-up and measured period: the queue answered 370/s with group
     * commit, and a run that empties the queue measures its size, not its speed.
     */
    static final int DEFAULT_TASKS = 40_000;
  }

  /** Issue 18's targets, for 200 reviewers on one review instance of a 2-core machine. */
  private static final double TARGET_ANSWERS_PER_S = 200;
  private static final double TARGET_CLAIM_P99_MS = 250;

  /** How long the review service may open no further task while some are still unopened. */
  private static final Duration STALLED = Duration.ofMinutes(2);

  private ReviewBench() {}

  /** Runs the review bench and puts its figures into {@code report}; {@code samples}: LABELSTREAM_SAMPLES. */
  static void measure(BenchReport report, Path samples, Settings settings) throws Exception {
    ReviewTasks tasks = ReviewTasks.load(samples);
    List<Reviewer> team = Reviewer.team(settings.reviewers());
    report.putInfo("reviewers", settings.reviewers());
    report.putInfo("review_tasks", settings.tasks());
    report.putInfo("review_warm_up_s", settings.warmUp().toSeconds());
    report.putInfo("review_measured_s", settings.measured().toSeconds());
    report.putInfo("review_rate_aimed", settings.rate() <= 0 ? "as fast as served" : settings.rate());
    Path dir = Files.createTempDirectory("labelstream-bench-review-");
    ReviewerLoad.Outcome outcome;
    Set<String> answeredTwice;
    int missing;
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir)) {
      String bootstrap = broker.bootstrapServers();
      TopicProvisioner.ensureTopics(KafkaSettings.from(new Env(Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrap))));
      Bench.step("writing " + settings.tasks() + " review tasks", () -> {
        tasks.write(bootstrap, settings.tasks());
        return Double.NaN;
      });
      try (ReviewService review = ReviewService.start(ReviewConfig.from(new Env(Map.of(
          "KAFKA_BOOTSTRAP_SERVERS", bootstrap,
          "HTTP_HOST", "127.0.0.1",
          "REVIEW_PORT", "0",
          "REVIEW_INSTANCE_ID", "bench-review",
          // every task open at once, so the reviewers meet the queue and not its admission from Kafka
          "REVIEW_MAX_OPEN_TASKS", Integer.toString(settings.tasks()),
          "REVIEW_TOKENS", Reviewer.tokensSetting(team)))))) {
        Bench.step("waiting for the review service to open them", () -> {
          awaitOpen(review, settings.tasks());
          return Double.NaN;
        });
        System.out.printf("  %-44s ", settings.reviewers() + " reviewers, " + settings.warmUp().toSeconds()
            + " s warm-up, " + settings.measured().toSeconds() + " s measured…");
        System.out.flush();
        outcome = new ReviewerLoad("http://127.0.0.1:" + review.port(), team, settings.cycle()).run(settings.warmUp(), settings.measured());
        System.out.printf("%d answers%n", outcome.answers());
        ServiceMeters meters = ServiceMeters.scrape(review.port());
        // Warm-up and measured period together: what the queue's transactions looked like under this load.
        report.putInfo("review_commit_changes_mean", meters.mean("labelstream_review_queue_commit_changes"));
        report.putInfo("review_commit_ms_mean", 1e3 * meters.mean("labelstream_review_queue_commit_seconds"));
        System.out.printf("  %-44s mean %.1f changes, %.1f ms each%n", "queue transactions (warm-up and measured)",
            meters.mean("labelstream_review_queue_commit_changes"),
            1e3 * meters.mean("labelstream_review_queue_commit_seconds"));
        // How long a submit waited, after its transaction, for its label to be served by the frame's owner.
        double shownMs = 1e3 * meters.mean("labelstream_review_label_shown_wait_seconds");
        report.putInfo("review_label_shown_ms_mean", shownMs);
        System.out.printf("  %-44s mean %.1f ms%n", "a submit's wait for its label to be served", shownMs);
      }
      // Read after the service closed: every answer it acknowledged is committed by then.
      Map<String, Integer> results = resultsPerTask(bootstrap);
      answeredTwice = new HashSet<>(outcome.answeredTwice());
      results.forEach((taskId, n) -> {
        if (n > 1) {
          answeredTwice.add(taskId);
        }
      });
      missing = (int) outcome.answeredBy().keySet().stream().filter(taskId -> !results.containsKey(taskId)).count();
    } finally {
      Bench.deleteRecursively(dir);
    }
    put(report, outcome, answeredTwice.size(), missing);
  }

  private static void put(BenchReport report, ReviewerLoad.Outcome outcome, int answeredTwice, int missing) {
    double[] claims = outcome.claimMillis();
    double[] submits = outcome.submitMillis();
    report.put("review_answers_per_s", outcome.answersPerSecond());
    report.put("review_claim_p50_ms", percentile(claims, 0.50));
    report.put("review_claim_p99_ms", percentile(claims, 0.99));
    report.put("review_submit_p50_ms", percentile(submits, 0.50));
    report.put("review_submit_p99_ms", percentile(submits, 0.99));
    report.put("review_tasks_answered_twice", answeredTwice);
    report.put("review_answers_refused", outcome.answersRefused());
    report.put("review_answers_missing", missing);
    report.put("review_claims_failed", outcome.claimsFailed());
    report.put("review_claims_empty", outcome.claimsEmpty());
    System.out.printf("  %-44s %.1f answers/s (%d in %.0f s)%n", "review queue throughput", outcome.answersPerSecond(),
        outcome.answers(), outcome.seconds());
    System.out.printf("  %-44s p50 %.1f ms, p99 %.1f ms (%d claims)%n", "claim latency", report.get("review_claim_p50_ms"),
        report.get("review_claim_p99_ms"), claims.length);
    System.out.printf("  %-44s p50 %.1f ms, p99 %.1f ms (%d submits)%n", "submit latency",
        report.get("review_submit_p50_ms"), report.get("review_submit_p99_ms"), submits.length);
    System.out.printf("  %-44s %d answered twice, %d answers refused, %d answers missing from %s, %d claims failed%n",
        "correctness (all must be 0)", answeredTwice, outcome.answersRefused(), missing, Topics.REVIEW_RESULTS.name(),
        outcome.claimsFailed());
    boolean met = outcome.answersPerSecond() >= TARGET_ANSWERS_PER_S
        && report.get("review_claim_p99_ms") <= TARGET_CLAIM_P99_MS;
    System.out.printf("  %-44s >= %.0f answers/s with claim p99 <= %.0f ms: %s%n", "issue 18's target",
        TARGET_ANSWERS_PER_S, TARGET_CLAIM_P99_MS, met ? "met" : "MISSED");
    if (outcome.claimsEmpty() > 0) {
      System.out.printf("  WARNING: %d claims found the queue empty: the figures measure too few tasks; raise --tasks%n",
          outcome.claimsEmpty());
    }
  }

  /** NaN when nothing was timed (a run too short for one claim): {@link #requireCorrect} then fails the run. */
  private static double percentile(double[] sorted, double q) {
    return sorted.length == 0 ? Double.NaN : LatencyBench.percentile(sorted, q);
  }

  /** Throws when the figures just reported are not of real, exactly-once work (after they were written). */
  static void requireCorrect(BenchReport report) {
    for (String check : List.of("review_tasks_answered_twice", "review_answers_refused", "review_answers_missing",
        "review_claims_failed")) {
      if (report.get(check) != 0) {
        throw new IllegalStateException("the review bench saw " + check + " = " + report.get(check) + " (must be 0)");
      }
    }
    if (!(report.get("review_answers_per_s") > 0)) {
      throw new IllegalStateException("the review bench measured no answer at all");
    }
  }

  /** Waits until the review service leads the queue and has opened {@code tasks} tasks. */
  private static void awaitOpen(ReviewService review, int tasks) throws IOException, InterruptedException {
    int open = -1;
    long lastProgress = System.nanoTime();
    while (!(review.ready() && review.isQueueLeader() && review.openTasks() >= tasks)) {
      int now = review.openTasks();
      if (now != open) {
        open = now;
        lastProgress = System.nanoTime();
      } else if (System.nanoTime() - lastProgress > STALLED.toNanos()) {
        throw new IOException("the review service opened " + open + " of " + tasks + " tasks and no more for "
            + STALLED.toMinutes() + " minutes (ready " + review.ready() + ", queue leader " + review.isQueueLeader()
            + ")");
      }
      Thread.sleep(100);
    }
  }

  /** Results on review.results.v1, counted by task. */
  private static Map<String, Integer> resultsPerTask(String bootstrap) {
    Map<String, Integer> results = new HashMap<>();
    TopicRecords.readAll(bootstrap, Topics.REVIEW_RESULTS.name()).forEach(r -> {
      ReviewResult result = Topics.REVIEW_RESULTS.valueSerde().deserializer().deserialize(r.topic(), r.value());
      results.merge(result.getTaskId(), 1, Integer::sum);
    });
    return results;
  }
}
