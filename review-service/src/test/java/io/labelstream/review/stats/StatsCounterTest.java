package io.labelstream.review.stats;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The statistics as one partition's counter counts them and a view reads them; and as partitions add up. */
class StatsCounterTest {

  private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
  private static final List<String> CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat");

  private final Counting stats = new Counting();

  /** A counter over cells and a store in memory; reads go through a view of a copy of the cells, as readers get. */
  static final class Counting {
    final TreeMap<String, byte[]> store;
    final StatsCounter counter;
    final StatsCells cells;

    Counting() {
      this(new TreeMap<>(), CellJournal.FOLD_EVERY);
    }

    /** Counts on from what {@code held} holds, as a partition's processing starting on another instance does. */
    Counting(Map<String, byte[]> held, int foldEvery) {
      store = new TreeMap<>(held);
      CellJournal.Reader kept = new CellJournal.Reader();
      store.forEach((key, value) -> {
        if (key.startsWith(StatsCounter.CELL_PREFIX)) {
          kept.read(key, value);
        }
      });
      counter = new StatsCounter(kept, new StatsCounter.Store(store::get, store::put, store::remove), foldEvery);
      cells = counter.cells();
    }

    void labelled(Label label) {
      counter.labelled(label);
    }

    void predicted(Prediction prediction) {
      counter.predicted(prediction);
    }

    void requested(ReviewRequest request) {
      counter.requested(request);
    }

    void answered(ReviewResult result) {
      counter.answered(result);
    }

    StatsView view() {
      return new StatsView(cells.copy());
    }
  }

  @Test
  void shouldCountEachFrameOnceWithItsFinalLabel() {
    stats.labelled(label("f1", 0, LabelSource.MODEL, 0));
    stats.labelled(label("f2", 1, LabelSource.MODEL, 1));
    stats.labelled(label("f3", 1, LabelSource.MODEL, 1));
    stats.labelled(label("f1", 2, LabelSource.HUMAN, 5)); // an audit answer supersedes the model's label
    stats.labelled(label("f1", 0, LabelSource.MODEL, 6)); // a late model label does not replace a human one

    assertThat(stats.view().classes()).containsExactly(
        new StatsView.ClassCount(1, "Trouser", 2, 0),
        new StatsView.ClassCount(2, "Pullover", 0, 1));
    StatsView.Series<StatsView.LabelBucket> series = stats.view().labelsOverTime(Optional.empty());
    assertThat(series.resolution()).isEqualTo(Resolution.MINUTE);
    assertThat(series.buckets()).containsExactly(
        new StatsView.LabelBucket(T0, 0, 0, 0),
        new StatsView.LabelBucket(T0.plusSeconds(60), 2, 0, 0),
        new StatsView.LabelBucket(T0.plusSeconds(120), 0, 0, 0),
        new StatsView.LabelBucket(T0.plusSeconds(180), 0, 0, 0),
        new StatsView.LabelBucket(T0.plusSeconds(240), 0, 0, 0),
        new StatsView.LabelBucket(T0.plusSeconds(300), 0, 1, 0));
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

    StatsView.LabelBucket bucket = stats.view().labelsOverTime(Optional.of(Resolution.HOUR)).buckets().get(0);

    assertThat(bucket).isEqualTo(new StatsView.LabelBucket(T0, 2, 1, 3));
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

    assertThat(stats.view().reviewThroughput(Optional.empty()).buckets()).containsExactly(
        new StatsView.ReviewBucket(T0, 2, 0, 2),
        new StatsView.ReviewBucket(T0.plusSeconds(60), 0, 1, 1),
        new StatsView.ReviewBucket(T0.plusSeconds(120), 1, 0, 2),
        new StatsView.ReviewBucket(T0.plusSeconds(180), 0, 2, 1));
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

    assertThat(stats.view().reviewThroughput(Optional.empty()).buckets()).containsExactly(
        new StatsView.ReviewBucket(T0, 1, 0, 1),
        new StatsView.ReviewBucket(T0.plusSeconds(60), 0, 1, 1),
        new StatsView.ReviewBucket(T0.plusSeconds(120), 0, 1, 0));
  }

