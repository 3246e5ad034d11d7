package io.labelstream.review.queue;

import static io.labelstream.review.state.CheckpointData.readInstant;
import static io.labelstream.review.state.CheckpointData.readRecord;
import static io.labelstream.review.state.CheckpointData.writeInstant;
import static io.labelstream.review.state.CheckpointData.writeRecord;

import io.labelstream.review.state.Checkpointed;
import io.labelstream.review.state.FrameBytes;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.ReviewReason;
import io.labelstream.schemas.avro.ReviewResult;
import io.labelstream.schemas.avro.TaskLease;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The review queue: open tasks in hand-out order ({@link QueueOrder}), leases that give each task to one reviewer at
 * a time, skips, and the answers already given.
 *
 * <p>Everything in it comes from Kafka and is rebuilt at start-up: tasks from {@code review.requests.v1}, answers
 * from {@code review.results.v1}, leases and skips from {@code review.leases.v1}. Only the queue leader changes it
 * (see {@code cluster.LeaderElection}). A change (a claim, an answer...) is applied under the queue's lock, so the
 * next claim already finds the task taken ("two reviewers, one task" cannot happen), and is written to the
 * {@link QueueLog} with every other change made meanwhile, in one transaction ({@link GroupCommit}); its caller is
 * answered only once that transaction committed, and a change whose transaction failed is taken back. So what a
 * reviewer is told always matches what a restarted or newly elected leader reads.
 */
public final class TaskQueue implements Checkpointed {

  private final Clock clock;
  private final Duration leaseLength;
  private final LeaseLimits limits;
  private final String instanceId;
  private final GroupCommit commits;
  private final Consumer<Lease> onLeaseExpired;
  private final WaitingTasks waiting;
  private final Map<String, OpenTask> open = new HashMap<>();
  /** Every settled task's answer: on disk, one per task people ever answered. */
  private final SettledAnswers answers;
  private final Map<String, String> openTaskByFrame = new HashMap<>();
  /** The open tasks someone holds: what lease expiry and the admin view look at, instead of every open task. */
  private final LeasedTasks leased = new LeasedTasks();
  /**
   * No lease in {@link #leased} runs out before this (it may be earlier than the first that does): every claim and
   * answer checks for expired leases, and with hundreds held most checks need not look at each.
   */
  private Instant noLeaseExpiresBefore = Instant.MAX;
  /** True while {@link #whileStill} waits or runs: no change is made meanwhile. */
  private boolean held;
  /** Answers given to tasks that need more than one and are not settled yet. */
  private final Map<String, List<ReviewResult>> partial = new HashMap<>();
  private final int answersRequired;
  private final GoldTasks gold;
  /** Lease records read before their task's request (they are on another topic, so may arrive first). */
  private final Map<String, TaskLease> leasesAhead = new HashMap<>();
  /** The open tasks made from review requests (gold tasks come from claims): what {@link OpenTaskLimit} bounds. */
  private final Set<String> requested = new HashSet<>();

  /** An open task and who holds it. */
  private static final class OpenTask {
    final ReviewTask task;
    Lease lease;
    long version;
    final Set<String> skippedBy = new LinkedHashSet<>();

    OpenTask(ReviewTask task) {
      this.task = task;
    }
  }

  /**
   * The open tasks someone holds, by task id, with how many each reviewer holds: every claim checks the claimant's
   * count against {@link LeaseLimits}, and counting a reviewer's leases among all of them took 7% of the request
   * threads' time with 200 reviewers. A task is put again when its lease changes hands.
   */
  private static final class LeasedTasks {
    private final Map<String, OpenTask> byTask = new HashMap<>();
    private final Map<String, String> holderOf = new HashMap<>();
    private final Map<String, Integer> heldBy = new HashMap<>();

    void put(String taskId, OpenTask entry) {
      byTask.put(taskId, entry);
      String before = holderOf.put(taskId, entry.lease.reviewer());
      if (before != null) {
        release(before);
      }
      heldBy.merge(entry.lease.reviewer(), 1, Integer::sum);
    }

    void remove(String taskId) {
      byTask.remove(taskId);
      String holder = holderOf.remove(taskId);
      if (holder != null) {
        release(holder);
      }
    }

    private void release(String reviewer) {
      heldBy.computeIfPresent(reviewer, (r, n) -> n == 1 ? null : n - 1);
    }

