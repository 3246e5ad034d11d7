package io.labelstream.review.partitioned;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * What the per-frame state takes on this instance, on {@code /metrics}, read on each scrape: the keys of each Kafka
 * Streams store in the partitions it serves, the bytes of its state folder (stores, standby copies) on disk, and the
 * statistics' cells in the heap. Kafka Streams' own RocksDB meters ({@code kafka_stream_state_*}) say more, per task,
 * but appear only once Micrometer looks for new meters again (about a minute after a partition arrives): these are
 * there from the start, one series per store.
 */
final class PartitionedStoreMeters implements MeterBinder {

  private final PartitionedState state;
  private final Path stateDir;

  PartitionedStoreMeters(PartitionedState state, Path stateDir) {
    this.state = state;
    this.stateDir = stateDir;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    for (String store : List.of(PartitionedState.FINAL_LABELS, PartitionedState.HISTORIES, PartitionedState.STATS)) {
      // Held strongly: nothing else keeps these meters, and a gauge holds its object weakly.
      Gauge.builder("labelstream.review.partitioned.store.keys", state, s -> s.approximateKeys(store))
          .strongReference(true).tag("store", store)
          .description("Keys in this Kafka Streams store over the partitions this instance serves, estimated by RocksDB "
              + "(NaN while it serves none)")
          .register(registry);
    }
    Gauge.builder("labelstream.review.partitioned.disk", this, PartitionedStoreMeters::diskBytes).strongReference(true)
        .baseUnit("bytes").description("Bytes of the per-frame state's folder on local disk: its stores and standby "
            + "copies (REVIEW_STATE_DIR/partitioned, or a folder of this run)")
        .register(registry);
    Gauge.builder("labelstream.review.partitioned.stats.cells", state, s -> s.stats().cells())
        .strongReference(true).description("The statistics' counters kept in the heap for the partitions this instance "
            + "counts (per class, reviewer, pair of reviewers and time bucket; not per frame)")
        .register(registry);
  }

  private double diskBytes() {
    if (!Files.isDirectory(stateDir)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(stateDir)) {
      return files.filter(Files::isRegularFile).mapToLong(file -> {
        try {
          return Files.size(file);
        } catch (IOException gone) {
          return 0; // compaction deleted it meanwhile
        }
      }).sum();
    } catch (IOException | UncheckedIOException e) {
      return Double.NaN;
    }
  }
}