  @Test
  void shouldTakeAnAnswerReadBeforeItsRequestOutOfTheQueueNoEarlierThanItEntered() {
    // Answers and requests are on different topics, so an answer may be read first; its clock may also run behind.
    stats.answered(result("t1", "ada", 1, ReviewReason.LOW_CONFIDENCE, null, 0));
    stats.requested(request("t1", 1));
    stats.requested(request("t2", 1));

    assertThat(stats.view().reviewThroughput(Optional.empty()).buckets()).containsExactly(
        new StatsView.ReviewBucket(T0, 0, 1, 0),
        new StatsView.ReviewBucket(T0.plusSeconds(60), 2, 0, 1));
  }

  @Test
  void shouldMeasureAgreementWithTheModelOnAuditsPerReviewer() {
    stats.answered(result("a1", "ada", 1, ReviewReason.AUDIT, true, 0));
    stats.answered(result("a2", "ada", 2, ReviewReason.AUDIT, false, 0));
    stats.answered(result("a3", "bob", 1, ReviewReason.AUDIT, true, 0));
    stats.answered(result("a3", "bob", 1, ReviewReason.AUDIT, true, 1)); // a repeat
    stats.answered(result("r1", "bob", 1, ReviewReason.LOW_CONFIDENCE, false, 0)); // not an audit
    stats.answered(result("a4", "cy", 1, null, null, 0)); // written before results carried a reason

    StatsView.Agreement agreement = stats.view().agreement();

    assertThat(agreement.withModel()).isEqualTo(new StatsView.Rate(3, 2));
    assertThat(agreement.withModel().share()).isEqualTo(2.0 / 3);
    assertThat(agreement.withModelByReviewer()).containsExactly(
        Map.entry("ada", new StatsView.Rate(2, 1)), Map.entry("bob", new StatsView.Rate(1, 1)));
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

    StatsView.Agreement agreement = stats.view().agreement();

    assertThat(agreement.tasksAnsweredSeveralTimes()).isEqualTo(2);
    // t1: ada–cy agree, bob–cy and ada–bob disagree; t2: ada–bob agree.
    assertThat(agreement.betweenReviewers()).isEqualTo(new StatsView.Rate(4, 2));
    assertThat(agreement.byPair()).containsExactly(
        Map.entry(List.of("ada", "bob"), new StatsView.Rate(2, 1)),
        Map.entry(List.of("ada", "cy"), new StatsView.Rate(1, 1)),
        Map.entry(List.of("bob", "cy"), new StatsView.Rate(1, 0)));
    assertThat(agreement.byReviewer()).containsExactly(
        Map.entry("ada", new StatsView.Rate(3, 2)),
        Map.entry("bob", new StatsView.Rate(3, 1)),
        Map.entry("cy", new StatsView.Rate(2, 1)));
  }

  @Test
  void shouldSkipALabelWithAnImpossibleClassAndKeepCounting() {
    stats.labelled(label("f1", -1, LabelSource.MODEL, 0));
    stats.labelled(label("f2", 1, LabelSource.MODEL, 0));

    assertThat(stats.view().classes()).containsExactly(new StatsView.ClassCount(1, "Trouser", 1, 0));
  }

