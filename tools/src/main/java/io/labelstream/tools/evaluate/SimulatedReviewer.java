package io.labelstream.tools.evaluate;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * The end-to-end evaluations' reviewer: claims tasks through the review API while frames are posted and answers each
 * with the true answer recorded for its frame (a class, or boxes), whatever the task shows: a low-confidence task
 * with the model's suggestion and a blind audit without one get the same truth. It stops once it has answered as
 * many tasks as the topics say were requested ({@link #finishAll}).
 */
final class SimulatedReviewer {

  /** How long the queue may stay empty while tasks are still owed before the run is given up. */
  private static final Duration STALLED = Duration.ofMinutes(2);
  /** How long {@link #finishAll} waits for tasks made after the last it knew of: a few of the recall's retries. */
  private static final Duration SETTLE = Duration.ofSeconds(3);

  private final EvaluationServices services;
  /** The submit body for each posted frame, recorded once ingest accepted it. */
  private final Map<String, String> answers = new ConcurrentHashMap<>();
  private final Map<String, Integer> answeredByFrame = new ConcurrentHashMap<>();
  private final AtomicInteger answered = new AtomicInteger();
  /** The number of tasks to answer, once known; -1 while frames are still being posted. */
  private volatile int tasks = -1;
  /** True once no task was added while the known ones were answered: the reviewer stops. */
  private volatile boolean settled;
  private volatile Exception failure;
  private final Thread thread = new Thread(this::run, "evaluate-reviewer");

  SimulatedReviewer(EvaluationServices services) {
    this.services = services;
  }

  void start() {
    thread.start();
  }

  /** Records the answer (a JSON submit body) for a frame ingest accepted; throws if the reviewer has failed. */
  void answer(String frameId, String submitBody) throws Exception {
    if (failure != null) {
      throw failure;
    }
    answers.put(frameId, submitBody);
  }

  int answered() {
    return answered.get();
  }

  /** Tasks answered per frame id. */
  Map<String, Integer> answeredByFrame() {
    return Map.copyOf(answeredByFrame);
  }

  /**
   * Answers every task the topics hold and stops: waits until it has answered as many as {@code requested} says there
   * are, looks again after {@link #SETTLE}, and stops once no task was added meanwhile. The review service makes some
   * tasks after every frame is routed (a detected change recalls model labels to people as their labels arrive, trying
   * again every second), so a count read once may miss them, and a reviewer that stopped there would leave a task,
   * perhaps an audit the policy waits for, unanswered.
   *
   * @return how many tasks it answered
   */
  int finishAll(IntSupplier requested) throws Exception {
    tasks = requested.getAsInt();
    while (true) {
      // the reviewer thread gives up on its own when claims find nothing for STALLED
      while (answered.get() < tasks && thread.isAlive()) {
        Thread.sleep(50);
      }
      if (!thread.isAlive()) {
        break;
      }
      Thread.sleep(SETTLE.toMillis());
      int now = requested.getAsInt();
      if (now == tasks) {
        settled = true;
        break;
      }
      tasks = now;
    }
    thread.join();
    if (failure != null) {
      throw failure;
    }
    return tasks;
  }

  private void run() {
    try {
      long lastAnswer = System.nanoTime();
      while (!settled || answered.get() < tasks) {
        HttpResponse<String> claim = services.post("/v1/tasks/claim", null);
        if (claim.statusCode() != 200) {
          if (answered.get() >= tasks) {
            // nothing owed (yet): an empty queue is no stall
            lastAnswer = System.nanoTime();
          } else if (System.nanoTime() - lastAnswer > STALLED.toNanos()) {
            throw new IOException("answered " + answered.get() + " of " + tasks + " review tasks, and claims have "
                + "found none for " + STALLED.toMinutes() + " minutes (last claim: " + claim.statusCode() + ")");
          }
          Thread.sleep(100);
          continue;
        }
        JsonNode task = EvaluationServices.JSON.readTree(claim.body());
        String frameId = task.get("frameId").asText();
        String body = answers.get(frameId);
        while (body == null) {
          if (tasks >= 0) {
            throw new IOException("claimed task " + task.get("taskId").asText() + " for frame " + frameId
                + ", which the evaluation did not post (a gold frame in a fresh data folder?)");
          }
          // The frame's 202 has not been recorded by the poster yet.
          Thread.sleep(5);
          body = answers.get(frameId);
        }
        HttpResponse<String> submit = services.post("/v1/tasks/" + task.get("taskId").asText() + "/submit", body);
        if (submit.statusCode() != 200) {
          throw new IOException("submitting " + body + " for frame " + frameId + " answered " + submit.statusCode()
              + " " + submit.body());
        }
        answered.incrementAndGet();
        answeredByFrame.merge(frameId, 1, Integer::sum);
        lastAnswer = System.nanoTime();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failure = e;
    } catch (Exception e) {
      failure = e;
    }
  }
}
