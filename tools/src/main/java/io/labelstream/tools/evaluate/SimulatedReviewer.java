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
    int known = requested.getAsInt();
    while (true) {
      int last = answered.get();
      long lastProgress = System.nanoTime();
      while (answered.get() < known) {
        if (!thread.isAlive()) {
          finish(known);
          throw new IllegalStateException("the reviewer stopped after " + answered.get() + " of " + known + " tasks");
        }
        if (answered.get() != last) {
          last = answered.get();
          lastProgress = System.nanoTime();
        } else if (System.nanoTime() - lastProgress > STALLED.toNanos()) {
          throw new IOException("answered " + last + " of " + known + " review tasks, and none for "
              + STALLED.toMinutes() + " minutes");
        }
        Thread.sleep(50);
      }
      Thread.sleep(SETTLE.toMillis());
      int now = requested.getAsInt();
      if (now == known) {
        finish(known);
        return known;
      }
      known = now;
    }
  }

  /** Waits until {@code requested} tasks are answered; rethrows what stopped the reviewer. */
  private void finish(int requested) throws Exception {
    tasks = requested;
    thread.join();
    if (failure != null) {
      throw failure;
    }
  }

  private void run() {
    try {
      long lastAnswer = System.nanoTime();
      while (tasks < 0 || answered.get() < tasks) {
        HttpResponse<String> claim = services.post("/v1/tasks/claim", null);
        if (claim.statusCode() != 200) {
          if (tasks >= 0 && System.nanoTime() - lastAnswer > STALLED.toNanos()) {
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
