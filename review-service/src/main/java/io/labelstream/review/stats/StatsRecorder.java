package io.labelstream.review.stats;

import io.labelstream.review.state.Checkpointed;
import io.labelstream.review.state.FrameBytes;
import io.labelstream.schemas.avro.Box;
import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.LabelSource;
import io.labelstream.schemas.avro.Prediction;
import io.labelstream.schemas.avro.ReviewReason;
import io.labelstream.schemas.avro.ReviewRequest;
import io.labelstream.schemas.avro.ReviewResult;
import io.labelstream.schemas.boxes.BoxMatching;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The statistics behind {@code /stats}: the class distribution of the final labels, model against human labelling
 * over time, review throughput and queue length over time, and how often reviewers agree with the model on blind
 * audits and with each other on tasks answered more than once.
 *
 * <p>Everything comes from the records the state reader replays from Kafka, placed by the records' own timestamps
 * ({@code labelledAt}, {@code submittedAt}, {@code requestedAt}, {@code predictedAt}), so every review instance shows the
 * same figures and a restart rebuilds them. The figures do not depend on how the reader interleaves partitions: what
 * has to happen in order (labels of one frame, answers to one task) is on one partition, keyed by frameId.
 *
 * <ul>
 *   <li>A frame counts once, with its final label: a HUMAN label supersedes a MODEL one and a later MODEL label does not
 *       replace a HUMAN one (as in {@code partitioned.FinalLabelProcessor}), so an audited frame moves from the
 *       model's column to people's.
 *   <li>A review task is in the queue from its first request to the answer that settles it (no earlier than its
 *       request): a task that needs several answers stays after the first ones ({@code decides} false), so queue
 *       length = tasks requested − tasks settled, each counted once.
 *   <li>Each reviewer's first answer to a task counts; a repeat of it does not.
 *   <li>Detection labels (with boxes) count their frame once, like a classification label, and their boxes per class
 *       ({@link #boxClasses()}); two reviewers' detection answers agree when their boxes match exactly
 *       ({@code BoxMatching}), as consensus decides.
 * </ul>
 *
 * <p>Memory: the time series are bounded ({@link Resolution}); per frame and per review task nothing in the heap: a
 * frame's counted label (a packed long, and a detection label's box classes) and a task's {@link TaskTrack} (its
 * request, settling answer and who answered what) are kept in {@link FrameBytes}, on disk; per class, per reviewer
 * and per pair of reviewers a few counts.
 *
 * <p>Thread-safe: the state reader writes, HTTP threads read copies.
 */
public final class StatsRecorder implements Checkpointed {

  private static final Logger LOG = LoggerFactory.getLogger(StatsRecorder.class);

  /** Counters of the label series. */
  private static final int MODEL = 0;
  private static final int HUMAN = 1;
  private static final int PREDICTIONS = 2;
  /** Counters of the review series. */
  private static final int REQUESTED = 0;
  private static final int LEFT_QUEUE = 1;
  private static final int ANSWERS = 2;

  private static final long NONE = TaskTrack.NONE;
  private static final int MAX_CLASSES = 1 << 20;
  /** The class field of a frame whose final label is a detection label; its boxes' classes follow in the store. */
  private static final int DETECTION = MAX_CLASSES - 1;
  private static final int[] NO_BOXES = new int[0];

  private final Map<Resolution, TimeSeries> labelSeries = new EnumMap<>(Resolution.class);
  private final Map<Resolution, TimeSeries> reviewSeries = new EnumMap<>(Resolution.class);
  /**
   * Each frame's final label as counted ({@code Kind.COUNTED}: {@code minute << 21 | class index << 1 | 1 if HUMAN},
   * then a detection label's box classes), and each review task's {@link TaskTrack} ({@code Kind.TASK}).
   */
  private final FrameBytes store;
  private final Map<Integer, long[]> byClass = new TreeMap<>();
  private final Map<Integer, String> classNames = new HashMap<>();
  /** Detection: boxes of the final labels per class index, split by source. */
  private final Map<Integer, long[]> boxesByClass = new TreeMap<>();
  private final Map<Integer, String> boxClassNames = new HashMap<>();
  private final long[] detectionFrames = new long[2];
  private final List<String> reviewerNames = new ArrayList<>();
  private final Map<String, Integer> reviewerIndex = new HashMap<>();
  private final Tally audits = new Tally();
  private final Map<String, Tally> auditsByReviewer = new TreeMap<>();
  private final Tally pairsOverall = new Tally();
  private final Map<List<String>, Tally> pairs = new HashMap<>();
  private final Map<String, Tally> pairsByReviewer = new TreeMap<>();
  private long tasksAnsweredSeveralTimes;