    int heldBy(String reviewer) {
      return heldBy.getOrDefault(reviewer, 0);
    }

    Collection<OpenTask> values() {
      return byTask.values();
    }
  }

  public TaskQueue(Clock clock, Duration leaseLength, QueueOrder order, String instanceId, QueueLog log,
      Consumer<Lease> onLeaseExpired) {
    this(clock, leaseLength, order, instanceId, log, onLeaseExpired, 1, GoldTasks.none());
  }

  /** A queue that keeps settled answers in the heap ({@link FrameBytes#inMemory()}): for tests of its rules. */
  public TaskQueue(Clock clock, Duration leaseLength, QueueOrder order, String instanceId, QueueLog log,
      Consumer<Lease> onLeaseExpired, int answersRequired, GoldTasks gold) {
    this(clock, leaseLength, LeaseLimits.NONE, order, instanceId, log, onLeaseExpired, answersRequired, gold,
        FrameBytes.inMemory());
  }

  /**
   * @param answersRequired independent answers an AUDIT or FLAGGED task needs (REVIEW_ANSWERS_REQUIRED)
   * @param gold frames with known labels, handed out now and then to measure reviewers
   * @param limits how many tasks one reviewer may hold, and for how long at most
   * @param state where the answer that settled each task is kept (one per task ever answered); the caller's to close
   */
  public TaskQueue(Clock clock, Duration leaseLength, LeaseLimits limits, QueueOrder order, String instanceId,
      QueueLog log, Consumer<Lease> onLeaseExpired, int answersRequired, GoldTasks gold, FrameBytes state) {
    this.answers = new SettledAnswers(state);
    this.limits = limits;
    this.answersRequired = answersRequired;
    this.gold = gold;
    this.clock = clock;
    this.leaseLength = leaseLength;
    this.instanceId = instanceId;
    this.commits = new GroupCommit(log, this, "review-queue-commits-" + instanceId);
    this.onLeaseExpired = onLeaseExpired;
    this.waiting = new WaitingTasks(order);
  }

  /**
   * Stops writing changes once those made are committed; a change after this is refused. Call it before the
   * {@link QueueLog} closes.
   */
  public void close() throws InterruptedException {
    commits.close();
  }

  /** A review request read from Kafka. Repeats and requests already answered are ignored. */
  public synchronized void offer(ReviewTask task) {
    if (commits.holdBack(task.taskId(), () -> offer(task))) {
      return;
    }
    if (answers.contains(task.taskId()) || open.containsKey(task.taskId())) {
      return;
    }
    OpenTask entry = new OpenTask(task);
    open.put(task.taskId(), entry);
    requested.add(task.taskId());
    openTaskByFrame.put(task.frameId(), task.taskId());
    TaskLease ahead = leasesAhead.remove(task.taskId());
    if (ahead != null) {
      setLease(entry, ahead);
    }
    if (entry.lease == null) {
      waiting.add(task);
    }
  }

  /**
   * An answer read from Kafka (written by this or an earlier leader). One that settles its task closes it; one that
   * awaits more answers is kept with the task.
   */
  public synchronized void answered(ReviewResult result) {
    if (!commits.holdBack(result.getTaskId(), () -> answered(result))) {
      applyAnswer(result);
    }
  }

  private void applyAnswer(ReviewResult result) {
    if (Boolean.FALSE.equals(result.getDecides())) {
      if (!answers.contains(result.getTaskId())) {
        List<ReviewResult> given = partial.computeIfAbsent(result.getTaskId(), t -> new ArrayList<>());
        if (given.stream().noneMatch(r -> r.getReviewerId().equals(result.getReviewerId()))) {
          given.add(result);
        }
      }
      return;
    }
    partial.remove(result.getTaskId());
    answers.putIfAbsent(result);
    leasesAhead.remove(result.getTaskId());
    OpenTask entry = open.remove(result.getTaskId());
    requested.remove(result.getTaskId());
    leased.remove(result.getTaskId());
    if (entry != null) {
      waiting.remove(entry.task);
      openTaskByFrame.remove(entry.task.frameId(), entry.task.taskId());
    }
  }

