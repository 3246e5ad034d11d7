package io.labelstream.review.policy;

/**
 * Counts per predicted class and score band: how many items, and how many of them the model got wrong.
 * {@link #atOrAbove} sums the bands a threshold admits.
 */
public final class BandCounts {

  private final long[][] items;
  private final long[][] errors;

  public BandCounts(int classes, int bands) {
    this.items = new long[classes][bands];
    this.errors = new long[classes][bands];
  }

  public void add(int predictedClass, int band, boolean error) {
    items[predictedClass][band]++;
    if (error) {
      errors[predictedClass][band]++;
    }
  }

  public void add(int predictedClass, int band) {
    items[predictedClass][band]++;
  }

  /** Items of a class in one band. */
  public Count cell(int predictedClass, int band) {
    return new Count(items[predictedClass][band], errors[predictedClass][band]);
  }

  /** Items of a class with a score in bands {@code 0..band} (i.e. at or above that band's threshold). */
  public Count atOrAbove(int predictedClass, int band) {
    long n = 0;
    long e = 0;
    for (int b = 0; b <= Math.min(band, items[predictedClass].length - 1); b++) {
      n += items[predictedClass][b];
      e += errors[predictedClass][b];
    }
    return new Count(n, e);
  }

  /** Items of every class and band. */
  public long total() {
    long n = 0;
    for (long[] ofClass : items) {
      for (long cell : ofClass) {
        n += cell;
      }
    }
    return n;
  }

  public int classes() {
    return items.length;
  }

  public BandCounts copy() {
    BandCounts copy = new BandCounts(items.length, items[0].length);
    for (int c = 0; c < items.length; c++) {
      System.arraycopy(items[c], 0, copy.items[c], 0, items[c].length);
      System.arraycopy(errors[c], 0, copy.errors[c], 0, errors[c].length);
    }
    return copy;
  }

  /** A number of items and how many were wrong. */
  public record Count(long n, long errors) {

    public Count plus(Count other) {
      return new Count(n + other.n, errors + other.errors);
    }

    public static final Count ZERO = new Count(0, 0);
  }
}