  /** Comparisons and how many of them agreed. */
  private static final class Tally {
    long total;
    long agreed;

    void add(boolean agree) {
      total++;
      if (agree) {
        agreed++;
      }
    }

    Rate rate() {
      return new Rate(total, agreed);
    }

    void save(DataOutput out) throws IOException {
      out.writeLong(total);
      out.writeLong(agreed);
    }

    void restore(DataInput in) throws IOException {
      total = in.readLong();
      agreed = in.readLong();
    }

    static Tally read(DataInput in) throws IOException {
      Tally tally = new Tally();
      tally.restore(in);
      return tally;
    }
  }

  /** @param store where each frame's counted final label and each task's record are kept; the caller's to close */
  public StatsRecorder(FrameBytes store) {
    this.store = store;
    for (Resolution r : Resolution.values()) {
      labelSeries.put(r, new TimeSeries(r, 3));
      reviewSeries.put(r, new TimeSeries(r, 3));
    }
  }

  // The hooks below run inside the state reader's apply, which dead-letters a review request it fails on: a fault in
  // the statistics must never do that to a good request, nor stop the queue from being rebuilt, so they log instead.

  /** A label read from {@code labels.v1}. */
  public synchronized void labelled(Label label) {
    try {
      applyLabel(label);
    } catch (RuntimeException e) {
      LOG.warn("statistics skip the label of frame {}: {}", label.getFrameId(), e.toString());
    }
  }

  /** A prediction read from {@code predictions.v1}. */
  public synchronized void predicted(Prediction prediction) {
    try {
      add(labelSeries, minute(prediction.getPredictedAt()), PREDICTIONS, 1);
    } catch (RuntimeException e) {
      LOG.warn("statistics skip the prediction of frame {}: {}", prediction.getFrameId(), e.toString());
    }
  }

  /** A review request read from {@code review.requests.v1}. */
  public synchronized void requested(ReviewRequest request) {
    try {
      applyRequest(request);
    } catch (RuntimeException e) {
      LOG.warn("statistics skip review request {}: {}", request.getTaskId(), e.toString());
    }
  }

  /** An answer read from {@code review.results.v1}. */
  public synchronized void answered(ReviewResult result) {
    try {
      applyResult(result);
    } catch (RuntimeException e) {
      LOG.warn("statistics skip the answer of {} to task {}: {}", result.getReviewerId(), result.getTaskId(), e.toString());
    }
  }

  private void applyLabel(Label label) {
    if (label.getBoxes() != null) {
      applyDetectionLabel(label);
      return;
    }
    int classIndex = label.getClassIndex();
    if (classIndex < 0 || classIndex >= DETECTION) {
      LOG.warn("statistics skip the label of frame {}: class index {} out of range", label.getFrameId(), classIndex);
      return;
    }
    boolean human = label.getSource() == LabelSource.HUMAN;
    if (!supersede(label.getFrameId(), human)) {
      return;
    }
    long minute = Math.max(0, minute(label.getLabelledAt()));
    counted(label.getFrameId(), (minute << 21) | ((long) classIndex << 1) | (human ? 1 : 0), NO_BOXES);
    classNames.putIfAbsent(classIndex, label.getLabel());
    countLabel(minute, classIndex, human, +1);
  }