  /** A lease record read from Kafka; older versions than the one applied are ignored. */
  public synchronized void leaseRecorded(TaskLease record) {
    if (commits.holdBack(record.getTaskId(), () -> leaseRecorded(record))) {
      return;
    }
    if (answers.contains(record.getTaskId())) {
      return;
    }
    OpenTask entry = open.get(record.getTaskId());
    if (entry == null) {
      leasesAhead.merge(record.getTaskId(), record, (a, b) -> a.getVersion() >= b.getVersion() ? a : b);
      reopenGold(record.getTaskId());
      return;
    }
    if (record.getVersion() > entry.version) {
      apply(entry, record);
    }
  }

  /**
   * A gold frame read from Kafka: gold tasks showing it whose lease was read first (the topics are read side by side)
   * are held again.
   */
  public synchronized void goldFrameRead() {
    for (String taskId : List.copyOf(leasesAhead.keySet())) {
      reopenGold(taskId);
    }
  }

  /**
   * A gold task has no review request: its lease record is all there is. A live one (someone holds it) is opened again
   * from it, so a gold task handed out before a restart, or by another instance, can still be answered.
   */
  private void reopenGold(String taskId) {
    TaskLease lease = leasesAhead.get(taskId);
    if (lease == null || lease.getReviewerId() == null) {
      return;
    }
    gold.handedOut(taskId, lease.getReviewerId(), lease.getClaimedAt()).ifPresent(task -> {
      leasesAhead.remove(taskId);
      OpenTask entry = new OpenTask(task);
      open.put(taskId, entry);
      openTaskByFrame.put(task.frameId(), taskId);
      setLease(entry, lease);
    });
  }

  /**
   * Leases the next task for {@code reviewer}: the first in order they have not skipped.
   *
   * @throws TaskRefused when the reviewer already holds as many tasks as one may (so one cannot lease the queue)
   */
  public Optional<Claim> claim(String reviewer) {
    Optional<Leased> leased;
    synchronized (this) {
      leased = lease(reviewer);
    }
    leased.ifPresent(claim -> commits.await(claim.written()));
    return leased.map(Leased::claim);
  }

  /** A claim applied to the queue, and its change on its way to Kafka. */
  private record Leased(Claim claim, GroupCommit.Pending written) {}

  private Optional<Leased> lease(String reviewer) {
    awaitNotHeld();
    expireLeases();
    if (leasesHeldBy(reviewer) >= limits.maxPerReviewer()) {
      throw new TaskRefused(TaskRefused.Reason.TOO_MANY_LEASES, "you already hold " + limits.maxPerReviewer()
          + " tasks, as many as one reviewer may; answer, release or skip one first");
    }
    Optional<ReviewTask> goldTask = gold.maybeFor(reviewer, answers::contains);
    if (goldTask.isPresent() && !open.containsKey(goldTask.get().taskId())) {
      // A gold task exists only for the reviewer it was drawn for: it never waits in line for others.
      OpenTask entry = new OpenTask(goldTask.get());
      Instant now = clock.instant();
      Lease lease = newLease(entry.task.taskId(), reviewer, now);
      GroupCommit.Pending written = change(entry, lease, entry.skippedBy);
      open.put(entry.task.taskId(), entry);
      openTaskByFrame.put(entry.task.frameId(), entry.task.taskId());
      return Optional.of(new Leased(new Claim(entry.task, lease), written));
    }
    Optional<ReviewTask> next = waiting.next(task -> barredFrom(task, reviewer),
        task -> open.get(task.taskId()).skippedBy.contains(reviewer));
    if (next.isEmpty()) {
      return Optional.empty();
    }
    OpenTask entry = open.get(next.get().taskId());
    Instant now = clock.instant();
    Lease lease = newLease(entry.task.taskId(), reviewer, now);
    return Optional.of(new Leased(new Claim(entry.task, lease), change(entry, lease, entry.skippedBy)));
  }

  private Lease newLease(String taskId, String reviewer, Instant now) {
    return new Lease(taskId, reviewer, now, earlier(now.plus(leaseLength), now.plus(limits.maxLifetime())));
  }

