package io.labelstream.review.queue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Commits the queue's changes in groups: every change made while a transaction is on its way goes into the next one
 * together, instead of each waiting for its own (a transaction costs tens of milliseconds, and a team of reviewers
 * makes hundreds of changes a second).
 *
 * <p>A change is applied to the queue at once, under the queue's lock, so the next claim already sees the task taken;
 * its caller is told only once the transaction holding it committed ({@link #await}). One thread of its own writes
 * the transactions, each with everything made since the last one, and then wakes every caller it committed at once.
 * (Callers taking turns to write, the first idea, made a convoy: each had to be scheduled in turn just to find its
 * change committed, and 200 reviewers got groups of 6 changes.) Changes are committed in the order they were made.
 * When a transaction fails, its changes and every change made after them (each may build on the ones before) are
 * taken back, newest first, under the queue's lock, and their callers get the error: what the queue holds is then
 * again exactly what was committed.
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
  private final String name;
  /** Started with the first change; null before. Guarded by the queue's lock. */
  private Thread writer;
  /** Guarded by the queue's lock. */
  private boolean closed;
  /** Changes not yet taken into a transaction, in the order they were made. Guarded by the queue's lock. */
  private final List<Pending> pending = new ArrayList<>();
  /** The newest change of each task with changes in flight. Guarded by the queue's lock. */
  private final Map<String, Pending> newestByTask = new HashMap<>();
  /** Records read for tasks with changes in flight, to apply once they settle. Guarded by the queue's lock. */
  private final Map<String, List<Runnable>> heldBack = new HashMap<>();

  /**
   * @param queueLock the queue's lock: every change is applied and queued under it, and the writer waits on it for
   *     the next change
   * @param name names the writer's thread
   */
  GroupCommit(QueueLog log, Object queueLock, String name) {
    this.log = log;
    this.queueLock = queueLock;
    this.name = name;
  }

  /**
   * Queues changes to one task just applied to the queue. The caller holds the queue's lock.
   *
   * @param undo takes the changes back out of the queue if their transaction fails (run under the queue's lock)
   */
  Pending add(String taskId, List<QueueChange> changes, Runnable undo) {
    Pending change = new Pending(taskId, List.copyOf(changes), undo);
    if (closed) {
      // Applied already: taken back at once, and its caller told why.
      undo.run();
      change.outcome.completeExceptionally(new IllegalStateException("the review queue is closing"));
      return change;
    }
    pending.add(change);
    newestByTask.put(taskId, change);
    if (writer == null) {
      writer = new Thread(this::writeGroups, name);
      writer.setDaemon(true);
      writer.start();
    }
    queueLock.notifyAll();
    return change;
  }

  /**
   * Whether any change is made and not yet committed or taken back. The caller holds the queue's lock, which is
   * notified whenever changes settle.
   */
  boolean anyInFlight() {
    return !newestByTask.isEmpty();
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
   * Returns once {@code change} is committed; throws the error that stopped it otherwise (the change was taken back).
   * The caller must not hold the queue's lock.
   */
  void await(Pending change) {
    try {
      change.outcome.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }

  /**
   * Stops the writer once it committed what is pending; a change made after this is taken back and refused. Call it
   * before the log is closed.
   */
  void close() throws InterruptedException {
    Thread running;
    synchronized (queueLock) {
      closed = true;
      running = writer;
      queueLock.notifyAll();
    }
    if (running != null) {
      running.join();
    }
  }

  private void writeGroups() {
    while (true) {
      List<Pending> group;
      synchronized (queueLock) {
        while (pending.isEmpty() && !closed) {
          try {
            queueLock.wait();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
          }
        }
        if (pending.isEmpty()) {
          return;
        }
        group = List.copyOf(pending);
        pending.clear();
      }
      write(group);
    }
  }

  private void write(List<Pending> group) {
    List<QueueChange> changes = new ArrayList<>();
    group.forEach(change -> changes.addAll(change.changes));
    try {
      log.commit(changes);
    } catch (RuntimeException | Error failure) {
      takeBack(group, failure instanceof RuntimeException runtime ? runtime : new IllegalStateException(failure));
      return;
    }
    synchronized (queueLock) {
      group.forEach(this::settled);
      queueLock.notifyAll();
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
      queueLock.notifyAll();
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
