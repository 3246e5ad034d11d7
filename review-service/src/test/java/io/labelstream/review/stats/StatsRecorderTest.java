package io.labelstream.review.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelstream.review.state.FrameBytes;
import io.labelstream.schemas.avro.Box;
import io.labelstream.schemas.avro.ClassProbability;
import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.LabelSource;
import io.labelstream.schemas.avro.Prediction;
import io.labelstream.schemas.avro.ReviewDecision;
import io.labelstream.schemas.avro.ReviewReason;
import io.labelstream.schemas.avro.ReviewRequest;
import io.labelstream.schemas.avro.ReviewResult;
import io.labelstream.schemas.avro.Route;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatsRecorderTest {

  private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
  private static final List<String> CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat");

  private final StatsRecorder stats = new StatsRecorder(FrameBytes.inMemory());

  @Test
  void shouldCountEachFrameOnceWithItsFinalLabel() {
    stats.labelled(label("f1", 0, LabelSource.MODEL, 0));
    stats.labelled(label("f2", 1, LabelSource.MODEL, 1));
    stats.labelled(label("f3", 1, LabelSource.MODEL, 1));
    stats.labelled(label("f1", 2, LabelSource.HUMAN, 5)); // an audit answer supersedes the model's label
    stats.labelled(label("f1", 0, LabelSource.MODEL, 6)); // a late model label does not replace a human one

    assertThat(stats.classes()).containsExactly(
        new StatsRecorder.ClassCount(1, "Trouser", 2, 0),
        new StatsRecorder.ClassCount(2, "Pullover", 0, 1));
    StatsRecorder.Series<StatsRecorder.LabelBucket> series = stats.labelsOverTime(Optional.empty());
    assertThat(series.resolution()).isEqualTo(Resolution.MINUTE);
    assertThat(series.buckets()).containsExactly(
        new StatsRecorder.LabelBucket(T0, 0, 0, 0),
        new StatsRecorder.LabelBucket(T0.plusSeconds(60), 2, 0, 0),
        new StatsRecorder.LabelBucket(T0.plusSeconds(120), 0, 0, 0),
        new StatsRecorder.LabelBucket(T0.plusSeconds(180), 0, 0, 0),
        new StatsRecorder.LabelBucket(T0.plusSeconds(240), 0, 0, 0),
        new StatsRecorder.LabelBucket(T0.plusSeconds(300), 0, 1, 0));
    assertThat(series.buckets().get(0).humanShare()).isNull();
    assertThat(series.buckets().get(5).humanShare()).isEqualTo(1.0);
  }

  @Test
  void shouldPutHumanAndModelLabelsAndPredictionsOfOneMinuteTogether() {
    stats.predicted(prediction("f1", 0));
    stats.predicted(prediction("f2", 0));
    stats.predicted(prediction("f3", 0));
    stats.labelled(label("f1", 0, LabelSource.MODEL, 0));
    stats.labelled(label("f2", 3, LabelSource.MODEL, 0));
    stats.labelled(label("f3", 4, LabelSource.HUMAN, 0));
    stats.labelled(label("f3", 4, LabelSource.HUMAN, 0)); // the same label read again: no change

    StatsRecorder.LabelBucket bucket = stats.labelsOverTime(Optional.of(Resolution.HOUR)).buckets().get(0);

    assertThat(bucket).isEqualTo(new StatsRecorder.LabelBucket(T0, 2, 1, 3));
    assertThat(bucket.humanShare()).isEqualTo(1.0 / 3);
  }

  @Test
  void shouldMeasureQueueLengthFromRequestsAndFirstAnswersByRecordTime() {
    stats.requested(request("t1", 0));
    stats.requested(request("t2", 0));
    stats.requested(request("t1", 0)); // a repeated request is the same task
    stats.answered(result("t1", "ada", 1, ReviewReason.LOW_CONFIDENCE, null, 1));
    stats.requested(request("t3", 2));
    stats.answered(result("t2", "ada", 1, ReviewReason.LOW_CONFIDENCE, null, 3));
    stats.answered(result("t2", "bob", 1, ReviewReason.LOW_CONFIDENCE, null, 3)); // a second answer: work, same task
    stats.answered(result("t2", "bob", 1, ReviewReason.LOW_CONFIDENCE, null, 4)); // a repeat: nothing

    assertThat(stats.reviewThroughput(Optional.empty()).buckets()).containsExactly(
        new StatsRecorder.ReviewBucket(T0, 2, 0, 2),
        new StatsRecorder.ReviewBucket(T0.plusSeconds(60), 0, 1, 1),
        new StatsRecorder.ReviewBucket(T0.plusSeconds(120), 1, 0, 2),
        new StatsRecorder.ReviewBucket(T0.plusSeconds(180), 0, 2, 1));
  }

  @Test
  void shouldKeepATaskThatNeedsMoreAnswersInTheQueueUntilTheAnswerThatSettlesIt() {
    stats.requested(request("t1", 0));
    ReviewResult first = result("t1", "ada", 1, ReviewReason.AUDIT, true, 1);
    first.setDecides(false);
    stats.answered(first);
    ReviewResult second = result("t1", "bob", 1, ReviewReason.AUDIT, true, 2);
    second.setDecides(true);
    stats.answered(second);

    assertThat(stats.reviewThroughput(Optional.empty()).buckets()).containsExactly(
        new StatsRecorder.ReviewBucket(T0, 1, 0, 1),
        new StatsRecorder.ReviewBucket(T0.plusSeconds(60), 0, 1, 1),
        new StatsRecorder.ReviewBucket(T0.plusSeconds(120), 0, 1, 0));
  }

  @Test
  void shouldTakeAnAnswerReadBeforeItsRequestOutOfTheQueueNoEarlierThanItEntered() {
    // Answers and requests are on different topics, so an answer may be read first; its clock may also run behind.
    stats.answered(result("t1", "ada", 1, ReviewReason.LOW_CONFIDENCE, null, 0));
    stats.requested(request("t1", 1));
    stats.requested(request("t2", 1));

    assertThat(stats.reviewThroughput(Optional.empty()).buckets()).containsExactly(
        new StatsRecorder.ReviewBucket(T0, 0, 1, 0),
        new StatsRecorder.ReviewBucket(T0.plusSeconds(60), 2, 0, 1));
  }

  @Test
  void shouldMeasureAgreementWithTheModelOnAuditsPerReviewer() {
    stats.answered(result("a1", "ada", 1, ReviewReason.AUDIT, true, 0));
    stats.answered(result("a2", "ada", 2, ReviewReason.AUDIT, false, 0));
    stats.answered(result("a3", "bob", 1, ReviewReason.AUDIT, true, 0));
    stats.answered(result("a3", "bob", 1, ReviewReason.AUDIT, true, 1)); // a repeat
    stats.answered(result("r1", "bob", 1, ReviewReason.LOW_CONFIDENCE, false, 0)); // not an audit
    stats.answered(result("a4", "cy", 1, null, null, 0)); // written before results carried a reason

    StatsRecorder.Agreement agreement = stats.agreement();

    assertThat(agreement.withModel()).isEqualTo(new StatsRecorder.Rate(3, 2));
    assertThat(agreement.withModel().share()).isEqualTo(2.0 / 3);
    assertThat(agreement.withModelByReviewer()).containsExactly(
        Map.entry("ada", new StatsRecorder.Rate(2, 1)), Map.entry("bob", new StatsRecorder.Rate(1, 1)));
    assertThat(agreement.tasksAnsweredSeveralTimes()).isZero();
    assertThat(agreement.betweenReviewers().share()).isNull();
  }

  @Test
  void shouldCompareEveryPairOfReviewersWhoAnsweredTheSameTask() {
    stats.answered(result("t1", "cy", 4, ReviewReason.LOW_CONFIDENCE, null, 0));
    stats.answered(result("t1", "ada", 4, ReviewReason.LOW_CONFIDENCE, null, 0));
    stats.answered(result("t1", "bob", 2, ReviewReason.LOW_CONFIDENCE, null, 1));
    stats.answered(result("t1", "bob", 4, ReviewReason.LOW_CONFIDENCE, null, 2)); // a repeat does not count
    stats.answered(result("t2", "ada", 3, ReviewReason.AUDIT, true, 2));
    stats.answered(result("t2", "bob", 3, ReviewReason.AUDIT, true, 2));
    stats.answered(result("t3", "ada", 3, ReviewReason.LOW_CONFIDENCE, null, 2)); // answered once: no pair

    StatsRecorder.Agreement agreement = stats.agreement();

    assertThat(agreement.tasksAnsweredSeveralTimes()).isEqualTo(2);
    // t1: ada–cy agree, bob–cy and ada–bob disagree; t2: ada–bob agree.
    assertThat(agreement.betweenReviewers()).isEqualTo(new StatsRecorder.Rate(4, 2));
    assertThat(agreement.byPair()).containsExactly(
        Map.entry(List.of("ada", "bob"), new StatsRecorder.Rate(2, 1)),
        Map.entry(List.of("ada", "cy"), new StatsRecorder.Rate(1, 1)),
        Map.entry(List.of("bob", "cy"), new StatsRecorder.Rate(1, 0)));
    assertThat(agreement.byReviewer()).containsExactly(
        Map.entry("ada", new StatsRecorder.Rate(3, 2)),
        Map.entry("bob", new StatsRecorder.Rate(3, 1)),
        Map.entry("cy", new StatsRecorder.Rate(2, 1)));
  }

  @Test
  void shouldSkipALabelWithAnImpossibleClassAndKeepCounting() {
    stats.labelled(label("f1", -1, LabelSource.MODEL, 0));
    stats.labelled(label("f2", 1, LabelSource.MODEL, 0));

    assertThat(stats.classes()).containsExactly(new StatsRecorder.ClassCount(1, "Trouser", 1, 0));
  }

  @Test
  void shouldCountBoxesPerClassBySourceAndEachDetectionFrameOnce() {
    stats.labelled(boxes("s1", LabelSource.MODEL, 0, box(4), box(4), box(1)));
    stats.labelled(boxes("s2", LabelSource.MODEL, 0)); // a frame with nothing in it
    stats.labelled(boxes("s3", LabelSource.MODEL, 1, box(2)));
    stats.labelled(boxes("s1", LabelSource.HUMAN, 2, box(4), box(0))); // a reviewer's boxes replace the model's
    stats.labelled(boxes("s1", LabelSource.MODEL, 3, box(3))); // a late model label does not replace them
    stats.labelled(label("f1", 1, LabelSource.MODEL, 3)); // a classification label stays apart

    assertThat(stats.boxClasses()).containsExactly(
        new StatsRecorder.ClassCount(0, "T-shirt/top", 0, 1),
        new StatsRecorder.ClassCount(2, "Pullover", 1, 0),
        new StatsRecorder.ClassCount(4, "Coat", 0, 1));
    assertThat(stats.detectionFrames()).isEqualTo(new StatsRecorder.ClassCount(-1, null, 2, 1));
    assertThat(stats.classes()).containsExactly(new StatsRecorder.ClassCount(1, "Trouser", 1, 0));
    // The share over time counts frames: s1 moved from the model's column (minute 0) to people's (minute 2).
    assertThat(stats.labelsOverTime(Optional.empty()).buckets()).extracting(b -> b.model() + "/" + b.human())
        .containsExactly("1/0", "1/0", "0/1", "1/0");
  }

  @Test
  void shouldLetTwoReviewersAgreeOnADetectionTaskOnlyWhenTheirBoxesMatch() {
    stats.answered(withBoxes(result("d1", "ada", 0, ReviewReason.LOW_CONFIDENCE, null, 0), box(4), box(1)));
    stats.answered(withBoxes(result("d1", "bob", 0, ReviewReason.LOW_CONFIDENCE, null, 0), box(1), box(4)));
    stats.answered(withBoxes(result("d2", "ada", 0, ReviewReason.LOW_CONFIDENCE, null, 0), box(4)));
    stats.answered(withBoxes(result("d2", "bob", 0, ReviewReason.LOW_CONFIDENCE, null, 0), box(2)));
    stats.answered(withBoxes(result("d3", "ada", 0, ReviewReason.LOW_CONFIDENCE, null, 0)));
    stats.answered(withBoxes(result("d3", "bob", 0, ReviewReason.LOW_CONFIDENCE, null, 0), box(2)));

    // Same class index -1 everywhere: only the boxes tell d2 and d3 apart from d1.
    assertThat(stats.agreement().betweenReviewers()).isEqualTo(new StatsRecorder.Rate(3, 1));
  }

  /**
   * Statistics saved part way (boxes counted, an audit answered once, reviewers compared) and restored onto a store that
   * holds what theirs held go on as the statistics they were saved from.
   */
  @Test
  void shouldGoOnFromSavedStatisticsAsTheStatisticsTheyWereSavedFrom() throws IOException {
    StatsRecorder saved = new StatsRecorder(FrameBytes.inMemory());
    FrameBytes store = FrameBytes.inMemory();
    StatsRecorder sameStore = new StatsRecorder(store);
    for (StatsRecorder stats : List.of(saved, sameStore)) {
      stats.labelled(boxes("s1", LabelSource.MODEL, 0, box(4), box(4), box(1)));
      stats.labelled(label("f1", 1, LabelSource.MODEL, 0));
      stats.predicted(prediction("f1", 0));
      stats.requested(request("t1", 1));
      stats.answered(result("t1", "ada", 2, ReviewReason.AUDIT, false, 2));
      stats.requested(request("t2", 1));
      stats.answered(result("t2", "ada", 2, ReviewReason.LOW_CONFIDENCE, null, 2));
      stats.answered(result("t2", "bob", 2, ReviewReason.LOW_CONFIDENCE, null, 3));
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    saved.save(new DataOutputStream(bytes));
    // what the heap held comes from the checkpoint only
    StatsRecorder restored = new StatsRecorder(store);
    restored.restore(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));

    for (StatsRecorder stats : List.of(saved, restored)) {
      stats.labelled(boxes("s1", LabelSource.HUMAN, 4, box(4), box(0)));
      stats.labelled(label("f1", 3, LabelSource.HUMAN, 5));
      stats.answered(result("t1", "bob", 2, ReviewReason.AUDIT, false, 6));
      stats.answered(result("t2", "cy", 1, ReviewReason.LOW_CONFIDENCE, null, 6));
    }
    assertThat(restored.classes()).isEqualTo(saved.classes());
    assertThat(restored.boxClasses()).isEqualTo(saved.boxClasses()).isNotEmpty();
    assertThat(restored.detectionFrames()).isEqualTo(saved.detectionFrames());
    assertThat(restored.labelsOverTime(Optional.empty())).isEqualTo(saved.labelsOverTime(Optional.empty()));
    assertThat(restored.reviewThroughput(Optional.empty())).isEqualTo(saved.reviewThroughput(Optional.empty()));
    assertThat(restored.agreement()).isEqualTo(saved.agreement());
    assertThat(restored.agreement().betweenReviewers().total()).as("t1: ada-bob; t2: ada-bob, ada-cy, bob-cy").isEqualTo(4);
  }

  /** Boxes of one class sit in their own place (class c at x = 100 c), so equal classes match and others do not. */
  private static Box box(int classIndex) {
    return new Box(CLASSES.get(classIndex), classIndex, 100f * classIndex, 10f, 50f, 50f, null);
  }

  private static Label boxes(String frameId, LabelSource source, int minute, Box... boxes) {
    return Label.newBuilder().setFrameId(frameId).setLabel("").setClassIndex(-1).setSource(source)
        .setLabelledAt(T0.plusSeconds(60L * minute + 30)).setWidth(640).setHeight(480).setBoxes(List.of(boxes)).build();
  }

  private static ReviewResult withBoxes(ReviewResult result, Box... boxes) {
    return ReviewResult.newBuilder(result).setLabel("").setClassIndex(-1).setBoxes(List.of(boxes)).build();
  }

  static Label label(String frameId, int classIndex, LabelSource source, int minute) {
    return Label.newBuilder().setFrameId(frameId).setLabel(classIndex < 0 ? "?" : CLASSES.get(classIndex))
        .setClassIndex(classIndex).setSource(source).setLabelledAt(T0.plusSeconds(60L * minute + 30)).build();
  }

  static Prediction prediction(String frameId, int minute) {
    return Prediction.newBuilder().setFrameId(frameId).setModelName("m").setModelVersion("1").setClassIndex(0)
        .setLabel(CLASSES.get(0)).setTopK(List.of(new ClassProbability(0, CLASSES.get(0), 0.9))).setMaxProbability(0.9)
        .setMargin(0.8).setEntropy(0.1).setMutualInformation(0.01).setScore(0.9).setThreshold(0.8)
        .setRoute(Route.MODEL_LABEL).setPredictedAt(T0.plusSeconds(60L * minute + 10)).build();
  }

  static ReviewRequest request(String taskId, int minute) {
    return ReviewRequest.newBuilder().setTaskId(taskId).setFrameId("frame-" + taskId).setReason(ReviewReason.LOW_CONFIDENCE)
        .setPriority(0.5).setPrediction(prediction("frame-" + taskId, minute)).setContentType("image/png")
        .setImage(ByteBuffer.allocate(0)).setRequestedAt(T0.plusSeconds(60L * minute + 20)).build();
  }

  static ReviewResult result(String taskId, String reviewer, int classIndex, ReviewReason reason, Boolean agreedWithModel,
      int minute) {
    return ReviewResult.newBuilder().setTaskId(taskId).setFrameId("frame-" + taskId).setReviewerId(reviewer)
        .setLabel(CLASSES.get(classIndex)).setClassIndex(classIndex).setDecision(ReviewDecision.CORRECTED)
        .setReason(reason).setAgreedWithModel(agreedWithModel).setTimeSpentMs(1_000)
        .setSubmittedAt(T0.plusSeconds(60L * minute + 40)).build();
  }
}