  private static Instant earlier(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  /** Live leases {@code reviewer} holds (expired ones were put back by the caller's expireLeases). */
  private long leasesHeldBy(String reviewer) {
    return leased.heldBy(reviewer);
  }

  /** Whether a task may go to {@code reviewer}: not one they answered already, nor a flag they raised themselves. */
  private boolean barredFrom(ReviewTask task, String reviewer) {
    return answeredBy(task.taskId(), reviewer) || reviewer.equals(task.flaggedBy());
  }

  /** The task {@code reviewer} would get from a claim now, without leasing it (the page preloads its image). */
  public synchronized Optional<ReviewTask> peek(String reviewer) {
    expireLeases();
    Optional<ReviewTask> goldTask = gold.peekFor(reviewer, answers::contains);
    if (goldTask.isPresent() && !open.containsKey(goldTask.get().taskId())) {
      return goldTask; // a claim now gives this one: the page preloads its image as for any other task
    }
    return waiting.peek(task -> barredFrom(task, reviewer),
        task -> open.get(task.taskId()).skippedBy.contains(reviewer));
  }

  /**
   * Extends the caller's lease by a full lease length from now, but never past its maximum lifetime from the claim:
   * heartbeats alone cannot keep a task from others for ever.
   */
  public Lease heartbeat(String taskId, String reviewer) {
    Lease extended;
    GroupCommit.Pending written;
    synchronized (this) {
      awaitNotHeld();
      OpenTask entry = requireOpen(taskId);
      Lease held = requireLease(entry, reviewer);
      extended = new Lease(taskId, reviewer, held.claimedAt(),
          earlier(clock.instant().plus(leaseLength), held.claimedAt().plus(limits.maxLifetime())));
      written = change(entry, extended, entry.skippedBy);
    }
    commits.await(written);
    return extended;
  }

  /** Gives a leased task back to the queue, in its old place for everyone. */
  public void release(String taskId, String reviewer) {
    GroupCommit.Pending written;
    synchronized (this) {
      awaitNotHeld();
      OpenTask entry = requireOpen(taskId);
      requireLease(entry, reviewer);
      written = change(entry, null, entry.skippedBy);
    }
    commits.await(written);
  }

  /** Gives a leased task back, behind every other task for this reviewer only. */
  public void skip(String taskId, String reviewer) {
    GroupCommit.Pending written;
    synchronized (this) {
      awaitNotHeld();
      OpenTask entry = requireOpen(taskId);
      requireLease(entry, reviewer);
      Set<String> skippedBy = new LinkedHashSet<>(entry.skippedBy);
      skippedBy.add(reviewer);
      written = change(entry, null, skippedBy);
    }
    commits.await(written);
  }

  /**
   * The outcome of a submit: the answer on record, the HUMAN label written with it (null when it settled nothing, and
   * on a repeat), and whether it was already there (a repeated submit, which writes nothing).
   */
  public record Submitted(ReviewResult result, Label label, boolean repeated) {}

  /** Makes the records of an answer: the result, and the HUMAN label when the verdict settles the task. */
  @FunctionalInterface
  public interface AnswerMaker {
    QueueChange.Answered make(ReviewTask task, Lease lease, Verdict verdict);
  }

  /**
   * Answers a task. The answer is made and applied while the queue is locked, so the lease cannot run out and pass to
   * someone else between the check and the answer; this returns once it is committed. A repeat of the same answer by
   * the same reviewer returns the first one (once that is committed) and writes nothing. An answer that does not
   * settle its task (it needs more) gives the task back to the queue for a reviewer who has not answered it.
   *
   * @param admin whether the caller is an admin, whose answer breaks a tie
   * @throws TaskRefused for an unknown task, when the caller holds no live lease, or when the task was already
   *     answered differently
   */
  public Submitted submit(String taskId, String reviewer, String label, boolean admin, AnswerMaker maker) {
    return submit(taskId, reviewer, Answer.ofLabel(label), admin, maker);
  }

  /**
   * Answers a task with a class or with boxes; "the same answer" (a repeat, and agreement between reviewers) is
   * {@link Answer#sameAs}: the same class, or boxes exact against each other.
   */
  public Submitted submit(String taskId, String reviewer, Answer answer, boolean admin, AnswerMaker maker) {
    Submitted submitted;
    Optional<GroupCommit.Pending> written;
    synchronized (this) {
      awaitNotHeld();
      ReviewResult earlier = answers.get(taskId);
      if (earlier == null) {
        earlier = partial.getOrDefault(taskId, List.of()).stream().filter(r -> r.getReviewerId().equals(reviewer))
            .findFirst().orElse(null);
      }
      if (earlier != null) {
        if (!earlier.getReviewerId().equals(reviewer) || !answer.sameAs(earlier)) {
          throw new TaskRefused(TaskRefused.Reason.ALREADY_ANSWERED, "task " + taskId + " was already answered");
        }
        // The first answer may still be on its way: the repeat is told what the first one is told.
        submitted = new Submitted(earlier, null, true);
        written = commits.inFlight(taskId);
      } else {
        OpenTask entry = requireOpen(taskId);
        Lease lease = requireLease(entry, reviewer);
        Verdict verdict = verdict(entry.task, partial.getOrDefault(taskId, List.of()), reviewer, answer, admin);
        QueueChange.Answered made = maker.make(entry.task, lease, verdict);
        Before before = before(taskId);
        applyAnswer(made.result());
        List<QueueChange> changes = new ArrayList<>(List.of(made));
        if (!verdict.decides()) {
          changes.add(leaseChange(entry, null, entry.skippedBy));
        }
        submitted = new Submitted(made.result(), made.label(), false);
        written = Optional.of(commits.add(taskId, changes, () -> restore(before)));
      }
    }
    written.ifPresent(commits::await);
    return submitted;
  }

  /** Something to run while the queue is still; it may fail as writing a file does. */
  @FunctionalInterface
  public interface WhileStill {
    void run() throws IOException;
  }

  /**
   * Runs {@code action} once no change to the queue is on its way to Kafka, with none made meanwhile: what the queue
   * holds (and what it keeps in the state store) is then what Kafka holds, for a checkpoint taken while running.
   * Changes asked for meanwhile wait until it is done. Gives up, running nothing, when changes are still on their way
   * after {@code patience} (Kafka slow or away): returns whether it ran.
   */
  public boolean whileStill(Duration patience, WhileStill action) throws IOException, InterruptedException {
    synchronized (this) {
      held = true;
      try {
        long deadline = System.nanoTime() + patience.toNanos();
        while (commits.anyInFlight()) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            return false;
          }
          TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        action.run();
        return true;
      } finally {
        held = false;
        notifyAll();
      }
    }
  }

