package io.labelstream.review.dataset;

import io.labelstream.platform.kafka.AvroBytes;
import io.labelstream.schemas.avro.DatasetSnapshot;
import io.labelstream.schemas.avro.Frame;
import java.io.IOException;
import java.io.OutputStream;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * Writes a snapshot in one of the {@link ExportFormat}s to a stream, holding one label (or one image) at a time:
 * JSONL and COCO need constant memory whatever the snapshot's size; {@code folders} needs a few bytes per frame
 * (see {@link #folders}).
 */
final class Exporter {

  private final SnapshotReader snapshots;
  private final FrameScanner frames;

  Exporter(SnapshotReader snapshots, FrameScanner frames) {
    this.snapshots = snapshots;
    this.frames = frames;
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
     * The snapshot's frames are looked up while frames.v1 streams past: a table from frameId hash to the frame's
     * position in the snapshot (16 bytes a slot, at most 60% full), its class (4 bytes) and whether its image was
     * written (1 bit), about 36 bytes a frame, with the ZIP's own 270 on top ({@link FoldersZip}). Entries follow
     * frames.v1's order (partition, offset), the first record of a frame wins, and the export is the same bytes for
     * as long as frames.v1 keeps the same frames; frames it no longer holds (retention) are listed in missing.txt.
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
      session.forEach(snapshot, (ordinal, label) -> {
        ordinals.put(KeyHash.of(label.getFrameId()), ordinal);
        classOf[ordinal] = classIds.getOrDefault(label.getLabel(), -1);
      });
      List<String> folders = ExportNames.classFolders(classes);
      BitSet written = new BitSet(total);
      try (FoldersZip zip = new FoldersZip(out, snapshot.getCreatedAt())) {
        frames.forEach(frameConsumer, new FrameScanner.FrameVisitor() {
          @Override
          public boolean wants(String frameId) {
            long ordinal = ordinals.get(KeyHash.of(frameId));
            return ordinal != LongLongMap.ABSENT && !written.get((int) ordinal);
          }

          @Override
          public void accept(String frameId, Frame frame) throws IOException {
            int ordinal = (int) ordinals.get(KeyHash.of(frameId));
            if (classOf[ordinal] < 0) {
              throw new IllegalStateException("frame " + frameId + " has a label outside the snapshot's classes");
            }
            zip.image(folders.get(classOf[ordinal]),
                ExportNames.frameFile(frameId) + "." + ExportNames.extension(frame.getContentType()),
                AvroBytes.copy(frame.getImage()));
            written.set(ordinal);
          }
        });
        if (written.cardinality() < total) {
          zip.beginMissing();
          session.forEach(snapshot, (ordinal, label) -> {
            if (!written.get(ordinal)) {
              zip.missingLine(label.getFrameId());
            }
          });
          zip.endMissing();
        }
      }
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
