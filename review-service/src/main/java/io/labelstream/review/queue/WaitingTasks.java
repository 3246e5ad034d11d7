package io.labelstream.review.queue;

import java.util.Comparator;
import java.util.Iterator;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The tasks nobody holds, in the order they are handed out. A reviewer gets the first task they have not skipped;
 * only when every waiting task was skipped by them do they get the skipped ones again, in the same order.
 */
final class WaitingTasks {

  private static final Comparator<ReviewTask> BY_UNCERTAINTY = Comparator.comparingDouble(ReviewTask::priority).reversed()
      .thenComparing(ReviewTask::requestedAt)
      .thenComparing(ReviewTask::taskId);
  private static final Comparator<ReviewTask> BY_AGE = Comparator.comparing(ReviewTask::requestedAt)
      .thenComparing(ReviewTask::taskId);

  private final QueueOrder order;
  /** One ordered set per suggested class under ROUND_ROBIN; a single set (key "") otherwise. */
  private final TreeMap<String, TreeSet<ReviewTask>> byClass = new TreeMap<>();
  private String lastClass = "";

  WaitingTasks(QueueOrder order) {
    this.order = order;
  }

  void add(ReviewTask task) {
    byClass.computeIfAbsent(group(task), g -> new TreeSet<>(order == QueueOrder.FIFO ? BY_AGE : BY_UNCERTAINTY)).add(task);
  }

  void remove(ReviewTask task) {
    TreeSet<ReviewTask> tasks = byClass.get(group(task));
    if (tasks != null && tasks.remove(task) && tasks.isEmpty()) {
      byClass.remove(group(task));
    }
  }

  /**
   * The next task for a reviewer: never one {@code excluded} tests true for (they answered it already), and one
   * {@code skipped} tests true for only when nothing else waits.
   */
  Optional<ReviewTask> next(Predicate<ReviewTask> excluded, Predicate<ReviewTask> skipped) {
    Optional<ReviewTask> chosen = peek(excluded, skipped);
    chosen.ifPresent(task -> lastClass = group(task));
    return chosen;
  }

  /** What {@link #next} would return, without moving the round-robin turn on. */
  Optional<ReviewTask> peek(Predicate<ReviewTask> excluded, Predicate<ReviewTask> skipped) {
    Optional<ReviewTask> fresh = first(excluded.negate().and(skipped.negate()));
    return fresh.isPresent() ? fresh : first(excluded.negate());
  }

  /** Up to {@code limit} waiting tasks in hand-out order (round robin interleaves the classes). */
  java.util.List<ReviewTask> inOrder(int limit) {
    java.util.List<ReviewTask> tasks = new java.util.ArrayList<>();
    if (order != QueueOrder.ROUND_ROBIN) {
      for (ReviewTask task : byClass.getOrDefault("", new TreeSet<>())) {
        if (tasks.size() == limit) {
          break;
        }
        tasks.add(task);
      }
      return tasks;
    }
    java.util.Map<String, Iterator<ReviewTask>> cursors = new java.util.LinkedHashMap<>();
    rotationAfter(lastClass).forEach(group -> cursors.put(group, byClass.get(group).iterator()));
    while (tasks.size() < limit && cursors.values().stream().anyMatch(Iterator::hasNext)) {
      for (Iterator<ReviewTask> cursor : cursors.values()) {
        if (cursor.hasNext() && tasks.size() < limit) {
          tasks.add(cursor.next());
        }
      }
    }
    return tasks;
  }

  /** The first matching task, visiting the class groups in turn starting after the one served last. */
  private Optional<ReviewTask> first(Predicate<ReviewTask> wanted) {
    Iterable<String> groups = order == QueueOrder.ROUND_ROBIN ? rotationAfter(lastClass) : byClass.keySet();
    for (String group : groups) {
      for (ReviewTask task : byClass.get(group)) {
        if (wanted.test(task)) {
          return Optional.of(task);
        }
      }
    }
    return Optional.empty();
  }

  private Iterable<String> rotationAfter(String last) {
    return () -> new Iterator<>() {
      private final Iterator<String> after = byClass.tailMap(last, false).keySet().iterator();
      private final Iterator<String> upTo = byClass.headMap(last, true).keySet().iterator();

      @Override
      public boolean hasNext() {
        return after.hasNext() || upTo.hasNext();
      }

      @Override
      public String next() {
        return after.hasNext() ? after.next() : upTo.next();
      }
    };
  }

  /** The class served last under ROUND_ROBIN (whose turn is next follows from it), for a checkpoint. */
  String lastClass() {
    return lastClass;
  }

  void lastClass(String group) {
    lastClass = group;
  }

  private String group(ReviewTask task) {
    return order == QueueOrder.ROUND_ROBIN ? task.suggestion() : "";
  }
}
