package io.labelstream.review.dataset;

import io.labelstream.platform.kafka.AvroBytes;
import io.labelstream.platform.store.FrameStoreException;
import io.labelstream.review.images.FrameImages;
import io.labelstream.review.images.StoredImage;
import io.labelstream.schemas.avro.DatasetSnapshot;
import io.labelstream.schemas.avro.Frame;
import io.labelstream.schemas.avro.Label;
import java.io.IOException;
import java.io.OutputStream;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a snapshot in one of the {@link ExportFormat}s to a stream, holding one label (or one image) at a time:
 * JSONL and COCO need constant memory whatever the snapshot's size; {@code folders} needs a few bytes per frame
 * (see {@link #folders}).
 */
final class Exporter {

  private static final Logger LOG = LoggerFactory.getLogger(Exporter.class);

  private final SnapshotReader snapshots;
  private final FrameScanner frames;
  private final FrameImages store;

  Exporter(SnapshotReader snapshots, FrameScanner frames, FrameImages store) {
    this.snapshots = snapshots;
    this.frames = frames;
    this.store = store;
  }

  /** Opens what the export reads from; failing here means nothing has been written yet. */
  Run open(DatasetSnapshot snapshot, ExportFormat format) {
    SnapshotReader.Session session = snapshots.open();
    try {
      KafkaConsumer<String, byte[]> frameConsumer = format == ExportFormat.FOLDERS ? frames.open() : null;
      return new Run(snapshot, format, session, frameConsumer);
    } catch (RuntimeException e) {
      session.close();
      throw e;
    }
  }

  /** One export in progress. */
  final class Run implements AutoCloseable {

    private final DatasetSnapshot snapshot;
    private final ExportFormat format;
    private final SnapshotReader.Session session;
    private final KafkaConsumer<String, byte[]> frameConsumer;

    private Run(DatasetSnapshot snapshot, ExportFormat format, SnapshotReader.Session session,
        KafkaConsumer<String, byte[]> frameConsumer) {
      this.snapshot = snapshot;
      this.format = format;
      this.session = session;
      this.frameConsumer = frameConsumer;
    }

    void writeTo(OutputStream out) throws IOException {
      switch (format) {
        case JSONL -> jsonl(out);
        case COCO -> coco(out);
        case FOLDERS -> folders(out);
        default -> throw new IllegalArgumentException("unknown format " + format);
      }
    }

    private void jsonl(OutputStream out) throws IOException {
      JsonlWriter writer = new JsonlWriter(out);
      session.forEach(snapshot, (ordinal, label) -> writer.write(label));
      writer.flush();
    }

    private void coco(OutputStream out) throws IOException {
      CocoWriter writer = new CocoWriter(out);
      writer.begin(snapshot);
      session.forEach(snapshot, (ordinal, label) -> writer.image(ordinal + 1L, label));
      writer.beginAnnotations();
      session.forEach(snapshot, (ordinal, label) -> writer.annotation(ordinal + 1L, label));
      writer.end();
    }

    /**
     * Images come from the frame store, by the reference each label carries (inference and review copy the frame's
     * onto its labels, and the snapshot copied the labels), in snapshot order: whatever frames.v1 still holds. Labels
     * without a reference (written before the store, or with no store configured) are looked up while frames.v1
     * streams past: a table from frameId hash to the frame's position in the snapshot (16 bytes a slot, at most 60%
     * full), its class (4 bytes) and whether its image was written (1 bit), about 36 bytes a frame, with the ZIP's own
     * 270 on top ({@link FoldersZip}); those entries follow frames.v1's order (partition, offset), the first record of
     * a frame wins. The export is the same bytes for as long as the store and frames.v1 keep the same images.
     *
     * <p>What cannot be exported is said, never guessed: missing.txt lists frames whose image is in neither place;
     * refused.txt lists frames whose stored image no longer matches its reference (size or SHA-256), left out rather
     * than written wrong. A store that does not answer fails the export ({@link FrameImages.StoreUnavailableException}: a 503 when
     * nothing was sent yet).
     */
    private void folders(OutputStream out) throws IOException {
      int total = Math.toIntExact(snapshot.getTotal());
      LongLongMap ordinals = new LongLongMap(total);
      int[] classOf = new int[total];
      Map<String, Integer> classIds = new HashMap<>();
      List<String> classes = snapshot.getClasses();
      for (int i = 0; i < classes.size(); i++) {
        classIds.put(classes.get(i), i);
      }
      int[] byReference = {0};
      session.forEach(snapshot, (ordinal, label) -> {
        classOf[ordinal] = classIds.getOrDefault(label.getLabel(), -1);
        if (fromStore(label)) {
          byReference[0]++;
        } else {
          ordinals.put(KeyHash.of(label.getFrameId()), ordinal);
        }
      });
      List<String> folders = ExportNames.classFolders(classes);
      BitSet written = new BitSet(total);
      BitSet refused = new BitSet(total);
      // Not try-with-resources: closing writes the ZIP's central directory, which must not follow a failure (a
      // store that stopped answering) and make a ZIP of what came before look whole, nor count as bytes sent.
      FoldersZip zip = new FoldersZip(out, snapshot.getCreatedAt());
      if (byReference[0] > 0) {
        session.forEach(snapshot, (ordinal, label) -> {
          if (!fromStore(label)) {
            return;
          }
          StoredImage image = StoredImage.of(label.getImageRef());
          byte[] bytes;
          try {
            bytes = store.read(image, label.getFrameId());
          } catch (FrameStoreException e) {
            switch (e.kind()) {
              case MISSING -> { } // listed in missing.txt
              case CORRUPT -> refused.set(ordinal);
              default -> throw FrameImages.unavailable(e);
            }
            return;
          }
          zip.image(folders.get(checkedClass(classOf, ordinal, label.getFrameId())),
              ExportNames.frameFile(label.getFrameId()) + "." + ExportNames.extension(image.contentType()), bytes);
          written.set(ordinal);
        });
      }
      if (byReference[0] < total) {
        frames.forEach(frameConsumer, new FrameScanner.FrameVisitor() {
          @Override
          public boolean wants(String frameId) {
            long ordinal = ordinals.get(KeyHash.of(frameId));
            return ordinal != LongLongMap.ABSENT && !written.get((int) ordinal) && !refused.get((int) ordinal);
          }

          @Override
          public void accept(String frameId, Frame frame) throws IOException {
            int ordinal = (int) ordinals.get(KeyHash.of(frameId));
            byte[] bytes = AvroBytes.copy(frame.getImage());
            if (bytes.length == 0 && frame.getImageRef() != null) {
              // Sent by reference only, for a label that did not copy the reference: never an empty file.
              if (!store.enabled()) {
                return; // listed in missing.txt
              }
              try {
                bytes = store.read(StoredImage.of(frame.getImageRef()), frameId);
              } catch (FrameStoreException e) {
                switch (e.kind()) {
                  case MISSING -> { } // listed in missing.txt
                  case CORRUPT -> refused.set(ordinal);
                  default -> throw FrameImages.unavailable(e);
                }
                return;
              }
            }
            zip.image(folders.get(checkedClass(classOf, ordinal, frameId)),
                ExportNames.frameFile(frameId) + "." + ExportNames.extension(frame.getContentType()), bytes);
            written.set(ordinal);
          }
        });
      }
      if (written.cardinality() + refused.cardinality() < total) {
        zip.beginMissing();
        session.forEach(snapshot, (ordinal, label) -> {
          if (!written.get(ordinal) && !refused.get(ordinal)) {
            zip.missingLine(label.getFrameId());
          }
        });
        zip.endList();
      }
      if (!refused.isEmpty()) {
        zip.beginRefused();
        session.forEach(snapshot, (ordinal, label) -> {
          if (refused.get(ordinal)) {
            String sha256 = label.getImageRef().getSha256();
            zip.refusedLine(label.getFrameId(), "the stored object does not match the size or SHA-256 ("
                + (sha256.matches("[0-9a-f]{64}") ? sha256 : "not a SHA-256") + ") of its reference");
          }
        });
        zip.endList();
        LOG.error("export of dataset {} left out {} images whose stored objects do not match their references "
            + "(listed in {})", snapshot.getDatasetId(), refused.cardinality(), FoldersZip.REFUSED);
      }
      zip.close();
    }

    private boolean fromStore(Label label) {
      return label.getImageRef() != null && store.enabled();
    }

    private static int checkedClass(int[] classOf, int ordinal, String frameId) {
      if (classOf[ordinal] < 0) {
        throw new IllegalStateException("frame " + frameId + " has a label outside the snapshot's classes");
      }
      return classOf[ordinal];
    }

    @Override
    public void close() {
      session.close();
      if (frameConsumer != null) {
        frameConsumer.close();
      }
    }
  }
}
