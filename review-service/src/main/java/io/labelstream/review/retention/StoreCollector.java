package io.labelstream.review.retention;

import io.labelstream.platform.store.FrameStore;
import io.labelstream.platform.store.FrameStore.StoredObject;
import io.labelstream.platform.store.FrameStoreException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the stored images nothing needs any more: neither a frame still in Kafka, an open task, a gold frame, a
 * dataset snapshot, nor a label younger than the retention ({@link HoldScanner}). Orphans (objects whose Kafka record
 * was never written, because Kafka failed after the store write) are deleted the same way, once they are older than
 * the grace period.
 *
 * <p>Why the order is safe: the store is listed <em>before</em> Kafka is read, and only objects older than the grace
 * period are candidates. An image stored after the listing is not a candidate; one stored before it whose record
 * reached Kafka before the read is held; only a record written more than the grace period after its image (a
 * stalled ingest) could be missed, and ingest gives up on a write long before that. An object that is written again
 * (the same bytes uploaded again) gets a new modification time from the store, so it is young again and is checked
 * once more before it is deleted.
 */
public final class StoreCollector {

  private static final Logger LOG = LoggerFactory.getLogger(StoreCollector.class);

  /** What one collection did. */
  public record Report(int listed, int held, int young, int deleted, long deletedBytes, Instant at) {}

  private final FrameStore store;
  private final Supplier<ImageHolds> holds;
  private final Duration grace;
  private final Clock clock;

  StoreCollector(FrameStore store, Supplier<ImageHolds> holds, Duration grace, Clock clock) {
    this.store = store;
    this.holds = holds;
    this.grace = grace;
    this.clock = clock;
  }

  /** A collector that reads what is held from Kafka. */
  public static StoreCollector overKafka(FrameStore store, HoldScanner scanner, Duration retention, Duration grace,
      Clock clock) {
    return new StoreCollector(store, () -> scanner.scan(clock.instant(), retention), grace, clock);
  }

  /**
   * One pass: list, read the holds, delete what is neither held nor young.
   *
   * @throws FrameStoreException when the store cannot be listed (nothing is deleted then)
   * @throws org.apache.kafka.common.KafkaException when Kafka cannot be read to the end (nothing is deleted then)
   */
  public synchronized Report collect() throws FrameStoreException {
    List<StoredObject> objects = new ArrayList<>();
    store.forEach(objects::add);
    ImageHolds held = holds.get();
    Instant now = clock.instant();
    Instant youngSince = now.minus(grace);
    int kept = 0;
    int young = 0;
    int deleted = 0;
    long deletedBytes = 0;
    for (StoredObject object : objects) {
      if (held.needed(object.key(), now)) {
        kept++;
      } else if (object.lastModified().isAfter(youngSince)) {
        young++;
      } else if (stillOld(object.key(), youngSince)) {
        store.delete(object.key());
        deleted++;
        deletedBytes += object.size();
      } else {
        young++; // written again since the listing
      }
    }
    Report report = new Report(objects.size(), kept, young, deleted, deletedBytes, now);
    LOG.info("frame store {}: {} images, {} still needed, {} younger than {}, {} deleted ({} bytes)",
        store.location(), report.listed(), kept, young, grace, deleted, deletedBytes);
    return report;
  }

  /** Checked again just before deleting: the same bytes may have been uploaded again since the listing. */
  private boolean stillOld(String key, Instant youngSince) throws FrameStoreException {
    return store.stat(key).map(now -> !now.lastModified().isAfter(youngSince)).orElse(false);
  }
}
