package io.labelstream.review.stats;

/**
 * A map from frameId to a packed long in two arrays with open addressing and linear probing. The keys are the frameId
 * strings of the label records the state reader hands over, the same instances {@code LabelStore} keeps as its keys,
 * so a frame costs about 30 bytes here (two 8-byte slots, at most 60% full) where a {@code HashMap<String, Long>}
 * needs about 60.
 */
final class FrameTable {

  /** What {@link #get} answers for an absent key; never a stored value. */
  static final long ABSENT = Long.MIN_VALUE;
  private static final double MAX_LOAD = 0.6;

  private String[] keys;
  private long[] values;
  private int size;
  private int mask;
  private int growAt;

  FrameTable() {
    allocate(1024);
  }

  long get(String key) {
    for (int slot = slot(key); ; slot = (slot + 1) & mask) {
      String k = keys[slot];
      if (k == null) {
        return ABSENT;
      }
      if (k.equals(key)) {
        return values[slot];
      }
    }
  }

  void put(String key, long value) {
    if (value == ABSENT) {
      throw new IllegalArgumentException("Long.MIN_VALUE cannot be stored");
    }
    for (int slot = slot(key); ; slot = (slot + 1) & mask) {
      String k = keys[slot];
      if (k == null) {
        keys[slot] = key;
        values[slot] = value;
        if (++size >= growAt) {
          grow();
        }
        return;
      }
      if (k.equals(key)) {
        values[slot] = value;
        return;
      }
    }
  }

  int size() {
    return size;
  }

  private int slot(String key) {
    // Fibonacci hashing spreads String.hashCode's low bits, which are poor for ids that differ only at the end.
    return (int) ((key.hashCode() * 0x9E3779B97F4A7C15L) >>> 33) & mask;
  }

  private void allocate(int capacity) {
    keys = new String[capacity];
    values = new long[capacity];
    mask = capacity - 1;
    growAt = (int) (capacity * MAX_LOAD);
  }

  private void grow() {
    if (keys.length >= 1 << 30) {
      throw new IllegalStateException("more than " + size + " frames in the statistics");
    }
    String[] oldKeys = keys;
    long[] oldValues = values;
    allocate(oldKeys.length * 2);
    size = 0;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] != null) {
        put(oldKeys[i], oldValues[i]);
      }
    }
  }
}
