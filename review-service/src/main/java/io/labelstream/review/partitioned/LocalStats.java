package io.labelstream.review.partitioned;

import io.labelstream.review.stats.CellJournal;
import io.labelstream.review.stats.StatsCells;
import io.labelstream.review.stats.StatsCounter;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The statistics of the partitions this instance processes. Each partition's {@link StatsCells} live in its store
 * ({@value PartitionedState#STATS}, changelogged with the rest of its state) and, being few (a few thousand at most:
 * per class, per reviewer, per bucket of the time series), also in the heap, so reading them costs no store scan: the
 * copy is loaded from the store when the partition's processing starts here, and every change is written to both (to
 * the store as one {@link CellJournal} entry per record).
 */
final class LocalStats {

  /** One partition's statistics; its lock orders the stream thread's changes against readers' copies. */
  static final class Partition {
    private final int partition;
    private final StatsCells cells;
    private final StatsCounter counter;

    private Partition(int partition, CellJournal.Reader kept, KeyValueStore<String, byte[]> store) {
      this.partition = partition;
      this.counter = new StatsCounter(kept, new StatsCounter.Store(store::get, store::put, store::delete));
      this.cells = counter.cells();
    }

    synchronized void count(Consumer<StatsCounter> record) {
      record.accept(counter);
    }

    synchronized void addTo(StatsCells all) {
      all.mergeFrom(cells);
    }

    synchronized int size() {
      return cells.size();
    }
  }

  private final Map<Integer, Partition> partitions = new ConcurrentHashMap<>();

  /** The partition's statistics as its store holds them, from now on counted here. */
  Partition open(int partition, KeyValueStore<String, byte[]> store) {
    CellJournal.Reader kept = new CellJournal.Reader();
    try (KeyValueIterator<String, byte[]> held = store.prefixScan(StatsCounter.CELL_PREFIX, new StringSerializer())) {
      while (held.hasNext()) {
        KeyValue<String, byte[]> cell = held.next();
        kept.read(cell.key, cell.value);
      }
    }
    Partition opened = new Partition(partition, kept, store);
    partitions.put(partition, opened);
    return opened;
  }

  /** The partition's processing stopped here (it moved, or the instance stops). */
  void close(Partition closed) {
    partitions.remove(closed.partition, closed);
  }

  /** Cells in the heap, over the partitions counted here. */
  int cells() {
    return partitions.values().stream().mapToInt(Partition::size).sum();
  }

  /** Adds the statistics of those of {@code active} processed here to {@code all}; returns which were. */
  Set<Integer> addTo(StatsCells all, Set<Integer> active) {
    Set<Integer> added = new java.util.TreeSet<>();
    partitions.forEach((number, partition) -> {
      if (active.contains(number)) {
        partition.addTo(all);
        added.add(number);
      }
    });
    return added;
  }
}