  /** Before a change, under the queue's lock: waits while {@link #whileStill} holds changes back. */
  private void awaitNotHeld() {
    while (held) {
      try {
        wait();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while the review queue was held for a checkpoint", e);
      }
    }
  }

  /** Answers {@code task} needs before it is settled: several for AUDIT and FLAGGED tasks, one otherwise. */
  public int answersRequired(ReviewTask task) {
    return answersRequired(task.reason());
  }

  /** Answers a task given to people for {@code reason} needs before it is settled. */
  public int answersRequired(ReviewReason reason) {
    return reason == ReviewReason.AUDIT || reason == ReviewReason.FLAGGED ? answersRequired : 1;
  }

  private Verdict verdict(ReviewTask task, List<ReviewResult> given, String reviewer, Answer answer, boolean admin) {
    List<String> agreeing = new ArrayList<>();
    given.stream().filter(answer::sameAs).forEach(r -> agreeing.add(r.getReviewerId()));
    agreeing.add(reviewer);
    boolean tieBreak = admin && given.stream().anyMatch(r -> !answer.sameAs(r));
    boolean decides = agreeing.size() >= answersRequired(task) || tieBreak;
    return new Verdict(decides, answer.label(), List.copyOf(agreeing), answer.boxes());
  }

  private boolean answeredBy(String taskId, String reviewer) {
    return partial.getOrDefault(taskId, List.of()).stream().anyMatch(r -> r.getReviewerId().equals(reviewer));
  }

  public synchronized Optional<ReviewTask> task(String taskId) {
    OpenTask entry = open.get(taskId);
    return entry == null ? Optional.empty() : Optional.of(entry.task);
  }

  /** The open task of a frame (for its image). */
  public synchronized Optional<ReviewTask> openTaskOfFrame(String frameId) {
    String taskId = openTaskByFrame.get(frameId);
    return taskId == null ? Optional.empty() : task(taskId);
  }

  /** Calls {@code visitor} with every open task, leased or not (under the queue's lock: keep it short). */
  public synchronized void forEachOpen(java.util.function.Consumer<ReviewTask> visitor) {
    open.values().forEach(entry -> visitor.accept(entry.task));
  }

  /** Open tasks, leased or not. */
  public synchronized int openCount() {
    return open.size();
  }

