package io.labelstream.review.stats;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one place that names the cells of {@link StatsCells}, and says how a cell of two partitions combines. Parts of a
 * key are separated by NUL, which no class name or reviewer name holds.
 */
final class StatsKeys {

  static final char SEP = '\0';

  /** Counters of a cell counted by source. */
  static final int MODEL = 0;
  static final int HUMAN = 1;
  /** Counters of the label series. */
  static final int PREDICTIONS = 2;
  /** Counters of the review series. */
  static final int REQUESTED = 0;
  static final int LEFT_QUEUE = 1;
  static final int ANSWERS = 2;
  static final int SERIES_WIDTH = 3;
  /** Counters of a comparison tally. */
  static final int TOTAL = 0;
  static final int AGREED = 1;
  /** Counters of a reviewer's ledger. */
  static final int ANSWERED = 0;
  static final int ACCEPTED = 1;
  static final int CORRECTED = 2;
  static final int GOLD = 3;
  static final int GOLD_CORRECT = 4;
  static final int GOLD_BOXES = 5;
  /** The sum of the gold answers' box F1s, in billionths (a sum of longs adds up the same in any order). */
  static final int GOLD_F1_NANOS = 6;
  static final int LEDGER_WIDTH = 7;
  static final double F1_UNIT = 1e-9;

  static final String CLASSES = "class" + SEP;
  static final String CLASS_NAMES = "className" + SEP;
  static final String BOX_CLASSES = "boxClass" + SEP;
  static final String BOX_CLASS_NAMES = "boxClassName" + SEP;
  static final String DETECTION_FRAMES = "detectionFrames";
  static final String LABEL_SERIES = "labels";
  static final String REVIEW_SERIES = "review";
  static final String AUDITS = "audits";
  static final String AUDITS_BY = "auditsBy" + SEP;
  static final String PAIRS = "pairs";
  static final String PAIR = "pair" + SEP;
  static final String PAIRS_BY = "pairsBy" + SEP;
  static final String SEVERAL_TIMES = "tasksAnsweredSeveralTimes";
  static final String LEDGERS = "ledger" + SEP;

  private static final String NEWEST = SEP + "newest";
  private static final String OLDEST = SEP + "oldest";
  private static final int BUCKET_DIGITS = 12;

  private StatsKeys() {}

  static String classCount(int classIndex) {
    return CLASSES + classIndex;
  }

  static String className(int classIndex, String name) {
    return CLASS_NAMES + classIndex + SEP + name;
  }

  static String boxClassCount(int classIndex) {
    return BOX_CLASSES + classIndex;
  }

  static String boxClassName(int classIndex, String name) {
    return BOX_CLASS_NAMES + classIndex + SEP + name;
  }

  static String auditsBy(String reviewer) {
    return AUDITS_BY + reviewer;
  }

  /** The pair's key, the names in order. */
  static String pair(String a, String b) {
    return a.compareTo(b) < 0 ? PAIR + a + SEP + b : PAIR + b + SEP + a;
  }

  static String pairsBy(String reviewer) {
    return PAIRS_BY + reviewer;
  }

  static String ledger(String reviewer) {
    return LEDGERS + reviewer;
  }

  /** The cells of one time series at one resolution: its buckets, what fell out of its window, its extent. */
  static final class SeriesCells {

    /** The series' cells are looked up per record: their keys are built once. */
    private static final Map<String, Map<Resolution, SeriesCells>> KNOWN = new ConcurrentHashMap<>();

    private final Resolution resolution;
    private final String prefix;
    private final String before;
    private final String newest;
    private final String oldest;

    private SeriesCells(String name, Resolution resolution) {
      this.resolution = resolution;
      this.prefix = name + SEP + resolution.name() + SEP;
      this.before = prefix + "before";
      this.newest = prefix + "newest";
      this.oldest = prefix + "oldest";
    }

    static SeriesCells of(String name, Resolution resolution) {
      return KNOWN.computeIfAbsent(name, n -> new ConcurrentHashMap<>()).computeIfAbsent(resolution,
          r -> new SeriesCells(name, r));
    }

    Resolution resolution() {
      return resolution;
    }

    private String prefix() {
      return prefix;
    }

    /** Bucket {@code b} (b >= 0): fixed-width digits, so buckets sort in time order. */
    String bucket(long b) {
      String digits = Long.toString(b);
      return prefix() + "b" + "0".repeat(Math.max(0, BUCKET_DIGITS - digits.length())) + digits;
    }

    long bucketOf(String key) {
      return Long.parseLong(key.substring(prefix().length() + 1));
    }

    /** The keys of buckets {@code from} to {@code to}, both included, start at or after this... */
    String bucketsFrom(long from) {
      return bucket(Math.max(0, from));
    }

    /** ...and before this. */
    String bucketsTo(long to) {
      return bucket(to + 1);
    }

    /** Per counter, the sum of every bucket that fell out of the window. */
    String before() {
      return before;
    }

    /** The latest bucket any record fell in. */
    String newest() {
      return newest;
    }

    /** The earliest bucket any record fell in. */
    String oldest() {
      return oldest;
    }
  }

  /** How a cell of two partitions combines: the newest bucket of a series is the later one, the oldest the earlier. */
  static long[] combine(String key, long[] a, long[] b) {
    long[] combined = new long[Math.max(a.length, b.length)];
    for (int i = 0; i < combined.length; i++) {
      long x = i < a.length ? a[i] : 0;
      long y = i < b.length ? b[i] : 0;
      if (key.endsWith(NEWEST)) {
        combined[i] = Math.max(x, y);
      } else if (key.endsWith(OLDEST)) {
        combined[i] = Math.min(x, y);
      } else {
        combined[i] = x + y;
      }
    }
    return combined;
  }
}
