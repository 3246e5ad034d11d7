package io.labelstream.review.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labelstream.testsupport.MutableClock;
import io.labelstream.schemas.avro.Box;
import io.labelstream.schemas.avro.ReviewDecision;
import io.labelstream.schemas.avro.ReviewReason;
import io.labelstream.schemas.avro.ReviewResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Consensus and repeats of detection answers: two answers are the same when their boxes are exact against each other. */
class BoxConsensusTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-02T10:00:00Z"));
  private final TaskQueue queue = new TaskQueue(clock, Duration.ofSeconds(60), QueueOrder.UNCERTAINTY, "test",
      lease -> { }, lease -> { }, 2, GoldTasks.none());
  private final List<Verdict> verdicts = new ArrayList<>();
  private final TaskQueue.AnswerMaker record = (t, l, v) -> {
    verdicts.add(v);
    return new QueueChange.Answered(ReviewResult.newBuilder().setTaskId(t.taskId()).setFrameId(t.frameId())
        .setReviewerId(l.reviewer()).setLabel("").setClassIndex(-1).setBoxes(v.boxes())
        .setDecision(ReviewDecision.CORRECTED).setTimeSpentMs(1).setSubmittedAt(clock.instant())
        .setReason(ReviewReason.AUDIT).setDecides(v.decides()).build(), null);
  };

  @Test
  void shouldSettleAnAuditWhenTwoReviewersBoxesAreExactAgainstEachOtherWithTheSettlingAnswersBoxes() {
    queue.offer(audit("a"));
    List<Box> ada = List.of(box("Bag", 10, 10, 100, 80), box("Coat", 300, 200, 60, 120));
    // Drawn by another hand: every box a few pixels off (IoU well above 0.5), listed in another order.
    List<Box> bob = List.of(box("Coat", 303, 198, 58, 124), box("Bag", 12, 9, 97, 83));

    answer("a", "ada", ada);
    answer("a", "bob", bob);

    assertThat(verdicts).extracting(Verdict::decides).containsExactly(false, true);
    assertThat(verdicts.get(1).agreeing()).containsExactly("ada", "bob");
    assertThat(verdicts.get(1).boxes()).as("the label takes the settling answer's boxes").isEqualTo(bob);
    assertThat(verdicts.get(1).label()).isEmpty();
  }

  @Test
  void shouldNotCountAnswersThatDifferInAClassAMissingBoxOrAPlaceAsAgreeing() {
    queue.offer(audit("a"));
    List<Box> ada = List.of(box("Bag", 10, 10, 100, 80), box("Coat", 300, 200, 60, 120));

    answer("a", "ada", ada);
    answer("a", "bob", List.of(box("Sneaker", 10, 10, 100, 80), box("Coat", 300, 200, 60, 120))); // a class
    answer("a", "cy", List.of(box("Bag", 10, 10, 100, 80))); // a box missing
    answer("a", "dee", List.of(box("Bag", 70, 10, 100, 80), box("Coat", 300, 200, 60, 120))); // IoU 0.25
    assertThat(verdicts).extracting(Verdict::decides).containsExactly(false, false, false, false);

    answer("a", "eve", List.of(box("Coat", 300, 200, 60, 120), box("Bag", 10, 10, 100, 80)));

    assertThat(verdicts.get(4).decides()).isTrue();
    assertThat(verdicts.get(4).agreeing()).containsExactly("ada", "eve");
  }

  @Test
  void shouldAgreeOnAFrameWithNothingToLabel() {
    queue.offer(audit("a"));

    answer("a", "ada", List.of());
    answer("a", "bob", List.of());

    assertThat(verdicts.get(1).decides()).isTrue();
    assertThat(verdicts.get(1).boxes()).isEmpty();
  }

  @Test
  void shouldTakeARepeatExactAgainstTheFirstAnswerAsThatAnswerAndRefuseOneThatIsNot() {
    queue.offer(audit("a"));
    List<Box> ada = List.of(box("Bag", 10, 10, 100, 80));
    answer("a", "ada", ada);

    TaskQueue.Submitted again = queue.submit("a", "ada", Answer.ofBoxes(List.of(box("Bag", 10.5f, 10, 100, 80))),
        false, record);

    assertThat(again.repeated()).isTrue();
    assertThat(again.result().getBoxes()).isEqualTo(ada);
    assertThat(verdicts).hasSize(1);
    assertThatThrownBy(() -> queue.submit("a", "ada", Answer.ofBoxes(List.of()), false, record))
        .isInstanceOfSatisfying(TaskRefused.class, e -> assertThat(e.reason())
            .isEqualTo(TaskRefused.Reason.ALREADY_ANSWERED));
    assertThatThrownBy(() -> queue.submit("a", "ada", Answer.ofLabel("Bag"), false, record))
        .as("a class answer is never the same as a boxes answer").isInstanceOf(TaskRefused.class);
  }

  private void answer(String taskId, String reviewer, List<Box> boxes) {
    assertThat(queue.claim(reviewer).orElseThrow().task().taskId()).isEqualTo(taskId);
    queue.submit(taskId, reviewer, Answer.ofBoxes(boxes), false, record);
  }

  private ReviewTask audit(String id) {
    return new ReviewTask(id, "f-" + id, ReviewReason.AUDIT, 0.3, "frame", 0.97, "image/png",
        new TaskImage.Held(new byte[] {1}), clock.instant(), null,
        new TaskBoxes(640, 480, List.of(box("Bag", 10, 10, 100, 80))));
  }

  private static Box box(String label, float x, float y, float w, float h) {
    int classIndex = List.of("Bag", "Coat", "Sneaker").indexOf(label);
    return Box.newBuilder().setLabel(label).setClassIndex(classIndex).setX(x).setY(y).setW(w).setH(h)
        .setConfidence(null).build();
  }
}