  /** Open tasks made from review requests, leased or not: what REVIEW_MAX_OPEN_TASKS bounds. */
  public synchronized int requestedCount() {
    return requested.size();
  }

  /** Whether a review request for {@code taskId} would open a task (it is neither open nor answered). */
  public synchronized boolean wouldOpen(String taskId) {
    return !open.containsKey(taskId) && !answers.contains(taskId);
  }

  /**
   * Whether a reviewer holds a live lease on a task whose request this instance has not read yet: another instance
   * (the leader, before this one took over) opened more tasks than this one, and the holder must be able to finish.
   */
  public synchronized boolean leasedBeforeRead() {
    Instant now = clock.instant();
    return leasesAhead.values().stream().anyMatch(lease -> lease.getReviewerId() != null
        && lease.getExpiresAt() != null && lease.getExpiresAt().isAfter(now));
  }

  /** Bytes of images the open tasks keep in memory: only gold tasks keep theirs (see {@link TaskImage}). */
  public synchronized long heldImageBytes() {
    return open.values().stream().mapToLong(entry -> entry.task.image().heldBytes()).sum();
  }

  /**
   * Tasks someone holds a live lease on. Only reads: the leases gauge calls it on every {@code /metrics} scrape, and a
   * scrape must not change the queue; leases that ran out are put back in line by the next change (a claim).
   */
  public synchronized int leasedCount() {
    Instant now = clock.instant();
    return (int) leased.values().stream().filter(entry -> !entry.lease.expired(now)).count();
  }

  /** An open task as the admin view shows it: who holds it, if anyone. */
  public record Queued(ReviewTask task, Lease lease) {}

  /** Up to {@code limit} open tasks: the leased ones, then the waiting ones in hand-out order (for a reviewer with no skips). */
  public synchronized List<Queued> overview(int limit) {
    expireLeases();
    List<Queued> rows = new ArrayList<>();
    leased.values().stream()
        .sorted(java.util.Comparator.comparing((OpenTask entry) -> entry.lease.claimedAt()))
        .forEach(entry -> rows.add(new Queued(entry.task, entry.lease)));
    waiting.inOrder(limit).forEach(task -> rows.add(new Queued(task, null)));
    return rows.size() > limit ? rows.subList(0, limit) : rows;
  }

  /** The live leases, for the admin view. */
  public synchronized List<Lease> leases() {
    expireLeases();
    List<Lease> leases = new ArrayList<>();
    leased.values().forEach(entry -> leases.add(entry.lease));
    return leases;
  }

  /**
   * Applies a new lease state at once; it is written with the next group of changes, and taken back if that write
   * fails.
   */
  private GroupCommit.Pending change(OpenTask entry, Lease lease, Set<String> skippedBy) {
    Before before = before(entry.task.taskId());
    return commits.add(entry.task.taskId(), List.of(leaseChange(entry, lease, skippedBy)), () -> restore(before));
  }

  /** Applies a new lease state to an open task; returns it as the change to write. */
  private QueueChange.LeaseChanged leaseChange(OpenTask entry, Lease lease, Set<String> skippedBy) {
    TaskLease record = TaskLease.newBuilder()
        .setTaskId(entry.task.taskId())
        .setFrameId(entry.task.frameId())
        .setVersion(entry.version + 1)
        .setReviewerId(lease == null ? null : lease.reviewer())
        .setClaimedAt(lease == null ? null : lease.claimedAt())
        .setExpiresAt(lease == null ? null : lease.expiresAt())
        .setSkippedBy(List.copyOf(skippedBy))
        .setWrittenBy(instanceId)
        .setWrittenAt(clock.instant())
        .build();
    apply(entry, record);
    return new QueueChange.LeaseChanged(record);
  }

  /**
   * Everything a change may alter of one task, as it was before the change: what {@link #restore} puts back when the
   * change's write failed.
   */
  private record Before(String taskId, OpenTask entry, long version, Lease lease, List<String> skippedBy,
      boolean requested, ReviewResult answer, List<ReviewResult> partial) {}

  private Before before(String taskId) {
    OpenTask entry = open.get(taskId);
    List<ReviewResult> given = partial.get(taskId);
    return new Before(taskId, entry, entry == null ? 0 : entry.version, entry == null ? null : entry.lease,
        entry == null ? List.of() : List.copyOf(entry.skippedBy), requested.contains(taskId), answers.get(taskId),
        given == null ? null : List.copyOf(given));
  }

