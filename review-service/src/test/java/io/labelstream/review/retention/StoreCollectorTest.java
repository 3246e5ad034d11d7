package io.labelstream.review.retention;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelstream.platform.store.FileFrameStore;
import io.labelstream.schemas.avro.ImageRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The collector's decision, on a real filesystem store, with what Kafka holds given directly. */
class StoreCollectorTest {

  private static final Duration RETENTION = Duration.ofDays(30);
  private static final Duration GRACE = Duration.ofHours(1);

  @TempDir
  Path root;

  private final Instant now = Instant.now();
  private final Clock clock = Clock.fixed(now, ZoneOffset.UTC);

  @Test
  void shouldDeleteOnlyOldImagesNothingHolds() throws Exception {
    FileFrameStore store = new FileFrameStore(root);
    ImageRef held = aged(store, 1, Duration.ofDays(400));
    ImageRef labelledRecently = aged(store, 2, Duration.ofDays(400));
    ImageRef labelledLongAgo = aged(store, 3, Duration.ofDays(400));
    ImageRef orphan = aged(store, 4, Duration.ofHours(2));
    ImageRef youngOrphan = aged(store, 5, Duration.ofMinutes(5));
    ImageHolds holds = new ImageHolds();
    holds.hold(held, Instant.MAX, "dataset ds-1");
    holds.hold(labelledRecently, now.minus(Duration.ofDays(29)).plus(RETENTION), "label");
    holds.hold(labelledLongAgo, now.minus(Duration.ofDays(31)).plus(RETENTION), "label");

    StoreCollector.Report report = new StoreCollector(store, () -> holds, GRACE, clock).collect();

    assertThat(report.listed()).isEqualTo(5);
    assertThat(report.held()).isEqualTo(2);
    assertThat(report.young()).isEqualTo(1);
    assertThat(report.deleted()).isEqualTo(2);
    assertThat(report.deletedBytes()).isEqualTo(2);
    assertThat(store.stat(held.getKey())).isPresent();
    assertThat(store.stat(labelledRecently.getKey())).isPresent();
    assertThat(store.stat(youngOrphan.getKey())).isPresent();
    assertThat(store.stat(labelledLongAgo.getKey())).isEmpty();
    assertThat(store.stat(orphan.getKey())).isEmpty();
  }

  @Test
  void shouldKeepAnImageUploadedAgainWhileTheCollectionRan() throws Exception {
    FileFrameStore store = new FileFrameStore(root);
    ImageRef ref = aged(store, 7, Duration.ofDays(2));
    // Kafka is read after the listing: the same bytes arrive again in between, and their record is not read yet.
    StoreCollector collector = new StoreCollector(store, () -> {
      try {
        store.put(new byte[] {7}, "image/png");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      return new ImageHolds();
    }, GRACE, Clock.systemUTC());

    StoreCollector.Report report = collector.collect();

    assertThat(report.deleted()).isZero();
    assertThat(store.get(ref)).containsExactly(7);
  }

  /** One byte stored, its file made {@code age} old. */
  private ImageRef aged(FileFrameStore store, int value, Duration age) throws Exception {
    ImageRef ref = store.put(new byte[] {(byte) value}, "image/png");
    Files.setLastModifiedTime(root.resolve(ref.getKey()), FileTime.from(now.minus(age)));
    return ref;
  }
}
