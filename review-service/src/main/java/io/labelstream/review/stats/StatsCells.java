package io.labelstream.review.stats;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The statistics of some frames as named counters: every figure behind {@code /stats} and the reviewers' ledgers is a
 * cell of a few longs under a key ({@link StatsKeys}), for example a class's final labels by source or one minute's
 * answers. Cells of different partitions combine by adding them up ({@link #merge}), except a time series' newest
 * and oldest bucket, which combine by max and min: so each partition of the frames keeps its own cells (in its Kafka
 * Streams store), and the statistics of all frames are the sum of all partitions' cells, whichever instance holds them.
 *
 * <p>Not thread-safe: {@code partitioned.LocalStats} guards each partition's cells; merged copies are read-only.
 */
public final class StatsCells {

  private static final int VERSION = 1;

  private final TreeMap<String, long[]> cells = new TreeMap<>();

  /** The cell's counts (not a copy: do not change them), or null when it was never counted. */
  long[] get(String key) {
    return cells.get(key);
  }

  /**
   * Adds {@code delta} to counter {@code index} of a cell of {@code width} counters, made on first use.
   *
   * @return the cell's counts after the change (not a copy)
   */
  long[] add(String key, int width, int index, long delta) {
    long[] counts = cells.computeIfAbsent(key, k -> new long[width]);
    counts[index] += delta;
    return counts;
  }

  /** Sets a cell. */
  void put(String key, long[] counts) {
    cells.put(key, counts);
  }

  void remove(String key) {
    cells.remove(key);
  }

  /** The cells whose keys start with {@code prefix}, in key order (a view, not a copy). */
  NavigableMap<String, long[]> withPrefix(String prefix) {
    return cells.subMap(prefix, true, prefix + Character.MAX_VALUE, false);
  }

  /** The cells with keys from {@code from} (inclusive) to {@code to} (exclusive), in key order (a view). */
  NavigableMap<String, long[]> range(String from, String to) {
    return cells.subMap(from, true, to, false);
  }

  public int size() {
    return cells.size();
  }

  /** A copy, which later changes to these cells do not reach. */
  public StatsCells copy() {
    StatsCells copy = new StatsCells();
    cells.forEach((key, counts) -> copy.cells.put(key, counts.clone()));
    return copy;
  }

  /** Adds {@code other}'s cells to these ({@link StatsKeys#combine} says how a cell's counts combine). */
  public void mergeFrom(StatsCells other) {
    other.cells.forEach((key, counts) -> {
      long[] mine = cells.get(key);
      if (mine == null) {
        cells.put(key, counts.clone());
      } else {
        cells.put(key, StatsKeys.combine(key, mine, counts));
      }
    });
  }

  /** The statistics of all the frames the parts count between them. */
  public static StatsCells merge(Collection<StatsCells> parts) {
    StatsCells all = new StatsCells();
    parts.forEach(all::mergeFrom);
    return all;
  }

  /** As another instance receives them ({@code /internal/stats}). */
  public byte[] encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + 32 * cells.size());
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      out.writeInt(cells.size());
      for (Map.Entry<String, long[]> cell : cells.entrySet()) {
        out.writeUTF(cell.getKey());
        out.write(encodeCounts(cell.getValue()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode statistics", e);
    }
    return bytes.toByteArray();
  }

  public static StatsCells decode(byte[] encoded) {
    StatsCells decoded = new StatsCells();
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded))) {
      int version = in.readByte();
      if (version != VERSION) {
        throw new IllegalArgumentException("statistics in an unknown encoding " + version);
      }
      for (int n = in.readInt(); n > 0; n--) {
        String key = in.readUTF();
        long[] counts = new long[in.readUnsignedByte()];
        for (int i = 0; i < counts.length; i++) {
          counts[i] = in.readLong();
        }
        decoded.cells.put(key, counts);
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("statistics that cannot be read: " + e.getMessage(), e);
    }
    return decoded;
  }

  /** One cell's counts as a store keeps them: their number, then each. */
  public static byte[] encodeCounts(long[] counts) {
    byte[] bytes = new byte[1 + Long.BYTES * counts.length];
    bytes[0] = (byte) counts.length;
    for (int i = 0; i < counts.length; i++) {
      long count = counts[i];
      for (int b = 0; b < Long.BYTES; b++) {
        bytes[1 + i * Long.BYTES + b] = (byte) (count >>> (56 - 8 * b));
      }
    }
    return bytes;
  }

  public static long[] decodeCounts(byte[] bytes) {
    long[] counts = new long[Byte.toUnsignedInt(bytes[0])];
    for (int i = 0; i < counts.length; i++) {
      long count = 0;
      for (int b = 0; b < Long.BYTES; b++) {
        count = (count << 8) | Byte.toUnsignedLong(bytes[1 + i * Long.BYTES + b]);
      }
      counts[i] = count;
    }
    return counts;
  }

  /** Puts a cell read back from a store. */
  public void restore(String key, byte[] counts) {
    cells.put(key, decodeCounts(counts));
  }

  @Override
  public boolean equals(Object other) {
    if (!(other instanceof StatsCells that) || that.cells.size() != cells.size()) {
      return false;
    }
    for (Map.Entry<String, long[]> cell : cells.entrySet()) {
      if (!Arrays.equals(cell.getValue(), that.cells.get(cell.getKey()))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    return cells.keySet().hashCode();
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("{");
    cells.forEach((key, counts) -> out.append(key.replace('\0', '/')).append('=').append(Arrays.toString(counts))
        .append(", "));
    return out.append('}').toString();
  }
}
