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
import java.util.function.Function;
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
    if (!format.suits(Datasets.detection(snapshot))) {
      throw new IllegalArgumentException(format + " does not suit snapshot " + snapshot.getDatasetId());
    }
    SnapshotReader.Session session = snapshots.open();
    try {
      boolean images = format == ExportFormat.FOLDERS || format == ExportFormat.YOLO;
      KafkaConsumer<String, byte[]> frameConsumer = images ? frames.open() : null;
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
        case COCO -> coco(Datasets.detection(snapshot) ? new CocoDetectionWriter(out) : new CocoWriter(out));
        case FOLDERS -> folders(out);
        case YOLO -> yolo(out);
        default -> throw new IllegalArgumentException("unknown format " + format);
      }
    }

    private void jsonl(OutputStream out) throws IOException {
      JsonlWriter writer = new JsonlWriter(out);
      session.forEach(snapshot, (ordinal, label) -> writer.write(label));
      writer.flush();
    }

    /** Two passes over the snapshot: images first, then annotations, each numbered by its label's place (1-based). */
    private void coco(CocoSections writer) throws IOException {
      writer.begin(snapshot);
      session.forEach(snapshot, (ordinal, label) -> writer.image(ordinal + 1L, label));
      writer.beginAnnotations();
      session.forEach(snapshot, (ordinal, label) -> writer.annotations(ordinal + 1L, label));
      writer.end();
    }

    /** The classes' folders, each frame's image in its class's folder; see {@link #images} for where images come from. */
    private void folders(OutputStream out) throws IOException {
      Map<String, Integer> classIds = classIds();
      List<String> folders = ExportNames.classFolders(snapshot.getClasses());
      // Not try-with-resources: closing writes the ZIP's central directory, which must not follow a failure (a
      // store that stopped answering) and make a ZIP of what came before look whole, nor count as bytes sent.
      FoldersZip zip = new FoldersZip(out, snapshot.getCreatedAt());
      List<String> prefixes = folders.stream().map(f -> f + "/").toList(); // one string per class, not per frame
      images(zip, label -> prefixes.get(checkedClass(classIds, label)));
      zip.close();
    }

    /**
     * Ultralytics' YOLO layout: {@code data.yaml}, then {@code labels/<frame>.txt} for every frame in snapshot order
     * (its boxes, normalised by the label's frame size), then {@code images/<frame>.<jpg|png>} as {@link #images}
     * finds them. A label without its frame's size cannot be normalised: refused.txt says so and it has no txt.
     */
    private void yolo(OutputStream out) throws IOException {
      Map<String, Integer> classIds = classIds();
      FoldersZip zip = new FoldersZip(out, snapshot.getCreatedAt());
      zip.text(YoloLabels.DATA_YAML, YoloLabels.dataYaml(snapshot));
      BitSet unsized = new BitSet(Math.toIntExact(snapshot.getTotal()));
      session.forEach(snapshot, (ordinal, label) -> {
        if (label.getWidth() == null || label.getHeight() == null || label.getWidth() <= 0 || label.getHeight() <= 0) {
          unsized.set(ordinal);
          return;
        }
        zip.text("labels/" + ExportNames.frameFile(label.getFrameId()) + ".txt",
            YoloLabels.lines(label.getBoxes(), label.getWidth(), label.getHeight(), box -> {
              Integer id = classIds.get(box.getLabel());
              if (id == null) {
                throw new IllegalStateException("box class '" + box.getLabel() + "' of frame " + label.getFrameId()
                    + " is not among the snapshot's classes");
              }
              return id;
            }));
      });
      images(zip, label -> "images/", unsized, "the label has no frame width and height, so its boxes cannot be "
          + "normalised");
      zip.close();
    }

    private Map<String, Integer> classIds() {
      Map<String, Integer> classIds = new HashMap<>();
      List<String> classes = snapshot.getClasses();
      for (int i = 0; i < classes.size(); i++) {
        classIds.put(classes.get(i), i);
      }
      return classIds;
    }

    private void images(FoldersZip zip, Function<Label, String> folder) throws IOException {
      images(zip, folder, new BitSet(), null);
    }

    /**
     * Writes the image of every frame to {@code <folder(label)><frame>.<png|jpg>}, except those in
     * {@code refusedBefore}, which refused.txt lists with {@code refusedReason}.
     *
     * <p>Images come from the frame store, by the reference each label carries (inference and review copy the frame's
     * onto its labels, and the snapshot copied the labels), in snapshot order: whatever frames.v1 still holds. Labels
     * without a reference (written before the store, or with no store configured) are looked up while frames.v1
     * streams past: a table from frameId hash to the frame's position in the snapshot (16 bytes a slot, at most 60%
     * full), its folder (a reference to one shared string per class: 4 bytes with compressed pointers) and whether its
     * image was written (1 bit), about 36 bytes a frame, with the ZIP's own 270 on top ({@link FoldersZip}); those entries follow frames.v1's order (partition, offset), the first record of
     * a frame wins. The export is the same bytes for as long as the store and frames.v1 keep the same images.
     *
     * <p>What cannot be exported is said, never guessed: missing.txt lists frames whose image is in neither place;
     * refused.txt lists frames whose stored image no longer matches its reference (size or SHA-256), left out rather
     * than written wrong. A store that does not answer fails the export ({@link FrameImages.StoreUnavailableException}: a 503 when
     * nothing was sent yet).
     */
    private void images(FoldersZip zip, Function<Label, String> folder, BitSet refusedBefore, String refusedReason)
        throws IOException {
      int total = Math.toIntExact(snapshot.getTotal());
      LongLongMap ordinals = new LongLongMap(total);
      String[] folderOf = new String[total];
      int[] byReference = {0};
      session.forEach(snapshot, (ordinal, label) -> {
        folderOf[ordinal] = folder.apply(label);
        if (fromStore(label)) {
          byReference[0]++;
        } else {
          ordinals.put(KeyHash.of(label.getFrameId()), ordinal);
        }
      });
      BitSet written = new BitSet(total);
      BitSet refused = new BitSet(total);
      if (byReference[0] > 0) {
        session.forEach(snapshot, (ordinal, label) -> {
          if (!fromStore(label) || refusedBefore.get(ordinal)) {
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
          zip.image(folderOf[ordinal]
              + ExportNames.frameFile(label.getFrameId()) + "." + ExportNames.extension(image.contentType()), bytes);
          written.set(ordinal);
        });
      }
      if (byReference[0] < total) {
        frames.forEach(frameConsumer, new FrameScanner.FrameVisitor() {
          @Override
          public boolean wants(String frameId) {
            long ordinal = ordinals.get(KeyHash.of(frameId));
            return ordinal != LongLongMap.ABSENT && !written.get((int) ordinal) && !refused.get((int) ordinal)
                && !refusedBefore.get((int) ordinal);
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
            zip.image(folderOf[ordinal]
                + ExportNames.frameFile(frameId) + "." + ExportNames.extension(frame.getContentType()), bytes);
            written.set(ordinal);
          }
        });
      }
      if (written.cardinality() + refused.cardinality() + refusedBefore.cardinality() < total) {
        zip.beginMissing();
        session.forEach(snapshot, (ordinal, label) -> {
          if (!written.get(ordinal) && !refused.get(ordinal) && !refusedBefore.get(ordinal)) {
            zip.missingLine(label.getFrameId());
          }
        });
        zip.endList();
      }
      if (!refused.isEmpty() || !refusedBefore.isEmpty()) {
        zip.beginRefused();
        session.forEach(snapshot, (ordinal, label) -> {
          if (refusedBefore.get(ordinal)) {
            zip.refusedLine(label.getFrameId(), refusedReason);
          } else if (refused.get(ordinal)) {
            String sha256 = label.getImageRef().getSha256();
            zip.refusedLine(label.getFrameId(), "the stored object does not match the size or SHA-256 ("
                + (sha256.matches("[0-9a-f]{64}") ? sha256 : "not a SHA-256") + ") of its reference");
          }
        });
        zip.endList();
        if (!refused.isEmpty()) {
          LOG.error("export of dataset {} left out {} images whose stored objects do not match their references "
              + "(listed in {})", snapshot.getDatasetId(), refused.cardinality(), FoldersZip.REFUSED);
        }
      }
    }

    private boolean fromStore(Label label) {
      return label.getImageRef() != null && store.enabled();
    }

    private static int checkedClass(Map<String, Integer> classIds, Label label) {
      Integer id = classIds.get(label.getLabel());
      if (id == null) {
        throw new IllegalStateException("frame " + label.getFrameId() + " has a label outside the snapshot's classes");
      }
      return id;
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
