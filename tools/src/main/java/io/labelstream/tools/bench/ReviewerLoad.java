package io.labelstream.tools.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.util.Timeout;

/**
 * Reviewers as fast as a review API lets them be, or at a set pace: each, on its own thread and with its own token,
 * claims a task, submits the suggested label at once, and repeats (at once, or at its next turn when paced), from the
 * start until a warm-up and then a measured period have passed. Only what starts inside the measured period is timed
 * and counted. What would make the figures flatter than the truth is counted too: a task answered by two reviewers,
 * an answer or a claim refused, and an empty queue.
 *
 * <p>Each request is made on its reviewer's own thread with blocking I/O over a kept-alive connection, as
 * a person's browser makes it. (The JDK's {@code HttpClient} hands every request to its one selector thread and every
 * response to a pool thread and back: three thread switches per request that the load generator spent on the same
 * two cores as the service it measures.)
 */
final class ReviewerLoad {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** Far above any claim or submit time of today's queue (seconds at p99): a timeout is a failure, not a figure. */
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(120);
  /** A reviewer whose claim brought no task waits this long before asking again. */
  private static final long NO_TASK_PAUSE_MS = 100;

  /**
   * What the measured period saw: answers accepted in it, each claim's and submit's time in milliseconds, and the
   * counts that say whether it measured what it claims to.
   *
   * @param answeredTwice the tasks that a second answer was accepted for (over the whole run)
   * @param answersRefused submits that answered anything but 200 with {@code "repeated": false} (whole run)
   * @param claimsFailed claims that answered neither 200 nor 204 (whole run)
   * @param claimsEmpty claims that found the queue empty (204) in the measured period: too few tasks
   * @param answeredBy the reviewer of every task answered in the whole run, for checking against the topics
   */
  record Outcome(int answers, double seconds, double[] claimMillis, double[] submitMillis, Set<String> answeredTwice,
      int answersRefused, int claimsFailed, int claimsEmpty, Map<String, String> answeredBy) {

    double answersPerSecond() {
      return answers / seconds;
    }
  }

  /** As many connections as reviewers: none waits for another's connection to be free. */
  private final CloseableHttpClient http;
  private final String baseUrl;
  private final List<Reviewer> reviewers;
  /** How often each reviewer starts a claim; zero: again as soon as the last answer is in. */
  private final Duration cycle;

  /** One simulated reviewer's identity: the review API holds one lease limit and one ledger per name. */
  record Reviewer(String name, String token) {

    /** {@code n} reviewers with distinct names and tokens. */
    static List<Reviewer> team(int n) {
      List<Reviewer> team = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        team.add(new Reviewer(String.format("bench-reviewer-%03d", i), String.format("bench-review-token-%03d", i)));
      }
      return team;
    }

