package io.labelstream.review.queue;

import io.labelstream.platform.http.ApiException;
import io.labelstream.schemas.avro.ReviewResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * The review queue: open tasks ordered by priority (most uncertain first, then oldest), leases that hand each task
 * to one reviewer at a time, and the answers already given.
 *
 * <p>Its contents are derived from Kafka ({@code review.requests.v1} minus {@code review.results.v1}) and rebuilt
 * at start-up, so a restart loses no task; only leases live in memory, and a restart simply re-offers leased
 * tasks. All methods are synchronised: the queue is small and every operation is a few map updates.
 */
public final class TaskQueue {

  private static final Comparator<ReviewTask> ORDER = Comparator.comparingDouble(ReviewTask::priority).reversed()
      .thenComparing(ReviewTask::requestedAt)
      .thenComparing(ReviewTask::taskId);

  private final Clock clock;
  private final Duration leaseLength;
  private final Map<String, ReviewTask> open = new HashMap<>();
  private final TreeSet<ReviewTask> waiting = new TreeSet<>(ORDER);
  private final Map<String, Lease> leases = new HashMap<>();
  private final Map<String, ReviewResult> answers = new HashMap<>();
  private final Map<String, String> openTaskByFrame = new HashMap<>();
  private final Consumer<Lease> onLeaseExpired;

  public TaskQueue(Clock clock, Duration leaseLength, Consumer<Lease> onLeaseExpired) {
    this.clock = clock;
    this.leaseLength = leaseLength;
    this.onLeaseExpired = onLeaseExpired;
  }

  /** A review request read from Kafka. Repeats and requests already answered are ignored. */
  public synchronized void offer(ReviewTask task) {
    if (answers.containsKey(task.taskId()) || open.containsKey(task.taskId())) {
      return;
    }
    open.put(task.taskId(), task);
    waiting.add(task);
    openTaskByFrame.put(task.frameId(), task.taskId());
  }

  /** An answer read from Kafka (written by this or an earlier run of the service): the task is done. */
  public synchronized void answered(ReviewResult result) {
    answers.putIfAbsent(result.getTaskId(), result);
    ReviewTask task = open.remove(result.getTaskId());
    if (task != null) {
      waiting.remove(task);
      leases.remove(task.taskId());
      openTaskByFrame.remove(task.frameId(), task.taskId());
    }
  }

  /** Leases the most urgent waiting task to {@code reviewer}, if any. */
  public synchronized Optional<Claim> claim(String reviewer) {
    expireLeases();
    ReviewTask next = waiting.pollFirst();
    if (next == null) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    Lease lease = new Lease(next.taskId(), reviewer, now, now.plus(leaseLength));
    leases.put(next.taskId(), lease);
    return Optional.of(new Claim(next, lease));
  }

  /** The outcome of a submit: the answer on record, and whether it was already there (a repeated submit). */
  public record Submitted(ReviewResult result, boolean repeated) {}

  /**
   * Answers a task. The answer is written by {@code write} (to Kafka) while the queue is locked, so the lease
   * cannot run out and pass to someone else between the check and the write. A repeat of the same answer by the
   * same reviewer returns the first one and writes nothing.
   *
   * @throws ApiException 404 for an unknown task, 409 when the caller holds no live lease or the task was already
   *     answered differently
   */
  public synchronized Submitted submit(String taskId, String reviewer, String label,
      BiFunction<ReviewTask, Lease, ReviewResult> write) {
    ReviewResult earlier = answers.get(taskId);
    if (earlier != null) {
      if (earlier.getReviewerId().equals(reviewer) && earlier.getLabel().equals(label)) {
        return new Submitted(earlier, true);
      }
      throw new ApiException(409, "already_answered", "task " + taskId + " was already answered");
    }
    ReviewTask task = open.get(taskId);
    if (task == null) {
      throw new ApiException(404, "task_not_found", "no task " + taskId);
    }
    Lease lease = requireLease(taskId, reviewer);
    ReviewResult result = write.apply(task, lease);
    answered(result);
    return new Submitted(result, false);
  }

  /** Gives a leased task back to the queue. */
  public synchronized void release(String taskId, String reviewer) {
    if (!open.containsKey(taskId)) {
      throw new ApiException(404, "task_not_found", "no open task " + taskId);
    }
    Lease lease = requireLease(taskId, reviewer);
    leases.remove(lease.taskId());
    waiting.add(open.get(taskId));
  }

  public synchronized Optional<ReviewTask> task(String taskId) {
    return Optional.ofNullable(open.get(taskId));
  }

  /** The open task of a frame (for its image). */
  public synchronized Optional<ReviewTask> openTaskOfFrame(String frameId) {
    String taskId = openTaskByFrame.get(frameId);
    return taskId == null ? Optional.empty() : Optional.ofNullable(open.get(taskId));
  }

  /** Open tasks, leased or not. */
  public synchronized int openCount() {
    return open.size();
  }

  public synchronized int leasedCount() {
    expireLeases();
    return leases.size();
  }

  /** Reviewers holding a live lease: the people working on the queue right now. */
  public synchronized int activeReviewerCount() {
    expireLeases();
    return (int) leases.values().stream().map(Lease::reviewer).distinct().count();
  }

  private Lease requireLease(String taskId, String reviewer) {
    expireLeases();
    Lease lease = leases.get(taskId);
    if (lease == null) {
      throw new ApiException(409, "lease_not_held", "you do not hold task " + taskId + " (it was never claimed by you, "
          + "or its lease ran out); claim a task first");
    }
    if (!lease.reviewer().equals(reviewer)) {
      throw new ApiException(409, "lease_not_held", "task " + taskId + " is leased to another reviewer");
    }
    return lease;
  }

  private void expireLeases() {
    Instant now = clock.instant();
    Iterator<Lease> it = leases.values().iterator();
    while (it.hasNext()) {
      Lease lease = it.next();
      if (lease.expired(now)) {
        it.remove();
        ReviewTask task = open.get(lease.taskId());
        if (task != null) {
          waiting.add(task);
        }
        onLeaseExpired.accept(lease);
      }
    }
  }
}