  /**
   * Takes back what the frame's previous final label counted, unless that label was a person's and the new one is the
   * model's (a HUMAN label is never superseded by a MODEL one); false then, and the new label counts for nothing.
   */
  private boolean supersede(String frameId, boolean human) {
    byte[] counted = store.get(FrameBytes.key(frameId, FrameBytes.Kind.COUNTED));
    if (counted != null) {
      ByteBuffer previous = ByteBuffer.wrap(counted);
      long packed = previous.getLong();
      if (packedHuman(packed) && !human) {
        return false;
      }
      int[] boxClasses = new int[previous.remaining() / Integer.BYTES];
      previous.asIntBuffer().get(boxClasses);
      uncount(packed, boxClasses);
    }
    return true;
  }

  private void counted(String frameId, long packed, int[] boxClasses) {
    ByteBuffer value = ByteBuffer.allocate(Long.BYTES + Integer.BYTES * boxClasses.length).putLong(packed);
    value.asIntBuffer().put(boxClasses);
    store.put(FrameBytes.key(frameId, FrameBytes.Kind.COUNTED), value.array());
  }

  /**
   * A detection label: the frame counts once (in the series too, as a classification label does), its boxes per class.
   * The class indexes of its boxes are kept with what was counted, so a later label can take them back.
   */
  private void applyDetectionLabel(Label label) {
    boolean human = label.getSource() == LabelSource.HUMAN;
    int[] classes = new int[label.getBoxes().size()];
    int n = 0;
    for (Box box : label.getBoxes()) {
      if (box.getClassIndex() < 0 || box.getClassIndex() >= DETECTION) {
        LOG.warn("statistics skip a box of frame {}: class index {} out of range", label.getFrameId(),
            box.getClassIndex());
        continue;
      }
      boxClassNames.putIfAbsent(box.getClassIndex(), box.getLabel());
      classes[n++] = box.getClassIndex();
    }
    if (!supersede(label.getFrameId(), human)) {
      return;
    }
    long minute = Math.max(0, minute(label.getLabelledAt()));
    int[] kept = Arrays.copyOf(classes, n);
    counted(label.getFrameId(), (minute << 21) | ((long) DETECTION << 1) | (human ? 1 : 0), kept);
    countBoxes(minute, kept, human, +1);
  }

  /** Takes back what a frame's previous final label counted, of either kind. */
  private void uncount(long previous, int[] boxClasses) {
    if (packedClass(previous) == DETECTION) {
      countBoxes(packedMinute(previous), boxClasses, packedHuman(previous), -1);
    } else {
      countLabel(packedMinute(previous), packedClass(previous), packedHuman(previous), -1);
    }
  }

  private void countBoxes(long minute, int[] classes, boolean human, int delta) {
    detectionFrames[human ? HUMAN : MODEL] += delta;
    for (int c : classes) {
      boxesByClass.computeIfAbsent(c, k -> new long[2])[human ? HUMAN : MODEL] += delta;
    }
    add(labelSeries, minute, human ? HUMAN : MODEL, delta);
  }

  private void countLabel(long minute, int classIndex, boolean human, int delta) {
    byClass.computeIfAbsent(classIndex, c -> new long[2])[human ? HUMAN : MODEL] += delta;
    add(labelSeries, minute, human ? HUMAN : MODEL, delta);
  }

  private static long packedMinute(long packed) {
    return packed >>> 21;
  }

  private static int packedClass(long packed) {
    return (int) ((packed >>> 1) & (MAX_CLASSES - 1));
  }

  private static boolean packedHuman(long packed) {
    return (packed & 1) == 1;
  }

  private void applyRequest(ReviewRequest request) {
    TaskTrack task = task(request.getTaskId());
    if (task.requestedMinute != NONE) {
      return; // the same task requested again (a retry or replay upstream)
    }
    task.requestedMinute = minute(request.getRequestedAt());
    keep(request.getTaskId(), task);
    add(reviewSeries, task.requestedMinute, REQUESTED, 1);
    if (task.settledMinute != NONE) {
      // Its answer was read first (another topic): it leaves the queue when settled, but never before it entered.
      add(reviewSeries, Math.max(task.requestedMinute, task.settledMinute), LEFT_QUEUE, 1);
    }
  }

  private TaskTrack task(String taskId) {
    byte[] value = store.get(FrameBytes.key(taskId, FrameBytes.Kind.TASK));
    return value == null ? new TaskTrack() : TaskTrack.decode(value);
  }

