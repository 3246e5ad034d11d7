package io.labelstream.review.policy;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

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

  /** Takes back one {@link #add(int, int, boolean)}: the item turned out to belong to other evidence. */
  public void remove(int predictedClass, int band, boolean error) {
    items[predictedClass][band]--;
    if (error) {
      errors[predictedClass][band]--;
    }
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

  /** Writes every cell, for a checkpoint of the review state. */
  public void save(DataOutput out) throws IOException {
    out.writeInt(items.length);
    out.writeInt(items[0].length);
    for (int c = 0; c < items.length; c++) {
      for (int b = 0; b < items[c].length; b++) {
        out.writeLong(items[c][b]);
        out.writeLong(errors[c][b]);
      }
    }
  }

  /** Reads back what {@link #save} wrote into counts of the same shape. */
  public void restore(DataInput in) throws IOException {
    int classes = in.readInt();
    int bands = in.readInt();
    if (classes != items.length || bands != items[0].length) {
      throw new IOException(classes + " classes x " + bands + " bands saved, " + items.length + " x "
          + items[0].length + " configured");
    }
    for (int c = 0; c < classes; c++) {
      for (int b = 0; b < bands; b++) {
        items[c][b] = in.readLong();
        errors[c][b] = in.readLong();
      }
    }
  }

  /** A number of items and how many were wrong. */
  public record Count(long n, long errors) {

    public Count plus(Count other) {
      return new Count(n + other.n, errors + other.errors);
    }

    public static final Count ZERO = new Count(0, 0);
  }
}
