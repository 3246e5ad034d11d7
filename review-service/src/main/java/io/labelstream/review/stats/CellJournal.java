package io.labelstream.review.stats;

import static io.labelstream.review.stats.StatsCounter.CELL_PREFIX;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Writes the cells a record changed to the partition's store as one journal entry, instead of one write per cell: a
 * label changes about seven cells and an answer ten to fifteen, and under exactly-once each store write costs a
 * changelog record and a copy of the store's position, which made the counting three times slower than the rest of
 * the per-frame state. Every {@value #FOLD_EVERY} entries the cells changed since the last fold are written under
 * their own keys and the fold's sequence number with them, so the store always holds the cells as of the last fold
 * plus the entries after it, and each entry's slot is reused once it is folded.
 *
 * <p>An entry holds the cells' values after the record (a removed cell as removed), not deltas: applying the entries
 * after the fold in order gives the cells as the heap had them ({@link Reader}). A record's entry and what it changed
 * per frame or per task are written in the same transaction, so a crash never keeps one without the other.
 */
public final class CellJournal {

  /** Entries and the fold's mark; cells' keys never start with a second {@code \0}. */
  static final String PREFIX = CELL_PREFIX + "\0";
  static final String FOLDED = PREFIX + "folded";
  static final String ENTRY = PREFIX + "j";
  /** Entries kept at most: the store holds about that many, a few hundred bytes each, per partition. */
  static final int FOLD_EVERY = 1_000;

  private final StatsCells cells;
  private final StatsCounter.Store store;
  private final int foldEvery;
  private final Set<String> changedByRecord = new LinkedHashSet<>();
  private final Set<String> unfolded = new HashSet<>();
  private long sequence;
  private long folded;
  /** Entries read back at the start but not folded: folded before a slot is reused, whatever their slots are. */
  private boolean foldFirst;

  /** @param kept what the store held; {@code foldEvery} entries at most are kept in it */
  CellJournal(Reader kept, StatsCounter.Store store, int foldEvery) {
    this.cells = kept.cells();
    this.store = store;
    this.foldEvery = foldEvery;
    this.sequence = kept.sequence;
    this.folded = kept.folded;
    this.unfolded.addAll(kept.unfolded);
    this.foldFirst = !kept.unfolded.isEmpty();
  }

  /** The record being counted changed (or removed) this cell. */
  void changed(String key) {
    changedByRecord.add(key);
  }

  /** The record is counted: its changes become one entry. */
  void recordDone() {
    if (changedByRecord.isEmpty()) {
      return;
    }
    if (foldFirst || sequence - folded >= foldEvery) {
      fold();
    }
    sequence++;
    store.put().accept(entryKey(sequence % foldEvery), encodeEntry());
    unfolded.addAll(changedByRecord);
    changedByRecord.clear();
  }

  private void fold() {
    for (String key : unfolded) {
      long[] counts = cells.get(key);
      if (counts == null) {
        store.delete().accept(CELL_PREFIX + key);
      } else {
        store.put().accept(CELL_PREFIX + key, StatsCells.encodeCounts(counts));
      }
    }
    unfolded.clear();
    folded = sequence;
    foldFirst = false;
    store.put().accept(FOLDED, ByteBuffer.allocate(Long.BYTES).putLong(folded).array());
  }

  private static String entryKey(long slot) {
    return ENTRY + String.format("%06d", slot);
  }

  /** The sequence number, then each changed cell: its key and its counts, or none when it was removed. */
  private byte[] encodeEntry() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(32 * changedByRecord.size() + 16);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeLong(sequence);
      out.writeShort(changedByRecord.size());
      for (String key : changedByRecord) {
        out.writeUTF(key);
        long[] counts = cells.get(key);
        out.writeByte(counts == null ? -1 : counts.length);
        if (counts != null) {
          for (long count : counts) {
            out.writeLong(count);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** Reads a partition's cells back from what its store holds: the folded cells, then the entries after the fold. */
  public static final class Reader {
    private final StatsCells cells = new StatsCells();
    private final TreeMap<Long, byte[]> entries = new TreeMap<>();
    private final Set<String> unfolded = new HashSet<>();
    private long folded;
    private long sequence;
    private boolean done;

    /** One key-value the store holds under {@link StatsCounter#CELL_PREFIX}, in any order. */
    public void read(String storeKey, byte[] value) {
      if (storeKey.equals(FOLDED)) {
        folded = ByteBuffer.wrap(value).getLong();
      } else if (storeKey.startsWith(ENTRY)) {
        entries.put(ByteBuffer.wrap(value).getLong(), value);
      } else if (storeKey.startsWith(CELL_PREFIX) && !storeKey.startsWith(PREFIX)) {
        cells.restore(storeKey.substring(CELL_PREFIX.length()), value);
      }
    }

    /** The cells, with every entry after the fold applied. */
    public StatsCells cells() {
      if (!done) {
        done = true;
        sequence = folded;
        for (Map.Entry<Long, byte[]> entry : entries.tailMap(folded, false).entrySet()) {
          apply(entry.getValue());
          sequence = entry.getKey();
        }
      }
      return cells;
    }

    private void apply(byte[] entry) {
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(entry))) {
        in.readLong();
        int changed = in.readUnsignedShort();
        for (int i = 0; i < changed; i++) {
          String key = in.readUTF();
          int width = in.readByte();
          unfolded.add(key);
          if (width < 0) {
            cells.remove(key);
            continue;
          }
          long[] counts = new long[width];
          for (int c = 0; c < width; c++) {
            counts[c] = in.readLong();
          }
          cells.put(key, counts);
        }
      } catch (IOException e) {
        throw new IllegalArgumentException("a statistics journal entry that cannot be read: " + e.getMessage(), e);
      }
    }
  }

}