    /** The team as REVIEW_TOKENS names it, every one a reviewer (not an admin, whom the API treats otherwise). */
    static String tokensSetting(List<Reviewer> team) {
      return team.stream().map(r -> r.name() + ":" + r.token() + ":reviewer")
          .collect(java.util.stream.Collectors.joining(","));
    }
  }

  /**
   * {@code reviewers} working through the review API at {@code baseUrl}.
   *
   * @param cycle how often each reviewer starts a claim (their turns spread at random over the first cycle); a
   *     reviewer behind their turn goes at once; zero: as fast as they are served
   */
  ReviewerLoad(String baseUrl, List<Reviewer> reviewers, Duration cycle) {
    this.baseUrl = baseUrl;
    this.reviewers = List.copyOf(reviewers);
    this.cycle = cycle;
    this.http = HttpClients.custom()
        .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
            .setMaxConnTotal(reviewers.size()).setMaxConnPerRoute(reviewers.size())
            .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(Timeout.ofSeconds(10))
                .setSocketTimeout(Timeout.of(REQUEST_TIMEOUT)).build())
            .build())
        .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(Timeout.of(REQUEST_TIMEOUT)).build())
        .disableAutomaticRetries()
        .build();
  }

  /** Runs every reviewer for {@code warmUp} and then {@code measured}, and says what the measured part saw. */
  Outcome run(Duration warmUp, Duration measured) throws Exception {
    long start = System.nanoTime();
    Window window = new Window(start + warmUp.toNanos(), start + warmUp.toNanos() + measured.toNanos());
    Tally tally = new Tally();
    // One thread per reviewer, as each waits on its own requests (Java 17: no virtual threads).
    ExecutorService pool = Executors.newFixedThreadPool(reviewers.size());
    try {
      List<Future<?>> working = new ArrayList<>();
      for (Reviewer reviewer : reviewers) {
        working.add(pool.submit(() -> {
          review(reviewer, window, tally);
          return null;
        }));
      }
      for (Future<?> reviewer : working) {
        reviewer.get(); // a reviewer's IOException (the service gone) ends the bench with its cause
      }
    } finally {
      pool.shutdownNow();
      pool.awaitTermination(10, TimeUnit.SECONDS);
      http.close();
    }
    return new Outcome(tally.answers.get(), measured.toNanos() / 1e9, sorted(tally.claimMillis),
        sorted(tally.submitMillis), Set.copyOf(tally.answeredTwice), tally.answersRefused.get(), tally.claimsFailed.get(),
        tally.claimsEmpty.get(), Map.copyOf(tally.answeredBy));
  }

  /** The measured period, on System.nanoTime's clock. */
  private record Window(long from, long until) {

    boolean measures(long at) {
      return at >= from && at < until;
    }
  }

  /** What all reviewers saw, shared between their threads. */
  private static final class Tally {
    final AtomicInteger answers = new AtomicInteger();
    final List<Double> claimMillis = java.util.Collections.synchronizedList(new ArrayList<>());
    final List<Double> submitMillis = java.util.Collections.synchronizedList(new ArrayList<>());
    final Map<String, String> answeredBy = new ConcurrentHashMap<>();
    final Set<String> answeredTwice = ConcurrentHashMap.newKeySet();
    final AtomicInteger answersRefused = new AtomicInteger();
    final AtomicInteger claimsFailed = new AtomicInteger();
    final AtomicInteger claimsEmpty = new AtomicInteger();
  }

  private void review(Reviewer reviewer, Window window, Tally tally) throws IOException, InterruptedException {
    long turn = System.nanoTime() + (cycle.isZero() ? 0 : ThreadLocalRandom.current().nextLong(cycle.toNanos()));
    long now;
    while ((now = waitForTurn(turn)) < window.until()) {
      turn = Math.max(turn + cycle.toNanos(), now);
      boolean timed = window.measures(now);
      Response claim = post(reviewer.token(), "/v1/tasks/claim", null);
      if (timed) {
        tally.claimMillis.add((System.nanoTime() - now) / 1e6);
      }
      if (claim.status() == 204) {
        if (timed) {
          tally.claimsEmpty.incrementAndGet();
        }
        Thread.sleep(NO_TASK_PAUSE_MS);
        continue;
      }
      if (claim.status() != 200) {
        tally.claimsFailed.incrementAndGet();
        Thread.sleep(NO_TASK_PAUSE_MS); // not a tight loop of refusals against a service in trouble
        continue;
      }
      JsonNode task = JSON.readTree(claim.body());
      String taskId = task.get("taskId").asText();
      String label = task.get("suggestion").get("label").asText();
      long submitAt = System.nanoTime();
      Response submit = post(reviewer.token(), "/v1/tasks/" + taskId + "/submit",
          JSON.writeValueAsString(Map.of("label", label)));
      long done = System.nanoTime();
      if (window.measures(submitAt)) {
        tally.submitMillis.add((done - submitAt) / 1e6);
      }
      if (submit.status() != 200 || JSON.readTree(submit.body()).get("repeated").asBoolean()) {
        tally.answersRefused.incrementAndGet();
        continue;
      }
      if (tally.answeredBy.putIfAbsent(taskId, reviewer.name()) != null) {
        tally.answeredTwice.add(taskId);
      }
      if (window.measures(done)) {
        tally.answers.incrementAndGet();
      }
    }
  }

  /** Sleeps until {@code turn} (on System.nanoTime's clock) and returns the time then. */
  private static long waitForTurn(long turn) throws InterruptedException {
    long now = System.nanoTime();
    if (now < turn) {
      TimeUnit.NANOSECONDS.sleep(turn - now);
      now = System.nanoTime();
    }
    return now;
  }

  /** A response's status and body. */
  private record Response(int status, String body) {}

  private Response post(String token, String path, String json) throws IOException {
    HttpPost request = new HttpPost(baseUrl + path);
    request.setHeader("Authorization", "Bearer " + token);
    if (json != null) {
      request.setEntity(new StringEntity(json, ContentType.APPLICATION_JSON));
    }
    return http.execute(request, response -> new Response(response.getCode(),
        response.getEntity() == null ? "" : EntityUtils.toString(response.getEntity())));
  }

  private static double[] sorted(List<Double> millis) {
    synchronized (millis) {
      return millis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    }
  }
}