  @Test
  void shouldCountBoxesPerClassBySourceAndEachDetectionFrameOnce() {
    stats.labelled(boxes("s1", LabelSource.MODEL, 0, box(4), box(4), box(1)));
    stats.labelled(boxes("s2", LabelSource.MODEL, 0)); // a frame with nothing in it
    stats.labelled(boxes("s3", LabelSource.MODEL, 1, box(2)));
    stats.labelled(boxes("s1", LabelSource.HUMAN, 2, box(4), box(0))); // a reviewer's boxes replace the model's
    stats.labelled(boxes("s1", LabelSource.MODEL, 3, box(3))); // a late model label does not replace them
    stats.labelled(label("f1", 1, LabelSource.MODEL, 3)); // a classification label stays apart

    assertThat(stats.view().boxClasses()).containsExactly(
        new StatsView.ClassCount(0, "T-shirt/top", 0, 1),
        new StatsView.ClassCount(2, "Pullover", 1, 0),
        new StatsView.ClassCount(4, "Coat", 0, 1));
    assertThat(stats.view().detectionFrames()).isEqualTo(new StatsView.ClassCount(-1, null, 2, 1));
    assertThat(stats.view().classes()).containsExactly(new StatsView.ClassCount(1, "Trouser", 1, 0));
    // The share over time counts frames: s1 moved from the model's column (minute 0) to people's (minute 2).
    assertThat(stats.view().labelsOverTime(Optional.empty()).buckets()).extracting(b -> b.model() + "/" + b.human())
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
    assertThat(stats.view().agreement().betweenReviewers()).isEqualTo(new StatsView.Rate(3, 1));
  }