  private void keep(String taskId, TaskTrack task) {
    store.put(FrameBytes.key(taskId, FrameBytes.Kind.TASK), task.encode());
  }

  private void applyResult(ReviewResult result) {
    TaskTrack task = task(result.getTaskId());
    int reviewer = reviewerIndex.computeIfAbsent(result.getReviewerId(), name -> {
      reviewerNames.add(name);
      return reviewerNames.size() - 1;
    });
    if (task.answeredBy(reviewer)) {
      return; // a repeat of this reviewer's answer
    }
    long minute = minute(result.getSubmittedAt());
    add(reviewSeries, minute, ANSWERS, 1);
    // A task that needs several answers stays in the queue until the answer that settles it.
    if (task.settledMinute == NONE && !Boolean.FALSE.equals(result.getDecides())) {
      task.settledMinute = minute;
      if (task.requestedMinute != NONE) {
        add(reviewSeries, Math.max(task.requestedMinute, minute), LEFT_QUEUE, 1);
      }
    }
    String name = result.getReviewerId();
    List<Box> boxes = result.getBoxes();
    for (int i = 0; i < task.answers.length; i += 2) {
      String other = reviewerNames.get(task.answers[i]);
      List<Box> otherBoxes = task.boxAnswers == null ? null : task.boxAnswers.get(i / 2);
      // Detection answers agree when their boxes match exactly, by the one rule consensus and audits use.
      boolean agree = boxes != null || otherBoxes != null
          ? boxes != null && otherBoxes != null && BoxMatching.match(otherBoxes, boxes).exact()
          : task.answers[i + 1] == result.getClassIndex();
      List<String> pair = name.compareTo(other) < 0 ? List.of(name, other) : List.of(other, name);
      pairs.computeIfAbsent(pair, p -> new Tally()).add(agree);
      pairsByReviewer.computeIfAbsent(name, r -> new Tally()).add(agree);
      pairsByReviewer.computeIfAbsent(other, r -> new Tally()).add(agree);
      pairsOverall.add(agree);
    }
    if (task.answers.length == 2) {
      tasksAnsweredSeveralTimes++;
    }
    task.addAnswer(reviewer, result.getClassIndex(), boxes);
    keep(result.getTaskId(), task);
    if (result.getReason() == ReviewReason.AUDIT && result.getAgreedWithModel() != null) {
      audits.add(result.getAgreedWithModel());
      auditsByReviewer.computeIfAbsent(name, r -> new Tally()).add(result.getAgreedWithModel());
    }
  }

  private static void add(Map<Resolution, TimeSeries> series, long minute, int counter, long delta) {
    for (TimeSeries s : series.values()) {
      s.add(minute, counter, delta);
    }
  }

  private static long minute(Instant at) {
    return Math.floorDiv(at.toEpochMilli(), 60_000L);
  }

  // Reading: copies, so the HTTP threads never hold the lock while they write JSON.

  /** Final labels per class index, split by source; classes without a label are left out. */
  public synchronized List<ClassCount> classes() {
    List<ClassCount> out = new ArrayList<>();
    byClass.forEach((c, counts) -> {
      if (counts[MODEL] != 0 || counts[HUMAN] != 0) {
        out.add(new ClassCount(c, classNames.get(c), counts[MODEL], counts[HUMAN]));
      }
    });
    return out;
  }

  /** Boxes of the final detection labels per class index, split by source; classes without a box are left out. */
  public synchronized List<ClassCount> boxClasses() {
    List<ClassCount> out = new ArrayList<>();
    boxesByClass.forEach((c, counts) -> {
      if (counts[MODEL] != 0 || counts[HUMAN] != 0) {
        out.add(new ClassCount(c, boxClassNames.get(c), counts[MODEL], counts[HUMAN]));
      }
    });
    return out;
  }

  /** Frames whose final label is a detection label, by source ({@link ClassCount#classIndex()} -1, no name). */
  public synchronized ClassCount detectionFrames() {
    return new ClassCount(-1, null, detectionFrames[MODEL], detectionFrames[HUMAN]);
  }

