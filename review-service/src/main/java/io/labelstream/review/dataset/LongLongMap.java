package io.labelstream.review.dataset;

import java.util.Arrays;

/**
 * A map from 64-bit keys (frameId hashes) to non-negative longs in two primitive arrays with open addressing and
 * linear probing: 16 bytes a slot, at most 60% full, so about 27–53 bytes per frame where a {@code HashMap<String,
 * Long>} of frameIds needs well over 100.
 */
final class LongLongMap {

  /** What {@link #get} answers for an absent key; values must be at least -1, so this can never be one. */
  static final long ABSENT = Long.MIN_VALUE;
  private static final double MAX_LOAD = 0.6;

  private long[] keys;
  private long[] values;
  private int size;
  private int mask;
  private int growAt;

  LongLongMap(int expectedSize) {
    int capacity = Integer.highestOneBit((int) Math.max(16, Math.min(1 << 30, expectedSize / MAX_LOAD)) - 1) << 1;
    allocate(capacity);
  }

  /** The value stored for {@code key}, or {@link #ABSENT}. */
  long get(long key) {
    for (int slot = slot(key); ; slot = (slot + 1) & mask) {
      long value = values[slot];
      if (value == ABSENT) {
        return ABSENT;
      }
      if (keys[slot] == key) {
        return value;
      }
    }
  }

  /** Stores {@code value} (-1 or more) for {@code key}; returns the previous value or {@link #ABSENT}. */
  long put(long key, long value) {
    if (value < -1) {
      throw new IllegalArgumentException("values must be -1 or more, got " + value);
    }
    for (int slot = slot(key); ; slot = (slot + 1) & mask) {
      long previous = values[slot];
      if (previous == ABSENT) {
        keys[slot] = key;
        values[slot] = value;
        if (++size >= growAt) {
          grow();
        }
        return ABSENT;
      }
      if (keys[slot] == key) {
        values[slot] = value;
        return previous;
      }
    }
  }

  int size() {
    return size;
  }

  /** Slots allocated (for tests and sizing notes). */
  int capacity() {
    return keys.length;
  }

  private int slot(long key) {
    // Fibonacci hashing: spreads keys that are not already uniform (ordinals in tests) over the table too.
    return (int) ((key * 0x9E3779B97F4A7C15L) >>> 33) & mask;
  }

  private void allocate(int capacity) {
    keys = new long[capacity];
    values = new long[capacity];
    Arrays.fill(values, ABSENT);
    mask = capacity - 1;
    growAt = (int) (capacity * MAX_LOAD);
  }

  private void grow() {
    if (keys.length >= 1 << 30) {
      throw new IllegalStateException("more than " + growAt + " frames in one table");
    }
    long[] oldKeys = keys;
    long[] oldValues = values;
    allocate(oldKeys.length * 2);
    size = 0;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldValues[i] != ABSENT) {
        put(oldKeys[i], oldValues[i]);
      }
    }
  }
}
