package io.labelstream.review.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.labelstream.schemas.avro.ReviewDecision;
import io.labelstream.schemas.avro.ReviewReason;
import io.labelstream.schemas.avro.ReviewResult;
import io.labelstream.schemas.avro.TaskLease;
import io.labelstream.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The queue's changes are committed in groups ({@link GroupCommit}): what reviewers make while a transaction is on its
 * way goes into the next one, and what a failed transaction held is taken back, with everything made after it.
 */
class GroupCommitTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-03T10:00:00Z"));
  private final GatedLog log = new GatedLog();
  private final TaskQueue queue = new TaskQueue(clock, Duration.ofSeconds(60), QueueOrder.UNCERTAINTY, "test", log,
      lease -> { });

  /** A log whose transactions wait for the test to let them go, and fail while the test says so. */
  private static final class GatedLog implements QueueLog {
    final List<List<QueueChange>> committed = Collections.synchronizedList(new ArrayList<>());
    final Semaphore started = new Semaphore(0);
    final Semaphore gate = new Semaphore(Integer.MAX_VALUE);
    final AtomicBoolean failing = new AtomicBoolean();

    @Override
    public void commit(List<QueueChange> changes) {
      started.release();
      gate.acquireUninterruptibly();
      if (failing.get()) {
        throw new IllegalStateException("fenced: another instance leads the queue");
      }
      committed.add(List.copyOf(changes));
    }

    /** From now on each transaction waits for {@link #letOneGo}; {@link #awaitStarted} waits for the next one. */
    void close() {
      gate.drainPermits();
      started.drainPermits();
    }

    void letOneGo() {
      gate.release();
    }

    void awaitStarted() throws InterruptedException {
      assertThat(started.tryAcquire(30, TimeUnit.SECONDS)).as("a transaction started").isTrue();
    }

    List<TaskLease> leases() {
      List<TaskLease> leases = new ArrayList<>();
      committed.forEach(group -> group.stream().filter(QueueChange.LeaseChanged.class::isInstance)
          .forEach(change -> leases.add(((QueueChange.LeaseChanged) change).lease())));
      return leases;
    }
  }

  @Test
  void shouldCommitTheClaimsMadeWhileATransactionIsOnItsWayTogetherInTheNextOne() throws Exception {
    for (int i = 0; i < 20; i++) {
      queue.offer(task("t" + i, i / 100.0));
    }
    log.close();
    CompletableFuture<Claim> first = CompletableFuture.supplyAsync(() -> queue.claim("r0").orElseThrow());
    log.awaitStarted();
    List<CompletableFuture<Claim>> others = new ArrayList<>();
    for (int i = 1; i < 20; i++) {
      String reviewer = "r" + i;
      others.add(CompletableFuture.supplyAsync(() -> queue.claim(reviewer).orElseThrow()));
    }
    // Every claim is applied at once (the next claim must find its task taken), and answered only once committed.
    await().atMost(Duration.ofSeconds(30)).until(() -> queue.leasedCount() == 20);
    assertThat(others).noneMatch(CompletableFuture::isDone);

    log.letOneGo();
    log.letOneGo();
    List<Claim> claims = new ArrayList<>(List.of(first.get(30, TimeUnit.SECONDS)));
    for (CompletableFuture<Claim> claim : others) {
      claims.add(claim.get(30, TimeUnit.SECONDS));
    }

    assertThat(log.committed).extracting(List::size).containsExactly(1, 19);
    assertThat(claims).extracting(claim -> claim.task().taskId()).doesNotHaveDuplicates().hasSize(20);
    assertThat(log.leases()).extracting(TaskLease::getTaskId)
        .containsExactlyInAnyOrderElementsOf(claims.stream().map(claim -> claim.task().taskId()).toList());
  }

  @Test
  void shouldTakeBackAFailedTransactionAndEveryChangeMadeAfterIt() throws Exception {
    queue.offer(task("a", 0.9));
    queue.offer(task("b", 0.8));
    queue.offer(task("c", 0.7));
    Claim held = queue.claim("ada").orElseThrow();
    assertThat(held.task().taskId()).isEqualTo("a");
    log.close();
    log.failing.set(true);

    CompletableFuture<Void> answer = CompletableFuture.runAsync(() -> queue.submit("a", "ada", "Bag", false,
        (task, lease, verdict) -> answer(task, lease.reviewer(), verdict)));
    log.awaitStarted();
    // Made while that transaction is on its way, on a queue that already shows a answered: it goes too.
    CompletableFuture<Claim> claim = CompletableFuture.supplyAsync(() -> queue.claim("bob").orElseThrow());
    await().atMost(Duration.ofSeconds(30)).until(() -> queue.leasedCount() == 1 && queue.openCount() == 2);
    log.letOneGo();

    assertThatThrownBy(() -> answer.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .hasRootCauseMessage("fenced: another instance leads the queue");
    assertThatThrownBy(() -> claim.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .hasRootCauseMessage("fenced: another instance leads the queue");
    assertThat(log.committed).as("only ada's claim").hasSize(1);
    // As committed: a open and held by ada, b and c waiting, nothing answered.
    assertThat(queue.openCount()).isEqualTo(3);
    assertThat(queue.leases()).extracting(Lease::taskId, Lease::reviewer)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("a", "ada"));

    log.failing.set(false);
    log.letOneGo();
    log.letOneGo();
    assertThat(queue.submit("a", "ada", "Bag", false, (task, lease, verdict) -> answer(task, lease.reviewer(), verdict))
        .repeated()).as("the answer taken back can be given again").isFalse();
    assertThat(queue.claim("bob").orElseThrow().task().taskId()).isEqualTo("b");
  }

  @Test
  void shouldApplyARecordReadDuringAFailedChangeOnceItIsTakenBack() throws Exception {
    queue.offer(task("a", 0.9));
    log.close();
    log.failing.set(true);
    CompletableFuture<Claim> claim = CompletableFuture.supplyAsync(() -> queue.claim("ada").orElseThrow());
    log.awaitStarted();
    // The instance that fenced this one leased the same task, at the same version, and this one reads it back.
    queue.leaseRecorded(TaskLease.newBuilder().setTaskId("a").setFrameId("f-a").setVersion(1).setReviewerId("zed")
        .setClaimedAt(clock.instant()).setExpiresAt(clock.instant().plusSeconds(60)).setSkippedBy(List.of())
        .setWrittenBy("other").setWrittenAt(clock.instant()).build());
    log.letOneGo();

    assertThatThrownBy(() -> claim.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
    assertThat(queue.leases()).extracting(Lease::taskId, Lease::reviewer)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("a", "zed"));
  }

  @Test
  void shouldTellARepeatedAnswerWhatTheFirstOneIsToldOnlyOnceItIsCommitted() throws Exception {
    queue.offer(task("a", 0.9));
    queue.claim("ada").orElseThrow();
    log.close();
    log.failing.set(true);
    TaskQueue.AnswerMaker maker = (task, lease, verdict) -> answer(task, lease.reviewer(), verdict);
    CompletableFuture<TaskQueue.Submitted> first = CompletableFuture.supplyAsync(
        () -> queue.submit("a", "ada", "Bag", false, maker));
    log.awaitStarted();
    // The page sends the answer again (a retry after a timeout) while the first is on its way.
    CompletableFuture<TaskQueue.Submitted> again = new CompletableFuture<>();
    Thread retry = new Thread(() -> {
      try {
        again.complete(queue.submit("a", "ada", "Bag", false, maker));
      } catch (RuntimeException e) {
        again.completeExceptionally(e);
      }
    });
    retry.start();
    await().atMost(Duration.ofSeconds(30)).until(() -> retry.getState() == Thread.State.WAITING);
    assertThat(again).isNotDone();
    log.letOneGo();

    assertThatThrownBy(() -> first.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
    assertThatThrownBy(() -> again.get(30, TimeUnit.SECONDS)).as("the repeat is not told the answer is on record")
        .isInstanceOf(ExecutionException.class).hasRootCauseMessage("fenced: another instance leads the queue");
    assertThat(log.started.availablePermits()).as("the repeat wrote nothing of its own").isZero();
    assertThat(queue.openCount()).isEqualTo(1);
  }

  @Test
  void shouldRefuseAndTakeBackAChangeMadeAfterTheQueueClosed() throws Exception {
    queue.offer(task("a", 0.9));
    queue.claim("ada").orElseThrow();
    queue.close();

    assertThatThrownBy(() -> queue.submit("a", "ada", "Bag", false,
        (task, lease, verdict) -> answer(task, lease.reviewer(), verdict))).hasMessage("the review queue is closing");
    assertThatThrownBy(() -> queue.release("a", "ada")).hasMessage("the review queue is closing");
    assertThat(queue.openCount()).isEqualTo(1);
    assertThat(queue.leases()).extracting(Lease::reviewer).containsExactly("ada");
    assertThat(log.committed).as("only the claim before the close").hasSize(1);
  }

  private QueueChange.Answered answer(ReviewTask task, String reviewer, Verdict verdict) {
    return new QueueChange.Answered(ReviewResult.newBuilder().setTaskId(task.taskId()).setFrameId(task.frameId())
        .setReviewerId(reviewer).setLabel(verdict.label()).setClassIndex(8).setDecision(ReviewDecision.CORRECTED)
        .setTimeSpentMs(5).setSubmittedAt(clock.instant()).setReason(task.reason()).setDecides(verdict.decides())
        .build(), null);
  }

  @Test
  void shouldHoldNewChangesAndWaitForThoseOnTheirWayBeforeACheckpointIsTaken() throws Exception {
    for (int i = 0; i < 3; i++) {
      queue.offer(task("t" + i, i / 10.0));
    }
    log.close();
    CompletableFuture<Claim> onItsWay = CompletableFuture.supplyAsync(() -> queue.claim("r0").orElseThrow());
    log.awaitStarted();
    List<String> seenByTheCheckpoint = Collections.synchronizedList(new ArrayList<>());
    CompletableFuture<Boolean> taken = new CompletableFuture<>();
    Thread checkpoint = new Thread(() -> {
      try {
        taken.complete(queue.whileStill(Duration.ofSeconds(30), () -> seenByTheCheckpoint.add(
            log.committed.size() + " committed, " + queue.leasedCount() + " leased")));
      } catch (Exception e) {
        taken.completeExceptionally(e);
      }
    });
    checkpoint.start();
    await().atMost(Duration.ofSeconds(30)).until(() -> checkpoint.getState() == Thread.State.TIMED_WAITING);

    CompletableFuture<Claim> askedMeanwhile = new CompletableFuture<>();
    Thread reviewer = new Thread(() -> askedMeanwhile.complete(queue.claim("r1").orElseThrow()));
    reviewer.start();
    await().atMost(Duration.ofSeconds(30)).until(() -> reviewer.getState() == Thread.State.WAITING);
    assertThat(taken).as("waits for the change on its way").isNotDone();
    log.letOneGo(); // r0's transaction commits; r1's claim, had it been made, would now be on its way in the next
    assertThat(taken.get(10, TimeUnit.SECONDS)).isTrue();
    assertThat(onItsWay.get(30, TimeUnit.SECONDS).task().taskId()).isEqualTo("t2");

    // the checkpoint saw r0's claim committed and r1's not yet made
    assertThat(seenByTheCheckpoint).containsExactly("1 committed, 1 leased");
    log.awaitStarted();
    log.letOneGo();
    assertThat(askedMeanwhile.get(30, TimeUnit.SECONDS).task().taskId()).isEqualTo("t1");
  }

  @Test
  void shouldLeaveACheckpointForLaterWhenChangesStayOnTheirWayAndLetTheQueueGoOn() throws Exception {
    queue.offer(task("t0", 0.1));
    queue.offer(task("t1", 0.2));
    log.close();
    CompletableFuture<Claim> stuck = CompletableFuture.supplyAsync(() -> queue.claim("r0").orElseThrow());
    log.awaitStarted();
    AtomicBoolean ran = new AtomicBoolean();

    assertThat(queue.whileStill(Duration.ofMillis(300), () -> ran.set(true))).isFalse();
    assertThat(ran).isFalse();
    CompletableFuture<Claim> next = CompletableFuture.supplyAsync(() -> queue.claim("r1").orElseThrow());
    log.letOneGo();
    log.awaitStarted();
    log.letOneGo();
    assertThat(stuck.get(30, TimeUnit.SECONDS)).isNotNull();
    assertThat(next.get(30, TimeUnit.SECONDS).task().taskId()).isEqualTo("t0");
  }

  private ReviewTask task(String id, double priority) {
    return new ReviewTask(id, "f-" + id, ReviewReason.LOW_CONFIDENCE, priority, "Coat", 1 - priority, "image/png",
        new byte[] {1}, clock.instant());
  }
}
