package io.labelstream.review.queue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Commits the queue's changes in groups: every change made while a transaction is on its way goes into the next one
 * together, instead of each waiting for its own (a transaction costs tens of milliseconds, and a team of reviewers
 * makes hundreds of changes a second).
 *
 * <p>A change is applied to the queue at once, under the queue's lock, so the next claim already sees the task taken;
 * its caller is told only once the transaction holding it committed ({@link #await}). No thread of its own: the first
 * caller that waits commits everything pending, the others find their change committed when they get their turn.
 * Changes are committed in the order they were made. When a transaction fails, its changes and every change made
 * after them (each may build on the ones before) are taken back, newest first, under the queue's lock, and their
 * callers get the error: what the queue holds is then again exactly what was committed.
 *
 * <p>Records read back from Kafka for a task with changes in flight wait until those changes are committed or taken
 * back ({@link #holdBack}): a record another leader wrote must not be judged against a change that may yet vanish.
 */
final class GroupCommit {

  /** A change applied to the queue and not yet committed. */
  static final class Pending {
    private final String taskId;
    private final List<QueueChange> changes;
    private final Runnable undo;
    private final CompletableFuture<Void> outcome = new CompletableFuture<>();

    private Pending(String taskId, List<QueueChange> changes, Runnable undo) {
      this.taskId = taskId;
      this.changes = changes;
      this.undo = undo;
    }
  }

  private final QueueLog log;
  private final Object queueLock;
  /** Held by the one caller writing a transaction. Never taken while holding the queue's lock. */
  private final ReentrantLock writing = new ReentrantLock();
  /** Changes not yet taken into a transaction, in the order they were made. Guarded by the queue's lock. */
  private final List<Pending> pending = new ArrayList<>();
  /** The newest change of each task with changes in flight. Guarded by the queue's lock. */
  private final Map<String, Pending> newestByTask = new HashMap<>();
  /** Records read for tasks with changes in flight, to apply once they settle. Guarded by the queue's lock. */
  private final Map<String, List<Runnable>> heldBack = new HashMap<>();

  GroupCommit(QueueLog log, Object queueLock) {
    this.log = log;
    this.queueLock = queueLock;
  }

  /**
   * Queues changes to one task just applied to the queue. The caller holds the queue's lock.
   *
   * @param undo takes the changes back out of the queue if their transaction fails (run under the queue's lock)
   */
  Pending add(String taskId, List<QueueChange> changes, Runnable undo) {
    Pending change = new Pending(taskId, List.copyOf(changes), undo);
    pending.add(change);
    newestByTask.put(taskId, change);
    return change;
  }

  /** The newest change to {@code taskId} not committed yet, if any. The caller holds the queue's lock. */
  Optional<Pending> inFlight(String taskId) {
    return Optional.ofNullable(newestByTask.get(taskId));
  }

  /**
   * Keeps {@code read} (a record read from Kafka) until the changes in flight to {@code taskId} settle, when there are
   * any; returns false, and keeps nothing, when there are none. The caller holds the queue's lock.
   */
  boolean holdBack(String taskId, Runnable read) {
    if (!newestByTask.containsKey(taskId)) {
      return false;
    }
    heldBack.computeIfAbsent(taskId, id -> new ArrayList<>()).add(read);
    return true;
  }

  /**
   * Returns once {@code change} is committed, writing the transaction itself if no one else is; throws the error
   * that stopped it otherwise (the change was taken back). The caller must not hold the queue's lock.
   */
  void await(Pending change) {
    while (!change.outcome.isDone()) {
      writing.lock();
      try {
        if (!change.outcome.isDone()) {
          writeNextGroup();
        }
      } finally {
        writing.unlock();
      }
    }
    try {
      change.outcome.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }

  private void writeNextGroup() {
    List<Pending> group;
    synchronized (queueLock) {
      group = List.copyOf(pending);
      pending.clear();
    }
    if (group.isEmpty()) {
      return;
    }
    List<QueueChange> changes = new ArrayList<>();
    group.forEach(change -> changes.addAll(change.changes));
    try {
      log.commit(changes);
    } catch (RuntimeException failure) {
      takeBack(group, failure);
      return;
    }
    synchronized (queueLock) {
      group.forEach(this::settled);
    }
    group.forEach(change -> change.outcome.complete(null));
  }

  private void takeBack(List<Pending> group, RuntimeException failure) {
    List<Pending> failed = new ArrayList<>(group);
    synchronized (queueLock) {
      // Changes made while the transaction was on its way may build on it: they go too.
      failed.addAll(pending);
      pending.clear();
      List<Pending> newestFirst = new ArrayList<>(failed);
      Collections.reverse(newestFirst);
      newestFirst.forEach(change -> change.undo.run());
      failed.forEach(this::settled);
    }
    failed.forEach(change -> change.outcome.completeExceptionally(failure));
  }

  /** Under the queue's lock: once a task's newest change settled, the records read for it meanwhile are applied. */
  private void settled(Pending change) {
    if (newestByTask.remove(change.taskId, change)) {
      List<Runnable> reads = heldBack.remove(change.taskId);
      if (reads != null) {
        reads.forEach(Runnable::run);
      }
    }
  }
}