  /** Puts one task back as it was before a change: open or not, leased or waiting, answered or not. */
  private void restore(Before before) {
    String taskId = before.taskId();
    OpenTask now = open.remove(taskId);
    if (now != null) {
      waiting.remove(now.task);
      openTaskByFrame.remove(now.task.frameId(), taskId);
    }
    leased.remove(taskId);
    requested.remove(taskId);
    if (before.answer() == null) {
      answers.remove(taskId);
    } else {
      answers.put(before.answer());
    }
    restoreEntry(partial, taskId, before.partial() == null ? null : new ArrayList<>(before.partial()));
    OpenTask entry = before.entry();
    if (entry == null) {
      return;
    }
    entry.version = before.version();
    entry.lease = before.lease();
    if (entry.lease != null) {
      heldUntil(entry.lease);
    }
    entry.skippedBy.clear();
    entry.skippedBy.addAll(before.skippedBy());
    open.put(taskId, entry);
    openTaskByFrame.put(entry.task.frameId(), taskId);
    if (before.requested()) {
      requested.add(taskId);
    }
    if (entry.lease != null) {
      leased.put(taskId, entry);
    } else {
      waiting.add(entry.task);
    }
  }

  private static <V> void restoreEntry(Map<String, V> map, String key, V value) {
    if (value == null) {
      map.remove(key);
    } else {
      map.put(key, value);
    }
  }

  /** Takes a lease record into an open task and moves the task in or out of line accordingly. */
  private void apply(OpenTask entry, TaskLease record) {
    boolean wasWaiting = entry.lease == null;
    setLease(entry, record);
    if (wasWaiting && entry.lease != null) {
      waiting.remove(entry.task);
    } else if (!wasWaiting && entry.lease == null) {
      backInLine(entry);
    }
  }

  /**
   * A task nobody holds any more waits for the next reviewer; a gold task, drawn for one reviewer only, is dropped
   * instead (that reviewer may draw it again later).
   */
  private void backInLine(OpenTask entry) {
    if (entry.task.reason() == ReviewReason.GOLD) {
      open.remove(entry.task.taskId());
      requested.remove(entry.task.taskId());
      openTaskByFrame.remove(entry.task.frameId(), entry.task.taskId());
    } else {
      waiting.add(entry.task);
    }
  }

  private void setLease(OpenTask entry, TaskLease record) {
    entry.version = record.getVersion();
    entry.lease = record.getReviewerId() == null ? null
        : new Lease(record.getTaskId(), record.getReviewerId(), record.getClaimedAt(), record.getExpiresAt());
    if (entry.lease == null) {
      leased.remove(entry.task.taskId());
    } else {
      leased.put(entry.task.taskId(), entry);
      heldUntil(entry.lease);
    }
    entry.skippedBy.clear();
    entry.skippedBy.addAll(record.getSkippedBy());
  }

  private void heldUntil(Lease lease) {
    if (lease.expiresAt().isBefore(noLeaseExpiresBefore)) {
      noLeaseExpiresBefore = lease.expiresAt();
    }
  }

  private OpenTask requireOpen(String taskId) {
    OpenTask entry = open.get(taskId);
    if (entry == null) {
      if (answers.contains(taskId)) {
        throw new TaskRefused(TaskRefused.Reason.ALREADY_ANSWERED, "task " + taskId + " was already answered");
      }
      throw new TaskRefused(TaskRefused.Reason.TASK_NOT_FOUND, "no open task " + taskId);
    }
    return entry;
  }

  private Lease requireLease(OpenTask entry, String reviewer) {
    expireLeases();
    Lease lease = entry.lease;
    if (lease == null) {
      throw new TaskRefused(TaskRefused.Reason.LEASE_NOT_HELD, "you do not hold task " + entry.task.taskId() + " (it was never "
          + "claimed by you, or its lease ran out); claim a task first");
    }
    if (!lease.reviewer().equals(reviewer)) {
      throw new TaskRefused(TaskRefused.Reason.LEASE_NOT_HELD, "task " + entry.task.taskId() + " is leased to another reviewer");
    }
    return lease;
  }

