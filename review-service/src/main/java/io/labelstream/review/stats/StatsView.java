package io.labelstream.review.stats;

import static io.labelstream.review.stats.StatsKeys.SEP;

import io.labelstream.review.stats.StatsKeys.SeriesCells;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The statistics behind {@code /stats} and the reviewers' ledgers, read from the cells of every partition of the frames
 * merged into one ({@link StatsCells#merge}). Immutable: each request reads its own.
 */
public final class StatsView {

  private final StatsCells cells;

  /** @param cells the statistics of all frames; the view keeps them, so they must not change any more */
  public StatsView(StatsCells cells) {
    this.cells = cells;
  }

  /** Final labels per class index, split by source; classes without a label are left out. */
  public List<ClassCount> classes() {
    return counts(StatsKeys.CLASSES, StatsKeys.CLASS_NAMES);
  }

  /** Boxes of the final detection labels per class index, split by source; classes without a box are left out. */
  public List<ClassCount> boxClasses() {
    return counts(StatsKeys.BOX_CLASSES, StatsKeys.BOX_CLASS_NAMES);
  }

  private List<ClassCount> counts(String prefix, String namePrefix) {
    Map<Integer, String> names = new TreeMap<>();
    cells.withPrefix(namePrefix).keySet().forEach(key -> {
      String rest = key.substring(namePrefix.length());
      int sep = rest.indexOf(SEP);
      names.putIfAbsent(Integer.parseInt(rest.substring(0, sep)), rest.substring(sep + 1));
    });
    Map<Integer, long[]> byClass = new TreeMap<>();
    cells.withPrefix(prefix).forEach((key, counts) -> byClass.put(Integer.parseInt(key.substring(prefix.length())),
        counts));
    List<ClassCount> out = new ArrayList<>();
    byClass.forEach((c, counts) -> {
      if (counts[StatsKeys.MODEL] != 0 || counts[StatsKeys.HUMAN] != 0) {
        out.add(new ClassCount(c, names.get(c), counts[StatsKeys.MODEL], counts[StatsKeys.HUMAN]));
      }
    });
    return out;
  }

  /** Frames whose final label is a detection label, by source ({@link ClassCount#classIndex()} -1, no name). */
  public ClassCount detectionFrames() {
    long[] counts = counts(StatsKeys.DETECTION_FRAMES, 2);
    return new ClassCount(-1, null, counts[StatsKeys.MODEL], counts[StatsKeys.HUMAN]);
  }

  /** Final labels by source, whatever their class: a classification label or a detection frame counts once. */
  public ClassCount labels() {
    long model = 0;
    long human = 0;
    for (ClassCount c : classes()) {
      model += c.model();
      human += c.human();
    }
    ClassCount frames = detectionFrames();
    return new ClassCount(-1, null, model + frames.model(), human + frames.human());
  }

  /** Final labels by the bucket of their labelledAt, and predictions by predictedAt; empty resolution: automatic. */
  public Series<LabelBucket> labelsOverTime(Optional<Resolution> resolution) {
    Window window = window(StatsKeys.LABEL_SERIES, resolution);
    List<LabelBucket> buckets = new ArrayList<>();
    window.forEach((start, b) -> buckets.add(new LabelBucket(start, b[StatsKeys.MODEL], b[StatsKeys.HUMAN],
        b[StatsKeys.PREDICTIONS])));
    return new Series<>(window.resolution(), buckets);
  }

  /** Review requests, answers and the queue length at each bucket's end; empty resolution: automatic. */
  public Series<ReviewBucket> reviewThroughput(Optional<Resolution> resolution) {
    Window window = window(StatsKeys.REVIEW_SERIES, resolution);
    long[] queue = {window.before()[StatsKeys.REQUESTED] - window.before()[StatsKeys.LEFT_QUEUE]};
    List<ReviewBucket> buckets = new ArrayList<>();
    window.forEach((start, b) -> {
      queue[0] += b[StatsKeys.REQUESTED] - b[StatsKeys.LEFT_QUEUE];
      buckets.add(new ReviewBucket(start, b[StatsKeys.REQUESTED], b[StatsKeys.ANSWERS], queue[0]));
    });
    return new Series<>(window.resolution(), buckets);
  }

  /**
   * The newest buckets of a series, every one from the first with a record up to the newest, empty ones included:
   * {@link Resolution#capacity()} at most, ending at the newest bucket of any partition. Buckets of a partition whose
   * newest is earlier, older than that, count in {@code before} as the partition's own older ones do.
   */
  private Window window(String name, Optional<Resolution> chosen) {
    Resolution r = chosen.orElseGet(() -> Resolution.auto(spanMinutes(SeriesCells.of(name, Resolution.MINUTE))));
    SeriesCells s = SeriesCells.of(name, r);
    long[] before = counts(s.before(), StatsKeys.SERIES_WIDTH);
    long[] newest = cells.get(s.newest());
    if (newest == null) {
      return new Window(r, new TreeMap<>(), before);
    }
    long first = Math.max(cells.get(s.oldest())[0], newest[0] - r.capacity() + 1);
    cells.range(s.bucket(0), s.bucketsFrom(first)).values().forEach(old -> {
      for (int c = 0; c < before.length; c++) {
        before[c] += old[c];
      }
    });
    TreeMap<Long, long[]> buckets = new TreeMap<>();
    for (long b = first; b <= newest[0]; b++) {
      buckets.put(b, new long[StatsKeys.SERIES_WIDTH]);
    }
    cells.range(s.bucketsFrom(first), s.bucketsTo(newest[0]))
        .forEach((key, counts) -> buckets.put(s.bucketOf(key), counts));
    return new Window(r, buckets, before);
  }

  /** Minutes from the first record to the last, both included; 0 when there is none. */
  private long spanMinutes(SeriesCells s) {
    long[] newest = cells.get(s.newest());
    return newest == null ? 0 : (newest[0] - cells.get(s.oldest())[0] + 1) * s.resolution().minutes();
  }

  private record Window(Resolution resolution, TreeMap<Long, long[]> buckets, long[] before) {
    void forEach(java.util.function.BiConsumer<Instant, long[]> each) {
      buckets.forEach((b, counts) -> each.accept(Instant.ofEpochSecond(b * resolution.minutes() * 60), counts));
    }
  }

  public Agreement agreement() {
    Map<List<String>, Rate> byPair = new TreeMap<>(Comparator.<List<String>, String>comparing(p -> p.get(0))
        .thenComparing(p -> p.get(1)));
    cells.withPrefix(StatsKeys.PAIR).forEach((key, counts) -> {
      String pair = key.substring(StatsKeys.PAIR.length());
      int sep = pair.indexOf(SEP);
      byPair.put(List.of(pair.substring(0, sep), pair.substring(sep + 1)), rate(counts));
    });
    return new Agreement(rate(counts(StatsKeys.AUDITS, 2)), byName(StatsKeys.AUDITS_BY),
        counts(StatsKeys.SEVERAL_TIMES, 1)[0], rate(counts(StatsKeys.PAIRS, 2)), byPair, byName(StatsKeys.PAIRS_BY));
  }

  private Map<String, Rate> byName(String prefix) {
    Map<String, Rate> rates = new TreeMap<>();
    cells.withPrefix(prefix).forEach((key, counts) -> rates.put(key.substring(prefix.length()), rate(counts)));
    return rates;
  }

  /** What one reviewer has done (zeros for someone who has not answered yet). */
  public ReviewerCounts reviewer(String reviewer) {
    return reviewerCounts(reviewer, counts(StatsKeys.ledger(reviewer), StatsKeys.LEDGER_WIDTH));
  }

  /** Every reviewer who answered, by name. */
  public List<ReviewerCounts> reviewers() {
    List<ReviewerCounts> all = new ArrayList<>();
    cells.withPrefix(StatsKeys.LEDGERS).forEach((key, counts) ->
        all.add(reviewerCounts(key.substring(StatsKeys.LEDGERS.length()), counts)));
    return all;
  }

  private static ReviewerCounts reviewerCounts(String reviewer, long[] c) {
    return new ReviewerCounts(reviewer, c[StatsKeys.ANSWERED], c[StatsKeys.ACCEPTED], c[StatsKeys.CORRECTED],
        c[StatsKeys.GOLD], c[StatsKeys.GOLD_CORRECT], c[StatsKeys.GOLD_BOXES],
        c[StatsKeys.GOLD_F1_NANOS] * StatsKeys.F1_UNIT);
  }

  private long[] counts(String key, int width) {
    long[] counts = cells.get(key);
    return counts == null ? new long[width] : counts.clone();
  }

  private static Rate rate(long[] counts) {
    return new Rate(counts[StatsKeys.TOTAL], counts[StatsKeys.AGREED]);
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
   * One reviewer's record: every answer they submitted; of those to a suggestion they saw, how many they accepted and
   * corrected; gold tasks and how many were right.
   *
   * @param goldCorrect gold answers that were right: the known class, or boxes exact against the known boxes
   * @param goldBoxes gold answers with boxes (a detection model's gold frames)
   * @param goldF1Sum the sum of their box F1s (see {@link #goldF1})
   */
  public record ReviewerCounts(String reviewer, long answered, long accepted, long corrected, long gold,
      long goldCorrect, long goldBoxes, double goldF1Sum) {

    /** Mean box F1 against gold boxes; null without a detection gold answer. */
    public Double goldF1() {
      return goldBoxes == 0 ? null : goldF1Sum / goldBoxes;
    }
  }
}