  /** Final labels by the bucket of their labelledAt, and predictions by predictedAt; empty resolution: automatic. */
  public synchronized Series<LabelBucket> labelsOverTime(Optional<Resolution> resolution) {
    Resolution r = resolution.orElseGet(() -> Resolution.auto(labelSeries.get(Resolution.MINUTE).spanMinutes()));
    List<LabelBucket> buckets = new ArrayList<>();
    for (TimeSeries.Bucket b : labelSeries.get(r).view().buckets()) {
      buckets.add(new LabelBucket(b.start(), b.count(MODEL), b.count(HUMAN), b.count(PREDICTIONS)));
    }
    return new Series<>(r, buckets);
  }

  /** Review requests, answers and the queue length at each bucket's end; empty resolution: automatic. */
  public synchronized Series<ReviewBucket> reviewThroughput(Optional<Resolution> resolution) {
    Resolution r = resolution.orElseGet(() -> Resolution.auto(reviewSeries.get(Resolution.MINUTE).spanMinutes()));
    TimeSeries.View view = reviewSeries.get(r).view();
    long queue = view.before()[REQUESTED] - view.before()[LEFT_QUEUE];
    List<ReviewBucket> buckets = new ArrayList<>();
    for (TimeSeries.Bucket b : view.buckets()) {
      queue += b.count(REQUESTED) - b.count(LEFT_QUEUE);
      buckets.add(new ReviewBucket(b.start(), b.count(REQUESTED), b.count(ANSWERS), queue));
    }
    return new Series<>(r, buckets);
  }

  public synchronized Agreement agreement() {
    Map<String, Rate> withModel = new TreeMap<>();
    auditsByReviewer.forEach((r, t) -> withModel.put(r, t.rate()));
    Map<List<String>, Rate> byPair = new TreeMap<>((a, b) -> a.get(0).equals(b.get(0))
        ? a.get(1).compareTo(b.get(1)) : a.get(0).compareTo(b.get(0)));
    pairs.forEach((p, t) -> byPair.put(p, t.rate()));
    Map<String, Rate> byReviewer = new TreeMap<>();
    pairsByReviewer.forEach((r, t) -> byReviewer.put(r, t.rate()));
    return new Agreement(audits.rate(), withModel, tasksAnsweredSeveralTimes, pairsOverall.rate(), byPair, byReviewer);
  }

  /** A time series at one resolution, oldest bucket first. */
  public record Series<T>(Resolution resolution, List<T> buckets) {}

  /** Final labels whose labelledAt falls in the bucket starting at {@code start}, and predictions made in it. */
  public record LabelBucket(Instant start, long model, long human, long predictions) {
    /** Share of the bucket's final labels that people gave; null without labels. */
    public Double humanShare() {
      return model + human == 0 ? null : (double) human / (model + human);
    }
  }

  /**
   * Review activity in the bucket starting at {@code start}.
   *
   * @param answers answers submitted (each reviewer's first answer to a task)
   * @param queueLength tasks requested and not yet settled at the bucket's end
   */
  public record ReviewBucket(Instant start, long requested, long answers, long queueLength) {}

  /** Final labels of one class. */
  public record ClassCount(int classIndex, String name, long model, long human) {}

  /** How many comparisons agreed. */
  public record Rate(long total, long agreed) {
    /** Share that agreed; null without comparisons. */
    public Double share() {
      return total == 0 ? null : (double) agreed / total;
    }
  }

  /**
   * Reviewer agreement.
   *
   * @param withModel answers to blind audits that equal the model's label, overall and per reviewer
   * @param tasksAnsweredSeveralTimes tasks answered by two or more reviewers
   * @param betweenReviewers pairs of answers to the same task that agree (n answers give n(n-1)/2 pairs)
   * @param byPair the same per pair of reviewers (names in order)
   * @param byReviewer the same per reviewer: the pairs they are in
   */
  public record Agreement(Rate withModel, Map<String, Rate> withModelByReviewer, long tasksAnsweredSeveralTimes,
      Rate betweenReviewers, Map<List<String>, Rate> byPair, Map<String, Rate> byReviewer) {}