  @Test
  void shouldKeepEachReviewersLedgerWithGoldAnswersApart() {
    ReviewResult accepted = result("t1", "ada", 1, ReviewReason.LOW_CONFIDENCE, null, 0);
    accepted.setDecision(ReviewDecision.ACCEPTED);
    stats.answered(accepted);
    stats.answered(result("t2", "ada", 2, ReviewReason.LOW_CONFIDENCE, null, 0)); // corrected
    stats.answered(result("t3", "ada", 2, ReviewReason.AUDIT, true, 0)); // blind: neither accepted nor corrected
    ReviewResult goldRight = result("g1", "ada", 3, ReviewReason.GOLD, null, 1);
    goldRight.setCorrect(true);
    goldRight.setBoxF1(0.75);
    stats.answered(goldRight);
    ReviewResult goldWrong = result("g2", "ada", 3, ReviewReason.GOLD, null, 1);
    goldWrong.setCorrect(false);
    goldWrong.setBoxF1(0.5);
    stats.answered(goldWrong);
    stats.answered(result("t1", "bob", 1, ReviewReason.LOW_CONFIDENCE, null, 2));

    StatsView view = stats.view();
    StatsView.ReviewerCounts ada = view.reviewer("ada");
    assertThat(ada).extracting(StatsView.ReviewerCounts::answered, StatsView.ReviewerCounts::accepted,
        StatsView.ReviewerCounts::corrected, StatsView.ReviewerCounts::gold, StatsView.ReviewerCounts::goldCorrect,
        StatsView.ReviewerCounts::goldBoxes).containsExactly(5L, 1L, 1L, 2L, 1L, 2L);
    assertThat(ada.goldF1()).isCloseTo(0.625, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(view.reviewers()).extracting(StatsView.ReviewerCounts::reviewer).containsExactly("ada", "bob");
    assertThat(view.reviewer("cy").answered()).isZero();
    // Gold frames are not the stream's work: no answers in the series, no task answered twice.
    assertThat(view.reviewThroughput(Optional.empty()).buckets()).extracting(StatsView.ReviewBucket::answers)
        .containsExactly(3L, 0L, 1L);
    assertThat(view.agreement().tasksAnsweredSeveralTimes()).isEqualTo(1);
  }

  /**
   * The figures of all frames are the sum of each partition's: a stream of two days (more than the day of minutes a
   * series keeps), some records late, counted whole and counted split by frame over four partitions whose cells are
   * then merged, reads the same in every figure.
   */
  @Test
  void shouldReadTheSameFromPartitionsAddedUpAsFromOneCounterOfEveryFrame() {
    Counting whole = new Counting();
    List<Counting> partitions = List.of(new Counting(), new Counting(), new Counting(), new Counting());
    java.util.Random random = new java.util.Random(7);
    List<String> reviewers = List.of("ada", "bob", "cy", "dee");
    for (int i = 0; i < 6_000; i++) {
      int minute = i / 2 + (random.nextInt(10) == 0 ? -random.nextInt(2_000) : 0); // two days, some late
      minute = Math.max(0, minute);
      String task = "t" + random.nextInt(1_500);
      String frame = "frame-" + task;
      Counting part = partitions.get(Math.floorMod(frame.hashCode(), partitions.size()));
      int kind = random.nextInt(6);
      int classIndex = random.nextInt(5);
      for (Counting counting : List.of(whole, part)) {
        switch (kind) {
          case 0 -> counting.predicted(prediction(frame, minute));
          case 1 -> counting.labelled(label(frame, classIndex, LabelSource.MODEL, minute));
          case 2 -> counting.labelled(label(frame, 2, LabelSource.HUMAN, minute));
          case 3 -> counting.requested(request(task, minute));
          case 4 -> counting.answered(result(task, reviewers.get(i % 4), i % 3, ReviewReason.AUDIT, i % 5 != 0, minute));
          default -> counting.labelled(boxes(frame + "-d", LabelSource.MODEL, minute, box(i % 5), box(4)));
        }
      }
    }
    StatsView merged = new StatsView(StatsCells.merge(partitions.stream().map(c -> c.cells).toList()));
    StatsView one = whole.view();

    assertThat(partitions).allSatisfy(p -> assertThat(p.cells.size()).isGreaterThan(100));
    assertThat(merged.classes()).isEqualTo(one.classes()).isNotEmpty();
    assertThat(merged.boxClasses()).isEqualTo(one.boxClasses()).isNotEmpty();
    assertThat(merged.detectionFrames()).isEqualTo(one.detectionFrames());
    for (Resolution r : Resolution.values()) {
      assertThat(merged.labelsOverTime(Optional.of(r))).isEqualTo(one.labelsOverTime(Optional.of(r)));
      assertThat(merged.reviewThroughput(Optional.of(r))).isEqualTo(one.reviewThroughput(Optional.of(r)));
    }
    assertThat(one.labelsOverTime(Optional.of(Resolution.MINUTE)).buckets()).hasSize(Resolution.MINUTE.capacity());
    assertThat(merged.labelsOverTime(Optional.empty()).resolution()).isEqualTo(Resolution.HOUR);
    assertThat(merged.agreement()).isEqualTo(one.agreement());
    assertThat(merged.reviewers()).isEqualTo(one.reviewers()).hasSize(4);
  }

  /**
   * What a partition's store holds is all its statistics: the cells loaded back from it (as a partition that moved to
   * another instance is) equal the ones counted, and counting goes on from them as from the originals.
   */
  @Test
  void shouldGoOnFromTheCellsItsStoreHoldsAsFromTheOriginals() {
    Counting original = new Counting();
    for (int minute = 0; minute < 3_000; minute += 7) {
      original.labelled(label("f" + minute % 50, minute % 5, LabelSource.MODEL, minute));
      original.requested(request("t" + minute, minute));
      original.answered(result("t" + minute, "ada", 1, ReviewReason.LOW_CONFIDENCE, null, minute + 1));
    }
    Counting reloaded = new Counting(original.store, CellJournal.FOLD_EVERY);
    assertThat(reloaded.cells).isEqualTo(original.cells);

    for (Counting counting : List.of(original, reloaded)) {
      counting.labelled(label("f1", 3, LabelSource.HUMAN, 3_001));
      counting.answered(result("t7", "bob", 1, ReviewReason.LOW_CONFIDENCE, null, 3_002));
    }
    assertThat(reloaded.cells).isEqualTo(original.cells);
    assertThat(reloaded.view().classes()).isEqualTo(original.view().classes());
    // The minute series keeps a day of buckets: older ones were summed, their cells deleted from the store too.
    assertThat(original.store.keySet().stream().filter(k -> k.contains("labels\0MINUTE\0b"))).hasSizeLessThan(1_441);
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
