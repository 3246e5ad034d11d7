package io.labelstream.review.retention;

import io.labelstream.platform.kafka.KafkaSettings;
import io.labelstream.platform.lifecycle.DaemonThreads;
import io.labelstream.platform.store.FrameStore;
import io.labelstream.platform.store.FrameStoreException;
import io.labelstream.platform.store.FrameStoreSettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link StoreCollector} every FRAME_STORE_COLLECT_INTERVAL on the queue leader (one instance collects; any
 * instance may when asked through the admin API, which is as safe: a collection deletes only what nothing needs),
 * and publishes what the last one did.
 */
public final class FrameStoreCollection implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(FrameStoreCollection.class);

  private final StoreCollector collector;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("frame-store-collector"));
  private final AtomicReference<StoreCollector.Report> last = new AtomicReference<>();
  private final Counter deletedObjects;
  private final Counter deletedBytes;
  private final Counter failures;

  private FrameStoreCollection(StoreCollector collector, MeterRegistry registry) {
    this.collector = collector;
    this.deletedObjects = Counter.builder("labelstream_frame_store_collected_objects")
        .description("Stored images the collector deleted because nothing needed them any more")
        .register(registry);
    this.deletedBytes = Counter.builder("labelstream_frame_store_collected_bytes")
        .description("Bytes of the stored images the collector deleted").register(registry);
    this.failures = Counter.builder("labelstream_frame_store_collection_failures")
        .description("Collections that stopped before deleting anything (store or Kafka unavailable)")
        .register(registry);
    Gauge.builder("labelstream_frame_store_objects", last, r -> r.get() == null ? Double.NaN : r.get().listed())
        .description("Stored images at the last collection").register(registry);
    Gauge.builder("labelstream_frame_store_last_collection_seconds", last,
            r -> r.get() == null ? Double.NaN : r.get().at().getEpochSecond())
        .description("When the last collection finished (Unix time)").register(registry);
  }

  /**
   * Starts collecting on the leader, or returns empty when there is no store (nothing to collect).
   *
   * @param isLeader whether this instance is the queue leader with its state caught up
   */
  public static Optional<FrameStoreCollection> start(FrameStoreSettings settings, Optional<FrameStore> store,
      KafkaSettings kafka, String instanceId, BooleanSupplier isLeader, MeterRegistry registry, Clock clock) {
    return store.map(s -> {
      StoreCollector collector = StoreCollector.overKafka(s, new HoldScanner(kafka, instanceId),
          settings.retention(), settings.orphanGrace(), clock);
      FrameStoreCollection collection = new FrameStoreCollection(collector, registry);
      long every = settings.collectInterval().toSeconds();
      collection.timer.scheduleWithFixedDelay(() -> {
        if (isLeader.getAsBoolean()) {
          collection.collectLogged();
        }
      }, every, every, TimeUnit.SECONDS);
      return collection;
    });
  }

  /**
   * Collects now, on the calling thread.
   *
   * @throws FrameStoreException when the store cannot be listed
   * @throws org.apache.kafka.common.KafkaException when Kafka cannot be read
   */
  public StoreCollector.Report collect() throws FrameStoreException {
    try {
      StoreCollector.Report report = collector.collect();
      last.set(report);
      deletedObjects.increment(report.deleted());
      deletedBytes.increment(report.deletedBytes());
      return report;
    } catch (FrameStoreException | RuntimeException e) {
      failures.increment();
      throw e;
    }
  }

  private void collectLogged() {
    try {
      collect();
    } catch (FrameStoreException | RuntimeException e) {
      LOG.warn("frame store collection stopped, nothing deleted; next try in one interval: {}", e.getMessage());
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
