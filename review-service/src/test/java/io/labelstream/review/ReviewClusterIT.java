package io.labelstream.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labelstream.kafka.embedded.EmbeddedKafkaExtension;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.kafka.KafkaSettings;
import io.labelstream.platform.kafka.TopicProvisioner;
import io.labelstream.review.ReviewFixtures.Client;
import io.labelstream.review.config.ReviewConfig;
import io.labelstream.schemas.avro.ReviewRequest;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two review instances on the same topics, four reviewers working 1,000 tasks through both at once, and the queue
 * leader stopped a third of the way through: every task is answered exactly once, by one reviewer, with one label,
 * although at most {@value #MAX_OPEN_TASKS} are open at a time and the rest wait in Kafka.
 */
class ReviewClusterIT {

  private static final int TASKS = 1_000;
  private static final int REVIEWERS = 4;
  private static final int MAX_OPEN_TASKS = 100;

  @RegisterExtension
  static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  @Test
  void shouldNeverGiveOneTaskToTwoReviewersAcrossInstancesOrALeaderChange() throws Exception {
    TopicProvisioner.ensureTopics(KafkaSettings.from(new Env(Map.of("KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers()))));
    List<ReviewRequest> requests = new ArrayList<>();
    for (int i = 0; i < TASKS; i++) {
      requests.add(ReviewFixtures.request(ReviewFixtures.newFrameId(), "Coat", 0.3 + 0.6 * (i % 97) / 97.0, i % 1000));
    }
    ReviewFixtures.produce(KAFKA.bootstrapServers(), requests.toArray(ReviewRequest[]::new));

    ReviewService first = start("first");
    ReviewService second = start("second");
    await().atMost(Duration.ofSeconds(60)).until(() -> first.ready() && second.ready()
        && (first.isQueueLeader() ^ second.isQueueLeader()));
    ReviewService leader = first.isQueueLeader() ? first : second;
    ReviewService follower = leader == first ? second : first;
    int followerPort = follower.port();

    Map<String, String> answeredBy = new ConcurrentHashMap<>();
    Map<String, Integer> doubleAnswers = new ConcurrentHashMap<>();
    AtomicInteger unavailable = new AtomicInteger();
    long started = System.nanoTime();
    ExecutorService reviewers = Executors.newFixedThreadPool(REVIEWERS);
    List<Future<Integer>> work = new ArrayList<>();
    try {
      for (int r = 0; r < REVIEWERS; r++) {
        String name = "reviewer-" + r;
        // Half start on the leader, half on the follower; when the leader goes, everyone uses the follower.
        int firstPort = (r % 2 == 0 ? leader : follower).port();
        work.add(reviewers.submit(() -> review(name, firstPort, followerPort, answeredBy, doubleAnswers, unavailable)));
      }
      await().atMost(Duration.ofMinutes(3)).until(() -> answeredBy.size() >= TASKS / 3);
      long stopAt = System.nanoTime();
      leader.close(); // the queue leader goes away mid-run
      await().atMost(Duration.ofSeconds(60)).until(follower::isQueueLeader);
      System.out.printf("leader stopped after %d answers; the follower took over in %d ms%n", answeredBy.size(),
          (System.nanoTime() - stopAt) / 1_000_000);
      int total = 0;
      for (Future<Integer> reviewer : work) {
        total += reviewer.get(5, TimeUnit.MINUTES);
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      System.out.printf("%d reviewers answered %d tasks through 2 instances in %.1f s (%.0f tasks/s); "
          + "%d answers refused with 503 while the leader changed%n", REVIEWERS, total, seconds, total / seconds,
          unavailable.get());
      assertThat(total).isEqualTo(TASKS);
    } finally {
      reviewers.shutdownNow();
      follower.close();
    }

    assertThat(doubleAnswers).as("tasks answered successfully by two reviewers").isEmpty();
    assertThat(answeredBy).hasSize(TASKS);
    AnsweredOnce.assertOnTheTopics(KAFKA.bootstrapServers(), answeredBy, TASKS);
  }

  /** One reviewer: claim, answer, repeat until the queue is empty for good. Returns the tasks they answered. */
  private static int review(String name, int firstPort, int fallbackPort, Map<String, String> answeredBy,
      Map<String, Integer> doubleAnswers, AtomicInteger unavailable) throws Exception {
    int port = firstPort;
    int answered = 0;
    int emptyInARow = 0;
    while (emptyInARow < 20) {
      Client client = new Client(port, name + "-token");
      HttpResponse<String> claim;
      try {
        claim = client.claim();
      } catch (IOException gone) {
        // Refused, or a kept-alive connection the stopping leader closed under the request.
        port = fallbackPort;
        continue;
      }
      if (claim.statusCode() == 204 || claim.statusCode() == 429) {
        // 429: the lease of a claim whose reply was lost with its connection still counts until it runs out.
        // Until every task is answered, an empty queue only means the rest are leased (or waiting for a lost claim's
        // lease to run out): keep asking.
        emptyInARow = answeredBy.size() >= TASKS ? emptyInARow + 5 : 0;
        Thread.sleep(100);
        continue;
      }
      if (claim.statusCode() == 503) {
        unavailable.incrementAndGet();
        Thread.sleep(200);
        continue;
      }
      assertThat(claim.statusCode()).as(claim.body()).isEqualTo(200);
      emptyInARow = 0;
      String taskId = client.json(claim).get("taskId").asText();
      Decided submit = submitUntilDecided(client, taskId, fallbackPort, name, unavailable);
      boolean repeated = submit.response().statusCode() == 200
          && client.json(submit.response()).get("repeated").asBoolean();
      // Repeated after an unclear try: that try was the answer, committed before its reply was lost.
      if (submit.response().statusCode() == 200 && (!repeated || submit.unclear())) {
        if (answeredBy.putIfAbsent(taskId, name) != null) {
          doubleAnswers.merge(taskId, 1, Integer::sum);
        }
        answered++;
      }
    }
    return answered;
  }

  /** A submit's final reply; unclear when an earlier try may have been committed without its reply arriving. */
  private record Decided(HttpResponse<String> response, boolean unclear) {}

  /** Submits, retrying through a leader change; 200 or 409 is an answer, 503 or a lost connection means try again. */
  private static Decided submitUntilDecided(Client client, String taskId, int fallbackPort, String name,
      AtomicInteger unavailable) throws Exception {
    Client current = client;
    boolean unclear = false;
    while (true) {
      HttpResponse<String> submit;
      try {
        submit = current.submit(taskId, "Coat");
      } catch (IOException gone) {
        current = new Client(fallbackPort, name + "-token");
        unclear = true;
        continue;
      }
      if (submit.statusCode() != 503) {
        assertThat(submit.statusCode()).as(submit.body()).isIn(200, 409);
        return new Decided(submit, unclear);
      }
      unclear = true; // a forwarded answer the leader may have committed before it stopped
      unavailable.incrementAndGet();
      Thread.sleep(200);
    }
  }

  private static ReviewService start(String instance) {
    StringBuilder tokens = new StringBuilder();
    for (int r = 0; r < REVIEWERS; r++) {
      tokens.append(r == 0 ? "" : ",").append("reviewer-").append(r).append(":reviewer-").append(r).append("-token:reviewer");
    }
    return ReviewService.start(ReviewConfig.from(new Env(Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers(),
        "HTTP_HOST", "127.0.0.1",
        "REVIEW_PORT", "0",
        "REVIEW_INSTANCE_ID", instance,
        "REVIEW_CLUSTER_TOKEN", "cluster-token-of-the-test",
        // Short, so a task whose claim reply was lost with the stopping leader's connection comes back soon.
        "REVIEW_LEASE_SECONDS", "10",
        // Far fewer than the tasks: most wait in Kafka, and each instance takes them in as answers make room.
        "REVIEW_MAX_OPEN_TASKS", String.valueOf(MAX_OPEN_TASKS),
        "REVIEW_TOKENS", tokens.toString()))));
  }
}