  /**
   * Writes the series, the counts per class and per box class, reviewers and agreement tallies. What was counted for
   * each frame and task is in the state store.
   */
  @Override
  public synchronized void save(DataOutput out) throws IOException {
    for (Resolution r : Resolution.values()) {
      labelSeries.get(r).save(out);
      reviewSeries.get(r).save(out);
    }
    saveCounts(out, byClass, classNames);
    saveCounts(out, boxesByClass, boxClassNames);
    out.writeLong(detectionFrames[0]);
    out.writeLong(detectionFrames[1]);
    out.writeInt(reviewerNames.size());
    for (String reviewer : reviewerNames) {
      out.writeUTF(reviewer);
    }
    audits.save(out);
    saveTallies(out, auditsByReviewer);
    pairsOverall.save(out);
    out.writeInt(pairs.size());
    for (Map.Entry<List<String>, Tally> pair : pairs.entrySet()) {
      out.writeInt(pair.getKey().size());
      for (String reviewer : pair.getKey()) {
        out.writeUTF(reviewer);
      }
      pair.getValue().save(out);
    }
    saveTallies(out, pairsByReviewer);
    out.writeLong(tasksAnsweredSeveralTimes);
  }

  @Override
  public synchronized void restore(DataInput in) throws IOException {
    for (Resolution r : Resolution.values()) {
      labelSeries.get(r).restore(in);
      reviewSeries.get(r).restore(in);
    }
    restoreCounts(in, byClass, classNames);
    restoreCounts(in, boxesByClass, boxClassNames);
    detectionFrames[0] = in.readLong();
    detectionFrames[1] = in.readLong();
    reviewerNames.clear();
    reviewerIndex.clear();
    for (int i = in.readInt(); i > 0; i--) {
      String reviewer = in.readUTF();
      reviewerIndex.put(reviewer, reviewerNames.size());
      reviewerNames.add(reviewer);
    }
    audits.restore(in);
    restoreTallies(in, auditsByReviewer);
    pairsOverall.restore(in);
    pairs.clear();
    for (int i = in.readInt(); i > 0; i--) {
      List<String> pair = new ArrayList<>();
      for (int r = in.readInt(); r > 0; r--) {
        pair.add(in.readUTF());
      }
      pairs.put(List.copyOf(pair), Tally.read(in));
    }
    restoreTallies(in, pairsByReviewer);
    tasksAnsweredSeveralTimes = in.readLong();
  }

  private static void saveCounts(DataOutput out, Map<Integer, long[]> counts, Map<Integer, String> names)
      throws IOException {
    out.writeInt(counts.size());
    for (Map.Entry<Integer, long[]> ofClass : counts.entrySet()) {
      out.writeInt(ofClass.getKey());
      out.writeInt(ofClass.getValue().length);
      for (long count : ofClass.getValue()) {
        out.writeLong(count);
      }
    }
    out.writeInt(names.size());
    for (Map.Entry<Integer, String> name : names.entrySet()) {
      out.writeInt(name.getKey());
      out.writeUTF(name.getValue());
    }
  }

  private static void restoreCounts(DataInput in, Map<Integer, long[]> counts, Map<Integer, String> names)
      throws IOException {
    counts.clear();
    for (int i = in.readInt(); i > 0; i--) {
      int classIndex = in.readInt();
      long[] ofClass = new long[in.readInt()];
      for (int c = 0; c < ofClass.length; c++) {
        ofClass[c] = in.readLong();
      }
      counts.put(classIndex, ofClass);
    }
    names.clear();
    for (int i = in.readInt(); i > 0; i--) {
      names.put(in.readInt(), in.readUTF());
    }
  }

  private static void saveTallies(DataOutput out, Map<String, Tally> tallies) throws IOException {
    out.writeInt(tallies.size());
    for (Map.Entry<String, Tally> tally : tallies.entrySet()) {
      out.writeUTF(tally.getKey());
      tally.getValue().save(out);
    }
  }

  private static void restoreTallies(DataInput in, Map<String, Tally> tallies) throws IOException {
    tallies.clear();
    for (int i = in.readInt(); i > 0; i--) {
      tallies.put(in.readUTF(), Tally.read(in));
    }
  }
}
