package io.labelstream.review.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labelstream.review.images.StoredImage;
import io.labelstream.review.state.FrameBytes;
import io.labelstream.schemas.avro.Box;
import io.labelstream.schemas.avro.ImageRef;
import io.labelstream.schemas.avro.ReviewDecision;
import io.labelstream.schemas.avro.ReviewReason;
import io.labelstream.schemas.avro.ReviewResult;
import io.labelstream.schemas.avro.TaskLease;
import io.labelstream.testsupport.MutableClock;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TaskQueueTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T10:00:00Z"));
  private final List<Lease> expired = new ArrayList<>();
  private final List<TaskLease> written = new ArrayList<>();
  /** Keeps the lease records the queue writes. */
  private final QueueLog log = changes -> changes.stream().filter(QueueChange.LeaseChanged.class::isInstance)
      .forEach(change -> written.add(((QueueChange.LeaseChanged) change).lease()));
  private final TaskQueue queue = queue(QueueOrder.UNCERTAINTY);

  private TaskQueue queue(QueueOrder order) {
    return new TaskQueue(clock, Duration.ofSeconds(60), order, "test", log, expired::add);
  }

  @Test
  void shouldHandOutTheMostUncertainTaskFirst() {
    queue.offer(task("a", 0.2));
    queue.offer(task("b", 0.7));
    queue.offer(task("c", 0.4));

    assertThat(queue.claim("ada").orElseThrow().task().taskId()).isEqualTo("b");
    assertThat(queue.claim("ada").orElseThrow().task().taskId()).isEqualTo("c");
    assertThat(queue.claim("ada").orElseThrow().task().taskId()).isEqualTo("a");
    assertThat(queue.claim("ada")).isEmpty();
  }

  @Test
  void shouldNotOfferALeasedTaskToAnyoneElseUntilTheLeaseEnds() {
    queue.offer(task("a", 0.5));
    assertThat(queue.claim("ada")).isPresent();

    assertThat(queue.claim("bob")).isEmpty();
    clock.advance(Duration.ofSeconds(60));

    Claim reoffered = queue.claim("bob").orElseThrow();
    assertThat(reoffered.task().taskId()).isEqualTo("a");
    assertThat(reoffered.lease().reviewer()).isEqualTo("bob");
    assertThat(expired).extracting(Lease::reviewer).containsExactly("ada");
  }

  @Test
  void shouldCountTheLiveLeasesWithoutExpiringAnyWhenOnlyAskedHowMany() {
    // The leases gauge reads this on every /metrics scrape: a scrape must not change the queue.
    queue.offer(task("a", 0.5));
    queue.offer(task("b", 0.4));
    queue.claim("ada");
    clock.advance(Duration.ofSeconds(30));
    queue.claim("ada");
    clock.advance(Duration.ofSeconds(31)); // a's lease ran out, b's has 29 s left

    assertThat(queue.leasedCount()).isEqualTo(1);
    assertThat(expired).isEmpty();
    assertThat(queue.claim("bob")).map(claim -> claim.task().taskId()).contains("a");
    assertThat(expired).extracting(Lease::reviewer).containsExactly("ada");
  }

  @Test
  void shouldRefuseASubmitFromAnyoneButTheLeaseHolderAndWriteNothing() {
    queue.offer(task("a", 0.5));
    queue.claim("ada");
    AtomicInteger writes = new AtomicInteger();

    assertThatThrownBy(() -> queue.submit("a", "bob", "Bag", false, (t, l, v) -> result(t, "bob", "Bag", writes)))
        .isInstanceOfSatisfying(TaskRefused.class, e -> assertThat(e.reason()).isEqualTo(TaskRefused.Reason.LEASE_NOT_HELD));
    clock.advance(Duration.ofSeconds(61));
    assertThatThrownBy(() -> queue.submit("a", "ada", "Bag", false, (t, l, v) -> result(t, "ada", "Bag", writes)))
        .isInstanceOfSatisfying(TaskRefused.class, e -> assertThat(e.reason()).isEqualTo(TaskRefused.Reason.LEASE_NOT_HELD));
    assertThat(writes).hasValue(0);
  }

  @Test
  void shouldTreatTheSameAnswerTwiceAsOneAndADifferentLaterAnswerAsAConflict() {
    queue.offer(task("a", 0.5));
    queue.claim("ada");
    AtomicInteger writes = new AtomicInteger();

    TaskQueue.Submitted first = queue.submit("a", "ada", "Bag", false, (t, l, v) -> result(t, "ada", "Bag", writes));
    TaskQueue.Submitted again = queue.submit("a", "ada", "Bag", false, (t, l, v) -> result(t, "ada", "Bag", writes));

    assertThat(first.repeated()).isFalse();
    assertThat(again.repeated()).isTrue();
    assertThat(again.result()).isEqualTo(first.result());
    assertThat(writes).hasValue(1);
    assertThat(queue.openCount()).isZero();
    assertThatThrownBy(() -> queue.submit("a", "ada", "Coat", false, (t, l, v) -> result(t, "ada", "Coat", writes)))
        .isInstanceOfSatisfying(TaskRefused.class, e -> assertThat(e.reason()).isEqualTo(TaskRefused.Reason.ALREADY_ANSWERED));
  }

  @Test
  void shouldKeepSettledAnswersInTheStateStoreAndTakeOneBackWhenItsWriteFails() {
    try (FrameBytes state = FrameBytes.temporary()) {
      boolean[] fail = {false};
      QueueLog failing = changes -> {
        if (fail[0]) {
          throw new IllegalStateException("the transaction was aborted");
        }
      };
      TaskQueue onDisk = new TaskQueue(clock, Duration.ofSeconds(60), LeaseLimits.NONE, QueueOrder.UNCERTAINTY, "test",
          failing, expired::add, 1, GoldTasks.none(), state);
      onDisk.offer(task("a", 0.5));
      onDisk.offer(task("b", 0.4));
      AtomicInteger writes = new AtomicInteger();
      onDisk.claim("ada");
      TaskQueue.Submitted first = onDisk.submit("a", "ada", "Bag", false, (t, l, v) -> result(t, "ada", "Bag", writes));

      assertThat(state.get(FrameBytes.key("a", FrameBytes.Kind.ANSWER))).isNotNull();
      assertThat(onDisk.submit("a", "ada", "Bag", false, (t, l, v) -> result(t, "ada", "Bag", writes)).result())
          .isEqualTo(first.result());
      onDisk.offer(task("a", 0.5)); // a replayed request of the answered task
      assertThat(onDisk.openCount()).isEqualTo(1);

      onDisk.claim("ada");
      fail[0] = true;
      assertThatThrownBy(() -> onDisk.submit("b", "ada", "Coat", false, (t, l, v) -> result(t, "ada", "Coat", writes)))
          .isInstanceOf(RuntimeException.class);
      assertThat(state.get(FrameBytes.key("b", FrameBytes.Kind.ANSWER))).isNull();
      assertThat(onDisk.openCount()).isEqualTo(1);
      onDisk.close();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void shouldRefuseAnUnknownTaskAsNotFound() {
    assertThatThrownBy(() -> queue.submit("nope", "ada", "Bag", false, (t, l, v) -> null))
        .isInstanceOfSatisfying(TaskRefused.class, e -> assertThat(e.reason()).isEqualTo(TaskRefused.Reason.TASK_NOT_FOUND));
  }

  @Test
  void shouldOfferAReleasedTaskAgainAndIgnoreRequestsAlreadyAnswered() {
    queue.offer(task("a", 0.5));
    queue.claim("ada");
    queue.release("a", "ada");
    assertThat(queue.claim("bob").orElseThrow().task().taskId()).isEqualTo("a");

    queue.answered(ReviewResult.newBuilder().setTaskId("z").setFrameId("f-z").setReviewerId("ada").setLabel("Bag")
        .setClassIndex(8).setDecision(ReviewDecision.ACCEPTED).setTimeSpentMs(1).setSubmittedAt(clock.instant()).build());
    queue.offer(task("z", 0.9));
    assertThat(queue.openCount()).isEqualTo(1);
  }

  @Test
  void shouldExtendALeaseOnHeartbeatSoItOutlivesItsFirstExpiry() {
    queue.offer(task("a", 0.5));
    queue.claim("ada");
    clock.advance(Duration.ofSeconds(50));

    Lease extended = queue.heartbeat("a", "ada");
    clock.advance(Duration.ofSeconds(50)); // 100 s after the claim, 50 s after the heartbeat

    assertThat(extended.expiresAt()).isEqualTo(clock.instant().plusSeconds(10));
    assertThat(queue.claim("bob")).isEmpty();
    assertThatThrownBy(() -> queue.heartbeat("a", "bob")).hasMessageContaining("leased to another reviewer");
  }

  @Test
  void shouldPutASkippedTaskBehindTheOthersForTheSkipperOnly() {
    queue.offer(task("a", 0.9));
    queue.offer(task("b", 0.5));
    queue.claim("ada"); // a
    queue.skip("a", "ada");

    assertThat(queue.claim("ada").orElseThrow().task().taskId()).isEqualTo("b");
    assertThat(queue.claim("bob").orElseThrow().task().taskId()).isEqualTo("a");
  }

  @Test
  void shouldOfferASkippedTaskToItsSkipperWhenNothingElseWaits() {
    queue.offer(task("a", 0.9));
    queue.claim("ada");
    queue.skip("a", "ada");

    assertThat(queue.claim("ada").orElseThrow().task().taskId()).isEqualTo("a");
  }

  @Test
  void shouldHandOutOldestFirstUnderFifo() {
    TaskQueue fifo = queue(QueueOrder.FIFO);
    fifo.offer(task("old", 0.1));
    clock.advance(Duration.ofSeconds(1));
    fifo.offer(task("new", 0.9));

    assertThat(fifo.claim("ada").orElseThrow().task().taskId()).isEqualTo("old");
  }

  @Test
  void shouldTakeTheSuggestedClassesInTurnUnderRoundRobin() {
    TaskQueue roundRobin = queue(QueueOrder.ROUND_ROBIN);
    roundRobin.offer(task("coat-1", 0.9, "Coat"));
    roundRobin.offer(task("coat-2", 0.8, "Coat"));
    roundRobin.offer(task("bag-1", 0.2, "Bag"));
    roundRobin.offer(task("shirt-1", 0.1, "Shirt"));

    List<String> order = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      order.add(roundRobin.claim("ada").orElseThrow().task().taskId());
    }

    assertThat(order).containsExactly("bag-1", "coat-1", "shirt-1", "coat-2");
  }

  @Test
  void shouldWriteEveryLeaseChangeWithAGrowingVersionBeforeApplyingIt() {
    queue.offer(task("a", 0.5));
    queue.claim("ada");
    queue.heartbeat("a", "ada");
    queue.release("a", "ada");

    assertThat(written).extracting(TaskLease::getVersion).containsExactly(1L, 2L, 3L);
    assertThat(written).extracting(TaskLease::getReviewerId).containsExactly("ada", "ada", null);
  }

  @Test
  void shouldChangeNothingWhenTheLeaseCannotBeWritten() {
    TaskQueue failing = new TaskQueue(clock, Duration.ofSeconds(60), QueueOrder.UNCERTAINTY, "test", lease -> {
      throw new IllegalStateException("broker down");
    }, expired::add);
    failing.offer(task("a", 0.5));

    assertThatThrownBy(() -> failing.claim("ada")).hasMessage("broker down");
    assertThat(failing.leasedCount()).isZero();
  }

  @Test
  void shouldRebuildLeasesFromRecordsInAnyOrderKeepingTheNewestVersion() {
    TaskQueue writer = queue(QueueOrder.UNCERTAINTY);
    writer.offer(task("a", 0.5));
    writer.offer(task("b", 0.4));
    writer.claim("ada"); // a, v1
    writer.skip("a", "ada"); // a, v2: waiting, skipped by ada
    writer.claim("ada"); // b, v1

    TaskQueue rebuilt = new TaskQueue(clock, Duration.ofSeconds(60), QueueOrder.UNCERTAINTY, "other", lease -> { },
        expired::add);
    // The lease topic is read separately from the requests: a lease can arrive before its task, and versions out of order.
    rebuilt.leaseRecorded(written.get(2));
    rebuilt.leaseRecorded(written.get(1));
    rebuilt.leaseRecorded(written.get(0));
    rebuilt.offer(task("a", 0.5));
    rebuilt.offer(task("b", 0.4));

    assertThat(rebuilt.leases()).extracting(Lease::taskId, Lease::reviewer).containsExactly(org.assertj.core.groups.Tuple.tuple("b", "ada"));
    assertThat(rebuilt.claim("bob").orElseThrow().task().taskId()).isEqualTo("a");
    assertThatThrownBy(() -> rebuilt.submit("b", "bob", "Bag", false, (t, l, v) -> null)).hasMessageContaining("another reviewer");
  }

  @Test
  void shouldSettleAnAuditOnlyWhenTwoReviewersAgreeOrAnAdminBreaksTheTie() {
    TaskQueue twoAnswers = new TaskQueue(clock, Duration.ofSeconds(60), QueueOrder.UNCERTAINTY, "test", log,
        expired::add, 2, GoldTasks.none());
    twoAnswers.offer(audit("a"));
    twoAnswers.offer(audit("b"));
    List<Verdict> verdicts = new ArrayList<>();
    TaskQueue.AnswerMaker record = (t, l, v) -> {
      verdicts.add(v);
      return new QueueChange.Answered(ReviewResult.newBuilder().setTaskId(t.taskId()).setFrameId(t.frameId())
          .setReviewerId(l.reviewer()).setLabel(v.label()).setClassIndex(0).setDecision(ReviewDecision.CORRECTED)
          .setTimeSpentMs(1).setSubmittedAt(clock.instant()).setReason(ReviewReason.AUDIT).setDecides(v.decides()).build(),
          null);
    };

    // a: ada and bob agree.
    assertThat(twoAnswers.claim("ada").orElseThrow().task().taskId()).isEqualTo("a");
    twoAnswers.submit("a", "ada", "Coat", false, record);
    assertThat(twoAnswers.claim("ada").orElseThrow().task().taskId()).as("ada never gets a again").isEqualTo("b");
    twoAnswers.release("b", "ada");
    assertThat(twoAnswers.claim("bob").orElseThrow().task().taskId()).isEqualTo("a");
    twoAnswers.submit("a", "bob", "Coat", false, record);

    assertThat(verdicts).extracting(Verdict::decides).containsExactly(false, true);
    assertThat(verdicts.get(1).agreeing()).containsExactly("ada", "bob");
    assertThat(twoAnswers.task("a")).isEmpty();
  }

  @Test
  void shouldNeverOfferAGoldTaskDrawnForOneReviewerToAnother() {
    GoldTasks gold = new GoldTasks(1.0, new java.util.Random(1), clock);
    gold.add(io.labelstream.schemas.avro.GoldFrame.newBuilder().setGoldId("g1").setLabel("Bag").setClassIndex(8)
        .setContentType("image/png").setImage(java.nio.ByteBuffer.wrap(new byte[] {1})).setAddedBy("root")
        .setAddedAt(clock.instant()).build());
    TaskQueue withGold = new TaskQueue(clock, Duration.ofSeconds(60), QueueOrder.UNCERTAINTY, "test", log,
        expired::add, 1, gold);
    Claim goldClaim = withGold.claim("ada").orElseThrow();
    assertThat(goldClaim.task().reason()).isEqualTo(ReviewReason.GOLD);

    clock.advance(Duration.ofSeconds(61)); // ada's lease on it runs out
    assertThat(withGold.peek("bob").map(ReviewTask::taskId)).isNotEqualTo(Optional.of(goldClaim.task().taskId()));
    withGold.release(withGold.claim("ada").orElseThrow().task().taskId(), "ada"); // drawn again, then released

    assertThat(withGold.openCount()).isZero();
  }

  @Test
  void shouldRebuildAGoldTaskHandedOutEarlierFromItsLeaseWhicheverIsReadFirst() {
    // A restarted instance reads the gold frames and the leases side by side, in either order.
    TaskQueue before = new TaskQueue(clock, Duration.ofSeconds(60), QueueOrder.UNCERTAINTY, "test", log,
        expired::add, 1, goldTasks(1.0));
    String taskId = before.claim("ada").orElseThrow().task().taskId();
    TaskLease lease = written.get(written.size() - 1);

    GoldTasks goldFirst = goldTasks(0);
    TaskQueue goldReadFirst = new TaskQueue(clock, Duration.ofSeconds(60), QueueOrder.UNCERTAINTY, "test", log,
        expired::add, 1, goldFirst);
    goldReadFirst.goldFrameRead();
    goldReadFirst.leaseRecorded(lease);
    GoldTasks goldLast = new GoldTasks(0, new java.util.Random(1), clock);
    TaskQueue leaseReadFirst = new TaskQueue(clock, Duration.ofSeconds(60), QueueOrder.UNCERTAINTY, "test", log,
        expired::add, 1, goldLast);
    leaseReadFirst.leaseRecorded(lease);
    goldLast.add(goldTasks(0).items().get(0));
    leaseReadFirst.goldFrameRead();

    for (TaskQueue rebuilt : List.of(goldReadFirst, leaseReadFirst)) {
      assertThat(rebuilt.task(taskId)).map(ReviewTask::reason).contains(ReviewReason.GOLD);
      assertThat(rebuilt.leases()).extracting(Lease::reviewer).containsExactly("ada");
      assertThat(rebuilt.claim("bob")).isEmpty();
    }
    assertThat(goldFirst.labelFor(taskId)).contains("Bag");
    assertThat(goldLast.labelFor(taskId)).contains("Bag");
  }

  @Test
  void shouldCountALeaseThatChangedHandsAgainstItsNewHolderOnly() {
    TaskQueue capped = new TaskQueue(clock, Duration.ofSeconds(60), new LeaseLimits(1, Duration.ofMinutes(10)),
        QueueOrder.UNCERTAINTY, "test", log, expired::add, 1, GoldTasks.none(), FrameBytes.inMemory());
    capped.offer(task("a", 0.9));
    capped.offer(task("b", 0.5));
    capped.offer(task("c", 0.4));
    assertThat(capped.claim("ada").orElseThrow().task().taskId()).isEqualTo("a");
    clock.advance(Duration.ofSeconds(61)); // ada's lease on a runs out

    assertThat(capped.claim("bob").orElseThrow().task().taskId()).isEqualTo("a");
    assertThatThrownBy(() -> capped.claim("bob")).isInstanceOf(TaskRefused.class); // bob holds one: his cap
    assertThat(capped.claim("ada").orElseThrow().task().taskId()).isEqualTo("b"); // ada holds none now
    capped.release("b", "ada");
    assertThat(capped.claim("ada").orElseThrow().task().taskId()).isEqualTo("b");
  }

  @Test
  void shouldRefuseAHoardersClaimBeyondTheLeaseCapWhileOthersStillGetWork() {
    TaskQueue capped = new TaskQueue(clock, Duration.ofSeconds(60), new LeaseLimits(2, Duration.ofMinutes(10)),
        QueueOrder.UNCERTAINTY, "test", log, expired::add, 1, GoldTasks.none(), FrameBytes.inMemory());
    for (String id : List.of("a", "b", "c")) {
      capped.offer(task(id, 0.5));
    }
    capped.claim("mallory");
    capped.claim("mallory");

    assertThatThrownBy(() -> capped.claim("mallory"))
        .isInstanceOfSatisfying(TaskRefused.class, e -> assertThat(e.reason()).isEqualTo(TaskRefused.Reason.TOO_MANY_LEASES));
    assertThat(capped.claim("ada")).isPresent();
    capped.release(capped.leases().stream().filter(l -> l.reviewer().equals("mallory")).findFirst().orElseThrow()
        .taskId(), "mallory");
    assertThat(capped.claim("mallory")).as("a released task frees a place under the cap").isPresent();
  }

  @Test
  void shouldNotLetHeartbeatsKeepALeasePastItsMaximumLifetime() {
    TaskQueue limited = new TaskQueue(clock, Duration.ofSeconds(60), new LeaseLimits(3, Duration.ofSeconds(150)),
        QueueOrder.UNCERTAINTY, "test", log, expired::add, 1, GoldTasks.none(), FrameBytes.inMemory());
    limited.offer(task("a", 0.5));
    limited.offer(task("b", 0.4));
    Instant claimedAt = limited.claim("mallory").orElseThrow().lease().claimedAt();

    clock.advance(Duration.ofSeconds(50));
    assertThat(limited.heartbeat("a", "mallory").expiresAt()).isEqualTo(claimedAt.plusSeconds(110));
    clock.advance(Duration.ofSeconds(50));
    assertThat(limited.heartbeat("a", "mallory").expiresAt()).as("capped at the maximum lifetime")
        .isEqualTo(claimedAt.plusSeconds(150));
    clock.advance(Duration.ofSeconds(50));

    assertThatThrownBy(() -> limited.heartbeat("a", "mallory"))
        .isInstanceOfSatisfying(TaskRefused.class, e -> assertThat(e.reason()).isEqualTo(TaskRefused.Reason.LEASE_NOT_HELD));
    assertThat(limited.claim("mallory")).as("not straight back to its holder").map(claim -> claim.task().taskId())
        .contains("b");
    assertThat(limited.claim("ada")).map(claim -> claim.task().taskId()).contains("a");
  }

  @Test
  void shouldNeverGiveAFlaggedTaskToTheReviewerWhoFlaggedIt() {
    queue.offer(new ReviewTask("f", "frame-f", ReviewReason.FLAGGED, 1.0, "Coat", 0.99, "image/png", new TaskImage.Held(new byte[] {1}),
        clock.instant(), "mallory"));

    assertThat(queue.peek("mallory")).isEmpty();
    assertThat(queue.claim("mallory")).isEmpty();
    assertThat(queue.claim("ada")).map(claim -> claim.task().taskId()).contains("f");
  }

  @Test
  void shouldShowAGoldTaskUnderAFrameIdAndTaskIdShapedLikeAnAudits() {
    TaskQueue withGold = new TaskQueue(clock, Duration.ofSeconds(60), QueueOrder.UNCERTAINTY, "test", log,
        expired::add, 1, goldTasks(1.0));

    ReviewTask gold = withGold.claim("ada").orElseThrow().task();

    assertThat(gold.frameId()).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    assertThat(gold.taskId()).isEqualTo(io.labelstream.schemas.TaskIds.of(gold.frameId(), ReviewReason.AUDIT));
    assertThat(gold.frameId()).as("a reviewer's own, not shared").isNotEqualTo(
        new TaskQueue(clock, Duration.ofSeconds(60), QueueOrder.UNCERTAINTY, "test", log, expired::add, 1,
            goldTasks(1.0)).claim("bob").orElseThrow().task().frameId());
  }

  @Test
  void shouldHandOutTheGoldTaskAPeekNamedSoItsImageWasPreloadedLikeAnyOther() {
    TaskQueue withGold = new TaskQueue(clock, Duration.ofSeconds(60), QueueOrder.UNCERTAINTY, "test", log,
        expired::add, 1, goldTasks(0.5));
    withGold.offer(task("a", 0.5));
    withGold.offer(task("b", 0.4));

    for (String reviewer : List.of("ada", "bob", "carol", "dan", "erin", "fay")) {
      ReviewTask peeked = withGold.peek(reviewer).orElseThrow();
      Claim claimed = withGold.claim(reviewer).orElseThrow();
      assertThat(claimed.task().taskId()).isEqualTo(peeked.taskId());
      withGold.release(claimed.task().taskId(), reviewer);
    }
  }

  /**
   * A queue saved with a lease held, a task skipped, an audit answered once of the two answers it needs, a lease read
   * before its task, and tasks carrying a stored image and boxes, then restored into a new queue: both go on alike.
   */
  @Test
  void shouldGoOnFromASavedQueueAsTheQueueItWasSavedFrom() throws IOException {
    TaskQueue saved = twoAnswerQueue();
    saved.offer(audit("a"));
    saved.offer(audit("b"));
    saved.offer(new ReviewTask("c", "f-c", ReviewReason.AUDIT, 0.3, null, 0.97, "image/jpeg",
        new TaskImage.Stored(StoredImage.of(ImageRef.newBuilder().setStore("file:///frames").setKey("k/c")
            .setSize(12).setSha256("ab".repeat(32)).setContentType("image/jpeg").build()),
            new TaskImage.InKafka("frames.v1", 3, 77)), clock.instant(), null,
        new TaskBoxes(640, 480, List.of(Box.newBuilder().setLabel("Bag").setClassIndex(8).setX(1).setY(2).setW(30)
            .setH(40).setConfidence(0.9f).build()))));
    saved.claim("ada");
    saved.submit("a", "ada", "Coat", false, agreeing());
    assertThat(saved.claim("bob").orElseThrow().task().taskId()).isEqualTo("a");
    assertThat(saved.claim("cyd").orElseThrow().task().taskId()).isEqualTo("b");
    saved.skip("b", "cyd");
    saved.leaseRecorded(TaskLease.newBuilder().setTaskId("z").setFrameId("f-z").setVersion(3).setReviewerId("dan")
        .setClaimedAt(clock.instant()).setExpiresAt(clock.instant().plusSeconds(60)).setSkippedBy(List.of())
        .setWrittenAt(clock.instant()).setWrittenBy("test").build());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    saved.save(new DataOutputStream(bytes));

    TaskQueue restored = twoAnswerQueue();
    restored.restore(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));

    for (TaskQueue queue : List.of(saved, restored)) {
      assertThat(queue.leases()).extracting(Lease::taskId, Lease::reviewer)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("a", "bob"));
      assertThat(queue.task("c")).contains(saved.task("c").orElseThrow());
      assertThat(queue.claim("cyd").orElseThrow().task().taskId()).as("cyd skipped b").isEqualTo("c");
      List<Verdict> verdicts = new ArrayList<>();
      queue.submit("a", "bob", "Coat", false, (t, l, v) -> {
        verdicts.add(v);
        return agreeing().make(t, l, v);
      });
      assertThat(verdicts.get(0).agreeing()).as("ada's answer was kept").containsExactly("ada", "bob");
      queue.offer(task("z", 0.9));
      assertThat(queue.leases()).extracting(Lease::taskId, Lease::reviewer)
          .contains(org.assertj.core.groups.Tuple.tuple("z", "dan"));
    }
  }

  private TaskQueue twoAnswerQueue() {
    return new TaskQueue(clock, Duration.ofSeconds(60), QueueOrder.UNCERTAINTY, "test", log, expired::add, 2,
        GoldTasks.none());
  }

  private TaskQueue.AnswerMaker agreeing() {
    return (t, l, v) -> new QueueChange.Answered(ReviewResult.newBuilder().setTaskId(t.taskId())
        .setFrameId(t.frameId()).setReviewerId(l.reviewer()).setLabel(v.label()).setClassIndex(0)
        .setDecision(ReviewDecision.CORRECTED).setTimeSpentMs(1).setSubmittedAt(clock.instant())
        .setReason(ReviewReason.AUDIT).setDecides(v.decides()).build(), null);
  }

  private GoldTasks goldTasks(double rate) {
    GoldTasks gold = new GoldTasks(rate, new java.util.Random(1), clock);
    gold.add(io.labelstream.schemas.avro.GoldFrame.newBuilder().setGoldId("g1").setLabel("Bag").setClassIndex(8)
        .setContentType("image/png").setImage(java.nio.ByteBuffer.wrap(new byte[] {1})).setAddedBy("root")
        .setAddedAt(clock.instant()).build());
    return gold;
  }

  private ReviewTask audit(String id) {
    return new ReviewTask(id, "f-" + id, ReviewReason.AUDIT, 0.3, "Coat", 0.97, "image/png", new byte[] {1}, clock.instant());
  }

  private QueueChange.Answered result(ReviewTask task, String reviewer, String label, AtomicInteger writes) {
    writes.incrementAndGet();
    return new QueueChange.Answered(ReviewResult.newBuilder().setTaskId(task.taskId()).setFrameId(task.frameId())
        .setReviewerId(reviewer).setLabel(label).setClassIndex(8).setDecision(ReviewDecision.CORRECTED).setTimeSpentMs(5)
        .setSubmittedAt(clock.instant()).build(), null);
  }

  private ReviewTask task(String id, double priority) {
    return task(id, priority, "Coat");
  }

  private ReviewTask task(String id, double priority, String suggestion) {
    return new ReviewTask(id, "f-" + id, ReviewReason.LOW_CONFIDENCE, priority, suggestion, 1 - priority, "image/png",
        new byte[] {1}, clock.instant());
  }
}
