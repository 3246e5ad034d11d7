package io.labelstream.review.stats;

import static io.labelstream.review.stats.StatsKeys.SEP;

import io.labelstream.review.stats.StatsKeys.SeriesCells;
import io.labelstream.schemas.avro.Box;
import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.LabelSource;
import io.labelstream.schemas.avro.Prediction;
import io.labelstream.schemas.avro.ReviewDecision;
import io.labelstream.schemas.avro.ReviewReason;
import io.labelstream.schemas.avro.ReviewRequest;
import io.labelstream.schemas.avro.ReviewResult;
import io.labelstream.schemas.boxes.BoxMatching;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the records of one partition of the frames into its {@link StatsCells}: the class distribution of the final
 * labels, model against human labelling over time, review throughput and queue length over time, how often reviewers
 * agree with the model on blind audits and with each other, and each reviewer's ledger (answers, accepted and corrected
 * suggestions, gold tasks). The cells a record changes go to its {@link Store} as one {@link CellJournal} entry, with
 * what it keeps per frame and per task, so the store is the truth and the cells in the heap a copy of its small part
 * ({@link CellJournal.Reader}).
 *
 * <p>Figures are placed by the records' own timestamps ({@code labelledAt}, {@code submittedAt}, {@code requestedAt},
 * {@code predictedAt}), so a rebuild, on any instance, gives the same figures. What has to happen in order (labels of
 * one frame, answers to one task) is in one partition, keyed by frameId.
 *
 * <ul>
 *   <li>A frame counts once, with its final label: a HUMAN label supersedes a MODEL one and a later MODEL label does not
 *       replace a HUMAN one (as in {@code partitioned.FrameStateProcessor}), so an audited frame moves from the
 *       model's column to people's.
 *   <li>A review task is in the queue from its first request to the answer that settles it (no earlier than its
 *       request): a task that needs several answers stays after the first ones ({@code decides} false), so queue
 *       length = tasks requested − tasks settled, each counted once.
 *   <li>Each reviewer's first answer to a task counts; a repeat of it does not. Gold answers count in the reviewer's
 *       ledger only: gold frames are not the stream's work.
 *   <li>Detection labels (with boxes) count their frame once, like a classification label, and their boxes per class;
 *       two reviewers' detection answers agree when their boxes match exactly ({@code BoxMatching}), as consensus
 *       decides.
 * </ul>
 *
 * <p>Not thread-safe: the partition's stream thread writes, under the lock of whoever shares the cells.
 */
public final class StatsCounter {

  /** Where the counter keeps its cells and what it keeps per frame and per task: a key-value store's three verbs. */
  public record Store(Function<String, byte[]> get, BiConsumer<String, byte[]> put, Consumer<String> delete) {}

  /** Store keys of the cells start with this (no frame id or task id does), the cell's key follows. */
  public static final String CELL_PREFIX = "\0";

  private static final Logger LOG = LoggerFactory.getLogger(StatsCounter.class);
  private static final long NONE = TaskTrack.NONE;
  private static final int MAX_CLASSES = 1 << 20;
  /** The class field of a frame whose final label is a detection label; its boxes' classes follow in the store. */
  private static final int DETECTION = MAX_CLASSES - 1;
  private static final int[] NO_BOXES = new int[0];
  private static final long[] ONE = {1};

  private final StatsCells cells;
  private final Store store;
  private final CellJournal journal;

  /** Counts on from what the store held ({@code kept}: all it holds under {@link #CELL_PREFIX}). */
  public StatsCounter(CellJournal.Reader kept, Store store) {
    this(kept, store, CellJournal.FOLD_EVERY);
  }

  StatsCounter(CellJournal.Reader kept, Store store, int foldEvery) {
    this.cells = kept.cells();
    this.store = store;
    this.journal = new CellJournal(kept, store, foldEvery);
  }

  /** The cells counted (not a copy: read them under the lock of whoever shares them). */
  public StatsCells cells() {
    return cells;
  }

  // A fault in the statistics must not stop the partition's other state from being kept: each hook logs instead.

  /** A label read from {@code labels.v1}. */
  public void labelled(Label label) {
    count(() -> applyLabel(label), () -> "the label of frame " + label.getFrameId());
  }

  /** A prediction read from {@code predictions.v1}. */
  public void predicted(Prediction prediction) {
    count(() -> addToSeries(StatsKeys.LABEL_SERIES, minute(prediction.getPredictedAt()), StatsKeys.PREDICTIONS, 1),
        () -> "the prediction of frame " + prediction.getFrameId());
  }

  /** A review request read from {@code review.requests.v1}. */
  public void requested(ReviewRequest request) {
    count(() -> applyRequest(request), () -> "review request " + request.getTaskId());
  }

  /** An answer read from {@code review.results.v1}. */
  public void answered(ReviewResult result) {
    count(() -> {
      applyToLedger(result);
      if (result.getReason() != ReviewReason.GOLD) {
        applyResult(result);
      }
    }, () -> "the answer of " + result.getReviewerId() + " to task " + result.getTaskId());
  }