  /**
   * Puts tasks whose lease ran out back in line. Nothing is written: the expiry time is in the lease record, so
   * every instance that reads it reaches the same conclusion.
   */
  private void expireLeases() {
    Instant now = clock.instant();
    if (now.isBefore(noLeaseExpiresBefore)) {
      return;
    }
    noLeaseExpiresBefore = Instant.MAX;
    for (OpenTask entry : List.copyOf(leased.values())) {
      if (!entry.lease.expired(now)) {
        heldUntil(entry.lease);
      } else {
        Lease expired = entry.lease;
        if (!expired.expiresAt().isBefore(expired.claimedAt().plus(limits.maxLifetime()))) {
          // Held as long as anyone may: behind every other task for its holder, as a skip, or they would claim it again.
          entry.skippedBy.add(expired.reviewer());
        }
        entry.lease = null;
        leased.remove(entry.task.taskId());
        backInLine(entry);
        onLeaseExpired.accept(expired);
      }
    }
  }

  /**
   * Writes the open tasks with their leases and skips, the answers given to tasks that need more, lease records read
   * before their task, and the round-robin turn. The settled answers are in the state store, not here. Changes not
   * yet committed are written too: save only once {@link #close()} has committed or taken them back.
   */
  @Override
  public synchronized void save(DataOutput out) throws IOException {
    out.writeInt(open.size());
    for (OpenTask entry : open.values()) {
      SavedTasks.write(out, entry.task);
      out.writeBoolean(requested.contains(entry.task.taskId()));
      out.writeLong(entry.version);
      out.writeBoolean(entry.lease != null);
      if (entry.lease != null) {
        // to the millisecond, as its lease record holds it: what an instance that replays the topics reads
        out.writeUTF(entry.lease.reviewer());
        writeInstant(out, millis(entry.lease.claimedAt()));
        writeInstant(out, millis(entry.lease.expiresAt()));
      }
      out.writeInt(entry.skippedBy.size());
      for (String reviewer : entry.skippedBy) {
        out.writeUTF(reviewer);
      }
    }
    out.writeInt(partial.size());
    for (Map.Entry<String, List<ReviewResult>> given : partial.entrySet()) {
      out.writeUTF(given.getKey());
      out.writeInt(given.getValue().size());
      for (ReviewResult result : given.getValue()) {
        writeRecord(out, Topics.REVIEW_RESULTS, result);
      }
    }
    out.writeInt(leasesAhead.size());
    for (TaskLease lease : leasesAhead.values()) {
      writeRecord(out, Topics.REVIEW_LEASES, lease);
    }
    out.writeUTF(waiting.lastClass());
  }

  private static Instant millis(Instant at) {
    return at == null ? null : at.truncatedTo(ChronoUnit.MILLIS);
  }

  /** Reads back what {@link #save} wrote into a queue newly made, before anything was offered to it. */
  @Override
  public synchronized void restore(DataInput in) throws IOException {
    if (!open.isEmpty() || !partial.isEmpty() || !leasesAhead.isEmpty()) {
      throw new IllegalStateException("a queue is restored before anything is offered to it");
    }
    for (int i = in.readInt(); i > 0; i--) {
      OpenTask entry = new OpenTask(SavedTasks.read(in));
      String taskId = entry.task.taskId();
      open.put(taskId, entry);
      openTaskByFrame.put(entry.task.frameId(), taskId);
      if (in.readBoolean()) {
        requested.add(taskId);
      }
      entry.version = in.readLong();
      if (in.readBoolean()) {
        entry.lease = new Lease(taskId, in.readUTF(), readInstant(in), readInstant(in));
        leased.put(taskId, entry);
        heldUntil(entry.lease);
      } else {
        waiting.add(entry.task);
      }
      for (int s = in.readInt(); s > 0; s--) {
        entry.skippedBy.add(in.readUTF());
      }
    }
    for (int i = in.readInt(); i > 0; i--) {
      String taskId = in.readUTF();
      List<ReviewResult> given = new ArrayList<>();
      for (int r = in.readInt(); r > 0; r--) {
        given.add(readRecord(in, Topics.REVIEW_RESULTS));
      }
      partial.put(taskId, given);
    }
    for (int i = in.readInt(); i > 0; i--) {
      TaskLease lease = readRecord(in, Topics.REVIEW_LEASES);
      leasesAhead.put(lease.getTaskId(), lease);
    }
    waiting.lastClass(in.readUTF());
  }
}
