package io.labelstream.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.labelstream.kafka.embedded.EmbeddedKafkaExtension;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.kafka.KafkaSettings;
import io.labelstream.platform.kafka.TopicProvisioner;
import io.labelstream.review.ReviewFixtures.Client;
import io.labelstream.review.config.ReviewConfig;
import io.labelstream.schemas.avro.ReviewRequest;
import io.labelstream.testsupport.FreePort;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
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
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * 200 reviewers working through two review instances, and the queue leader killed with SIGKILL a third of the way:
 * no goodbye, a transaction of queue changes left open, answers and claims in flight. The other instance takes the
 * queue over, and every task is answered exactly once, with one HUMAN label per frame. A reviewer whose answer got no
 * clear reply (the connection dropped, or 503) sends it again, as the review page does; the queue then tells them
 * it was already on record ({@code "repeated": true}) or takes it now.
 */
class ReviewFailoverIT {

  private static final int TASKS = 2_000;
  private static final int REVIEWERS = 200;
  /** Claims committed by the killed leader whose reply was lost run out after this and go to someone else. */
  private static final int LEASE_SECONDS = 10;
  private static final String ADMIN_TOKEN = "root-token-of-the-test";

  @RegisterExtension
  static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  @TempDir
  Path logs;

  @Test
  void shouldAnswerEveryTaskExactlyOnceWhenTheQueueLeaderIsKilledMidRun() throws Exception {
    TopicProvisioner.ensureTopics(KafkaSettings.from(new Env(Map.of("KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers()))));
    List<ReviewRequest> requests = new ArrayList<>();
    for (int i = 0; i < TASKS; i++) {
      requests.add(ReviewFixtures.request(ReviewFixtures.newFrameId(), "Coat", 0.3 + 0.6 * (i % 97) / 97.0, i % 1000));
    }
    ReviewFixtures.produce(KAFKA.bootstrapServers(), requests.toArray(ReviewRequest[]::new));

    int doomedPort = FreePort.onLoopback();
    Process doomed = startInOwnJvm(doomedPort);
    Map<String, String> answeredBy = new ConcurrentHashMap<>();
    Map<String, Integer> doubleAnswers = new ConcurrentHashMap<>();
    AtomicInteger retried = new AtomicInteger();
    // Alone, it leads the queue: a peek (under /v1/tasks/, answered by the leader only) is answered.
    await().atMost(Duration.ofSeconds(90)).until(() -> ReviewFixtures.readyInOwnJvm(doomed, doomedPort)
        && List.of(200, 204).contains(new Client(doomedPort, "reviewer-0-token").get("/v1/tasks/peek").statusCode()));
    try (ReviewService survivor = startHere()) {
      try {
        // The other instance forwards its reviewers' changes to the leader.
        await().atMost(Duration.ofSeconds(90)).until(survivor::ready);
        assertThat(survivor.isQueueLeader()).as("the instance in its own JVM leads the queue").isFalse();

        ExecutorService team = Executors.newFixedThreadPool(REVIEWERS);
        List<Future<Integer>> work = new ArrayList<>();
        try {
          for (int r = 0; r < REVIEWERS; r++) {
            String name = "reviewer-" + r;
            int firstPort = r % 2 == 0 ? doomedPort : survivor.port();
            work.add(team.submit(() -> review(name, firstPort, survivor.port(), answeredBy, doubleAnswers, retried)));
          }
          await().atMost(Duration.ofMinutes(3)).until(() -> answeredBy.size() >= TASKS / 3);
          long killedAt = System.nanoTime();
          int answeredBefore = answeredBy.size();
          doomed.destroyForcibly(); // SIGKILL
          doomed.waitFor(30, TimeUnit.SECONDS);
          await().atMost(Duration.ofMinutes(2)).until(survivor::isQueueLeader);
          long electedAt = System.nanoTime();
          await().atMost(Duration.ofMinutes(2)).until(() -> answeredBy.size() > answeredBefore + REVIEWERS);
          System.out.printf("leader killed after %d answers; the other instance led the queue %.1f s later and "
              + "answered again %.1f s after the kill%n", answeredBefore, (electedAt - killedAt) / 1e9,
              (System.nanoTime() - killedAt) / 1e9);
          int total = 0;
          for (Future<Integer> reviewer : work) {
            total += reviewer.get(5, TimeUnit.MINUTES);
          }
          System.out.printf("%d reviewers answered %d tasks; %d changes sent again after no clear reply%n", REVIEWERS,
              total, retried.get());
          assertThat(total).isEqualTo(TASKS);
          // The killed instance also kept its share of the frames' final labels: the survivor serves all of them now,
          // each the answer given (from its standby copies; nothing is rebuilt).
          Client root = new Client(survivor.port(), ADMIN_TOKEN);
          await().atMost(Duration.ofSeconds(60)).until(() -> requests.stream()
              .allMatch(request -> servesHumanLabel(root, request.getFrameId())));
          System.out.printf("the survivor served all %d final labels %.1f s after the kill%n", TASKS,
              (System.nanoTime() - killedAt) / 1e9);
          // The statistics moved with the partitions and count every answer and label exactly once: what the
          // killed instance counted but had not committed was rolled back, not counted again by the survivor.
          await().atMost(Duration.ofSeconds(60)).until(() -> humanLabels(root) >= TASKS && answers(root) >= TASKS);
          assertThat(humanLabels(root)).as("HUMAN labels in /v1/stats/classes").isEqualTo(TASKS);
          assertThat(answers(root)).as("answers in /v1/stats/review-throughput").isEqualTo(TASKS);
        } finally {
          team.shutdownNow();
        }
      } finally {
        doomed.destroyForcibly();
      }
    }

    assertThat(doubleAnswers).as("tasks answered successfully by two reviewers").isEmpty();
    assertThat(answeredBy).hasSize(TASKS);
    AnsweredOnce.assertOnTheTopics(KAFKA.bootstrapServers(), answeredBy, TASKS);
  }

  /**
   * One reviewer: claim, answer at once, repeat until the queue stays empty once every task is answered. Returns the
   * tasks whose answer is theirs.
   */
  private static int review(String name, int firstPort, int survivorPort, Map<String, String> answeredBy,
      Map<String, Integer> doubleAnswers, AtomicInteger retried) throws Exception {
    Client client = new Client(firstPort, name + "-token");
    int answered = 0;
    int emptyInARow = 0;
    while (emptyInARow < 20) {
      HttpResponse<String> claim;
      try {
        claim = client.claim();
      } catch (IOException gone) {
        client = new Client(survivorPort, name + "-token");
        continue;
      }
      if (claim.statusCode() == 204 || claim.statusCode() == 429) {
        // 429: the leases of claims whose reply was lost still count until they run out.
        emptyInARow = answeredBy.size() >= TASKS ? emptyInARow + 5 : emptyInARow + 1;
        Thread.sleep(100);
        continue;
      }
      if (claim.statusCode() == 503) {
        Thread.sleep(200);
        continue;
      }
      assertThat(claim.statusCode()).as(claim.body()).isEqualTo(200);
      emptyInARow = 0;
      String taskId = client.json(claim).get("taskId").asText();
      boolean unclear = false;
      HttpResponse<String> submit;
      while (true) {
        try {
          submit = client.submit(taskId, "Coat");
        } catch (IOException gone) {
          client = new Client(survivorPort, name + "-token");
          unclear = true;
          retried.incrementAndGet();
          continue;
        }
        if (submit.statusCode() != 503) {
          break;
        }
        unclear = true; // a forwarded answer the leader may have committed before it died
        retried.incrementAndGet();
        Thread.sleep(200);
      }
      // 409: the claim's lease was lost with the leader (never committed), or ran out; the task went to someone else.
      assertThat(submit.statusCode()).as(submit.body()).isIn(200, 409);
      boolean repeated = submit.statusCode() == 200 && client.json(submit).get("repeated").asBoolean();
      if (submit.statusCode() == 200 && (!repeated || unclear)) {
        if (answeredBy.putIfAbsent(taskId, name) != null) {
          doubleAnswers.merge(taskId, 1, Integer::sum);
        }
        answered++;
      }
    }
    return answered;
  }

  /** HUMAN final labels counted in the statistics; -1 while they cannot be added up (partitions moving). */
  private static int humanLabels(Client root) throws Exception {
    HttpResponse<String> classes = root.get("/v1/stats/classes");
    return classes.statusCode() == 200 ? root.json(classes).get("human").asInt() : -1;
  }

  /** Answers counted in the review throughput's buckets; -1 while they cannot be added up. */
  private static int answers(Client root) throws Exception {
    HttpResponse<String> throughput = root.get("/v1/stats/review-throughput?resolution=hour");
    if (throughput.statusCode() != 200) {
      return -1;
    }
    int answers = 0;
    for (JsonNode bucket : root.json(throughput).get("buckets")) {
      answers += bucket.get("answers").asInt();
    }
    return answers;
  }

  private static boolean servesHumanLabel(Client root, String frameId) {
    try {
      HttpResponse<String> label = root.get("/v1/labels/" + frameId);
      return label.statusCode() == 200 && root.json(label).get("source").asText().equals("HUMAN")
          && root.json(label).get("label").asText().equals("Coat");
    } catch (Exception e) {
      return false;
    }
  }

  private static Map<String, String> settings(String instance, int port) {
    return Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers(),
        "HTTP_HOST", "127.0.0.1",
        "REVIEW_PORT", Integer.toString(port),
        "REVIEW_INSTANCE_ID", instance,
        "REVIEW_CLUSTER_TOKEN", "cluster-token-of-the-test",
        "REVIEW_LEASE_SECONDS", Integer.toString(LEASE_SECONDS),
        "REVIEW_TOKENS", "root:" + ADMIN_TOKEN + ":admin," + IntStream.range(0, REVIEWERS)
            .mapToObj(r -> "reviewer-" + r + ":reviewer-" + r + "-token:reviewer").collect(Collectors.joining(",")));
  }

  /** The instance to be killed, in a JVM of its own with this test's classpath, as a container would start it. */
  private Process startInOwnJvm(int port) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder builder = new ProcessBuilder(java, "-Xmx512m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "-cp", System.getProperty("java.class.path"), "io.labelstream.review.ReviewService");
    builder.environment().putAll(settings("doomed", port));
    builder.redirectErrorStream(true).redirectOutput(logs.resolve("doomed.log").toFile());
    return builder.start();
  }

  private static ReviewService startHere() {
    return ReviewService.start(ReviewConfig.from(new Env(settings("survivor", 0))));
  }
}