  /** Counts one record; its changes, whole or cut short by a fault, become its journal entry. */
  private void count(Runnable record, Supplier<String> what) {
    try {
      record.run();
    } catch (RuntimeException e) {
      LOG.warn("statistics skip {}: {}", what.get(), e.toString());
    } finally {
      journal.recordDone();
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
    long minute = minute(label.getLabelledAt());
    counted(label.getFrameId(), (minute << 21) | ((long) classIndex << 1) | (human ? 1 : 0), NO_BOXES);
    name(StatsKeys.className(classIndex, label.getLabel()));
    countLabel(minute, classIndex, human, +1);
  }

  /**
   * Takes back what the frame's previous final label counted, unless that label was a person's and the new one is the
   * model's (a HUMAN label is never superseded by a MODEL one); false then, and the new label counts for nothing.
   */
  private boolean supersede(String frameId, boolean human) {
    byte[] counted = store.get().apply(countedKey(frameId));
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

  /** Keeps what a frame's final label counted: {@code minute << 21 | class index << 1 | 1 if HUMAN}, box classes. */
  private void counted(String frameId, long packed, int[] boxClasses) {
    ByteBuffer value = ByteBuffer.allocate(Long.BYTES + Integer.BYTES * boxClasses.length).putLong(packed);
    value.asIntBuffer().put(boxClasses);
    store.put().accept(countedKey(frameId), value.array());
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
      name(StatsKeys.boxClassName(box.getClassIndex(), box.getLabel()));
      classes[n++] = box.getClassIndex();
    }
    if (!supersede(label.getFrameId(), human)) {
      return;
    }
    long minute = minute(label.getLabelledAt());
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
    int source = human ? StatsKeys.HUMAN : StatsKeys.MODEL;
    add(StatsKeys.DETECTION_FRAMES, 2, source, delta);
    for (int c : classes) {
      add(StatsKeys.boxClassCount(c), 2, source, delta);
    }
    addToSeries(StatsKeys.LABEL_SERIES, minute, source, delta);
  }

  private void countLabel(long minute, int classIndex, boolean human, int delta) {
    int source = human ? StatsKeys.HUMAN : StatsKeys.MODEL;
    add(StatsKeys.classCount(classIndex), 2, source, delta);
    addToSeries(StatsKeys.LABEL_SERIES, minute, source, delta);
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
    addToSeries(StatsKeys.REVIEW_SERIES, task.requestedMinute, StatsKeys.REQUESTED, 1);
    if (task.settledMinute != NONE) {
      // Its answer was read first (another topic): it leaves the queue when settled, but never before it entered.
      addToSeries(StatsKeys.REVIEW_SERIES, Math.max(task.requestedMinute, task.settledMinute), StatsKeys.LEFT_QUEUE, 1);
    }
  }

  private TaskTrack task(String taskId) {
    byte[] value = store.get().apply(taskKey(taskId));
    return value == null ? new TaskTrack() : TaskTrack.decode(value);
  }

  private void keep(String taskId, TaskTrack task) {
    store.put().accept(taskKey(taskId), task.encode());
  }

  private void applyResult(ReviewResult result) {
    TaskTrack task = task(result.getTaskId());
    String name = result.getReviewerId();
    if (task.answeredBy(name)) {
      return; // a repeat of this reviewer's answer
    }
    long minute = minute(result.getSubmittedAt());
    addToSeries(StatsKeys.REVIEW_SERIES, minute, StatsKeys.ANSWERS, 1);
    // A task that needs several answers stays in the queue until the answer that settles it.
    if (task.settledMinute == NONE && !Boolean.FALSE.equals(result.getDecides())) {
      task.settledMinute = minute;
      if (task.requestedMinute != NONE) {
        addToSeries(StatsKeys.REVIEW_SERIES, Math.max(task.requestedMinute, minute), StatsKeys.LEFT_QUEUE, 1);
      }
    }
    List<Box> boxes = result.getBoxes();
    for (int i = 0; i < task.reviewers.size(); i++) {
      String other = task.reviewers.get(i);
      List<Box> otherBoxes = task.boxAnswers == null ? null : task.boxAnswers.get(i);
      // Detection answers agree when their boxes match exactly, by the one rule consensus and audits use.
      boolean agree = boxes != null || otherBoxes != null
          ? boxes != null && otherBoxes != null && BoxMatching.match(otherBoxes, boxes).exact()
          : task.classes[i] == result.getClassIndex();
      tally(StatsKeys.pair(name, other), agree);
      tally(StatsKeys.pairsBy(name), agree);
      tally(StatsKeys.pairsBy(other), agree);
      tally(StatsKeys.PAIRS, agree);
    }
    if (task.reviewers.size() == 1) {
      add(StatsKeys.SEVERAL_TIMES, 1, 0, 1);
    }
    task.addAnswer(name, result.getClassIndex(), boxes);
    keep(result.getTaskId(), task);
    if (result.getReason() == ReviewReason.AUDIT && result.getAgreedWithModel() != null) {
      tally(StatsKeys.AUDITS, result.getAgreedWithModel());
      tally(StatsKeys.auditsBy(name), result.getAgreedWithModel());
    }
  }

  /** Every answer counts in its reviewer's ledger, a repeat too (as it always has: the ledger counts submissions). */
  private void applyToLedger(ReviewResult result) {
    String ledger = StatsKeys.ledger(result.getReviewerId());
    add(ledger, StatsKeys.LEDGER_WIDTH, StatsKeys.ANSWERED, 1);
    if (result.getReason() == ReviewReason.GOLD) {
      add(ledger, StatsKeys.LEDGER_WIDTH, StatsKeys.GOLD, 1);
      if (Boolean.TRUE.equals(result.getCorrect())) {
        add(ledger, StatsKeys.LEDGER_WIDTH, StatsKeys.GOLD_CORRECT, 1);
      }
      if (result.getBoxF1() != null) {
        add(ledger, StatsKeys.LEDGER_WIDTH, StatsKeys.GOLD_BOXES, 1);
        add(ledger, StatsKeys.LEDGER_WIDTH, StatsKeys.GOLD_F1_NANOS, Math.round(result.getBoxF1() / StatsKeys.F1_UNIT));
      }
      return;
    }
    // Accepted/corrected count answers to a suggestion the reviewer saw: a blind audit had none, and counting it
    // would tell the reviewer (in /v1/me) whether they agreed with the hidden model label.
    if (result.getReason() != ReviewReason.AUDIT) {
      add(ledger, StatsKeys.LEDGER_WIDTH,
          result.getDecision() == ReviewDecision.ACCEPTED ? StatsKeys.ACCEPTED : StatsKeys.CORRECTED, 1);
    }
  }

  private void tally(String key, boolean agree) {
    add(key, 2, StatsKeys.TOTAL, 1);
    if (agree) {
      add(key, 2, StatsKeys.AGREED, 1);
    }
  }

  /** A name seen with a class index: kept once (the first name of an index is the one shown). */
  private void name(String key) {
    if (cells.get(key) == null) {
      set(key, ONE.clone());
    }
  }

  /**
   * Adds to one bucket of a time series at each resolution. Each resolution keeps its newest buckets only (a day of
   * minutes, 90 days of hours): a bucket that leaves the window, and a record older than it, go into its
   * {@code before} cell, so a running total such as the queue length stays right and the cells stay few.
   */
  private void addToSeries(String series, long minute, int counter, long delta) {
    for (Resolution r : Resolution.values()) {
      SeriesCells s = SeriesCells.of(series, r);
      long bucket = Math.floorDiv(minute, r.minutes());
      long[] newest = cells.get(s.newest());
      if (newest == null) {
        set(s.newest(), new long[] {bucket});
        set(s.oldest(), new long[] {bucket});
      } else {
        if (bucket > newest[0]) {
          leaveWindow(s, newest[0], bucket);
          set(s.newest(), new long[] {bucket});
        }
        if (bucket < cells.get(s.oldest())[0]) {
          set(s.oldest(), new long[] {bucket});
        }
      }
      long newestNow = cells.get(s.newest())[0];
      if (bucket <= newestNow - r.capacity()) {
        add(s.before(), StatsKeys.SERIES_WIDTH, counter, delta);
      } else {
        add(s.bucket(bucket), StatsKeys.SERIES_WIDTH, counter, delta);
      }
    }
  }

  /** The window moves from ending at {@code from} to ending at {@code to}: the buckets it leaves go into before. */
  private void leaveWindow(SeriesCells s, long from, long to) {
    int capacity = s.resolution().capacity();
    if (to - capacity < 0) {
      return; // no bucket is that old
    }
    List<String> leaving = new ArrayList<>(cells.range(s.bucketsFrom(from - capacity + 1), s.bucketsTo(to - capacity))
        .keySet());
    for (String key : leaving) {
      long[] counts = cells.get(key);
      for (int c = 0; c < counts.length; c++) {
        add(s.before(), StatsKeys.SERIES_WIDTH, c, counts[c]);
      }
      cells.remove(key);
      journal.changed(key);
    }
  }

  private void add(String key, int width, int index, long delta) {
    cells.add(key, width, index, delta);
    journal.changed(key);
  }

  private void set(String key, long[] counts) {
    cells.put(key, counts);
    journal.changed(key);
  }

  /** Minutes since the epoch; a time before it counts in its first minute (buckets are not negative). */
  private static long minute(Instant at) {
    return Math.max(0, Math.floorDiv(at.toEpochMilli(), 60_000L));
  }

  static String countedKey(String frameId) {
    return frameId + SEP + 's';
  }

  static String taskKey(String taskId) {
    return taskId + SEP + 't';
  }
}
