package io.labelstream.review.stats;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A few counters per time bucket (for example answers and review requests per minute), placed by the records' own
 * timestamps, so that replaying the topics after a restart, or on another review instance, rebuilds the same series.
 *
 * <p>Memory is bounded: only the newest {@code capacity} buckets are kept, "newest" being the latest bucket any record
 * fell in (record time, never the wall clock). Counts that fall out of that window (buckets pushed out, records older
 * than it) are summed into {@link View#before()}, so a running total such as the queue length stays right. The window
 * only moves forward and sums commute, so the result does not depend on the order in which records of different
 * partitions arrive.
 *
 * <p>Not thread-safe: {@link StatsRecorder} guards it.
 */
final class TimeSeries {

  private final Resolution resolution;
  private final int counters;
  /** {@code capacity} buckets of {@code counters} longs; bucket {@code b} lives in slot {@code b mod capacity}. */
  private final long[] ring;
  private final long[] before;
  private long newest = Long.MIN_VALUE;
  private long oldest = Long.MAX_VALUE;

  TimeSeries(Resolution resolution, int counters) {
    this.resolution = resolution;
    this.counters = counters;
    this.ring = new long[resolution.capacity() * counters];
    this.before = new long[counters];
  }

  /** Adds {@code delta} to one counter of the bucket holding {@code epochMinute}. */
  void add(long epochMinute, int counter, long delta) {
    long bucket = Math.floorDiv(epochMinute, resolution.minutes());
    advanceTo(bucket);
    oldest = Math.min(oldest, bucket);
    if (bucket <= newest - resolution.capacity()) {
      before[counter] += delta;
    } else {
      ring[slot(bucket) * counters + counter] += delta;
    }
  }

  private void advanceTo(long bucket) {
    if (newest == Long.MIN_VALUE) {
      newest = bucket;
      return;
    }
    if (bucket <= newest) {
      return;
    }
    // Slot of bucket b held bucket b - capacity, which now leaves the window.
    long lastToFree = Math.min(bucket, newest + resolution.capacity());
    for (long b = newest + 1; b <= lastToFree; b++) {
      int base = slot(b) * counters;
      for (int c = 0; c < counters; c++) {
        before[c] += ring[base + c];
        ring[base + c] = 0;
      }
    }
    newest = bucket;
  }

  private int slot(long bucket) {
    return (int) Math.floorMod(bucket, (long) resolution.capacity());
  }

  /** The kept buckets, every one from the first with a record up to the newest, empty ones included. */
  View view() {
    if (newest == Long.MIN_VALUE) {
      return new View(resolution, List.of(), before.clone());
    }
    long first = Math.max(oldest, newest - resolution.capacity() + 1);
    List<Bucket> buckets = new ArrayList<>((int) (newest - first + 1));
    for (long b = first; b <= newest; b++) {
      long[] counts = new long[counters];
      System.arraycopy(ring, slot(b) * counters, counts, 0, counters);
      buckets.add(new Bucket(Instant.ofEpochSecond(b * resolution.minutes() * 60), counts));
    }
    return new View(resolution, buckets, before.clone());
  }

  /** Minutes from the first record to the last, both included; 0 when there is none. */
  long spanMinutes() {
    if (newest == Long.MIN_VALUE) {
      return 0;
    }
    return (newest - oldest + 1) * resolution.minutes();
  }

  /** One bucket: where it starts and its counters. */
  void save(DataOutput out) throws IOException {
    out.writeInt(ring.length);
    for (long count : ring) {
      out.writeLong(count);
    }
    for (long count : before) {
      out.writeLong(count);
    }
    out.writeLong(newest);
    out.writeLong(oldest);
  }

  void restore(DataInput in) throws IOException {
    int length = in.readInt();
    if (length != ring.length) {
      throw new IOException("a " + resolution + " series of " + length + " counts saved, " + ring.length + " kept");
    }
    for (int i = 0; i < ring.length; i++) {
      ring[i] = in.readLong();
    }
    for (int i = 0; i < before.length; i++) {
      before[i] = in.readLong();
    }
    newest = in.readLong();
    oldest = in.readLong();
  }

  record Bucket(Instant start, long[] counts) {
    long count(int counter) {
      return counts[counter];
    }
  }

  /**
   * The kept buckets in time order.
   *
   * @param before per counter, the sum of everything older than the first kept bucket
   */
  record View(Resolution resolution, List<Bucket> buckets, long[] before) {}
}
