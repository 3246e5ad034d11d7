package io.labelstream.review.dataset;

import io.labelstream.platform.kafka.KafkaSettings;
import io.labelstream.review.images.FrameImages;
import io.labelstream.schemas.avro.DatasetSnapshot;
import io.labelstream.schemas.avro.ImageRef;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Dataset snapshots and exports in the review service: the snapshot maker and the exporter, over the catalog of
 * snapshots that the service's state reader keeps from datasets.v1. The review service starts it and closes it; its
 * HTTP endpoints ({@code http/DatasetApi}) call it.
 */
public final class Datasets implements AutoCloseable {

  /** Times a snapshot is tried before {@link SnapshotMaker.LabelsChangedException} gives up. */
  public static final int SNAPSHOT_ATTEMPTS = SnapshotMaker.ATTEMPTS;

  /** One export in progress: writes the whole dataset once, then is closed. */
  public interface Export extends AutoCloseable {
    void writeTo(OutputStream out) throws IOException;

    @Override
    void close();
  }

  private final SnapshotMaker maker;
  private final Exporter exporter;
  private final SnapshotReader reader;
  private final DatasetCatalog catalog;
  private final BooleanSupplier catalogReady;

  private Datasets(SnapshotMaker maker, Exporter exporter, SnapshotReader reader, DatasetCatalog catalog,
      BooleanSupplier catalogReady) {
    this.maker = maker;
    this.exporter = exporter;
    this.reader = reader;
    this.catalog = catalog;
    this.catalogReady = catalogReady;
  }

  /**
   * @param detection whether the model is a detector: snapshots made now hold its detection labels
   * @param catalog the snapshots, fed by the state reader
   * @param catalogReady true once the state reader has read datasets.v1 up to start-up; the endpoints answer 503
   *     until then
   */
  public static Datasets start(KafkaSettings kafka, List<String> classes, boolean detection, String instanceId,
      Clock clock, DatasetCatalog catalog, BooleanSupplier catalogReady, FrameImages images) {
    SnapshotMaker maker = new SnapshotMaker(kafka, classes, detection, instanceId, clock);
    SnapshotReader reader = new SnapshotReader(kafka, instanceId);
    Exporter exporter = new Exporter(reader, new FrameScanner(kafka, instanceId), images);
    return new Datasets(maker, exporter, reader, catalog, catalogReady);
  }

  /**
   * Makes a snapshot of the labels now, adds it to the catalog and returns it.
   *
   * @throws SnapshotMaker.LabelsChangedException when labels.v1 was compacted under every attempt
   * @throws org.apache.kafka.common.KafkaException when Kafka failed
   */
  public DatasetSnapshot create(String createdBy) {
    DatasetSnapshot snapshot = maker.create(createdBy);
    catalog.put(snapshot);
    return snapshot;
  }

  /**
   * Deletes a snapshot; its labels stay in labels.v1, and its images are kept only as long as something else needs
   * them.
   *
   * @throws org.apache.kafka.common.KafkaException when Kafka failed
   */
  public void delete(String datasetId) {
    maker.delete(datasetId);
    catalog.remove(datasetId);
  }

  /** Whether a snapshot holds detection labels (boxes) rather than classification labels. */
  public static boolean detection(DatasetSnapshot snapshot) {
    return snapshot.getFormatVersion() == SnapshotMaker.DETECTION_FORMAT_VERSION;
  }

  public List<DatasetSnapshot> list() {
    return catalog.list();
  }

  public Optional<DatasetSnapshot> get(String datasetId) {
    return catalog.get(datasetId);
  }

  /**
   * Opens an export of {@code snapshot} (its consumers are assigned; nothing is read yet).
   *
   * @throws org.apache.kafka.common.KafkaException when Kafka failed
   */
  public Export open(DatasetSnapshot snapshot, ExportFormat format) {
    Exporter.Run run = exporter.open(snapshot, format);
    return new Export() {
      @Override
      public void writeTo(OutputStream out) throws IOException {
        run.writeTo(out);
      }

      @Override
      public void close() {
        run.close();
      }
    };
  }

  /**
   * Calls {@code visitor} with the frame store reference of every label of {@code snapshot} that has one: the images
   * the snapshot needs kept. Reads the snapshot's labels from Kafka, one at a time.
   *
   * @throws org.apache.kafka.common.KafkaException when Kafka failed
   */
  public void forEachImage(DatasetSnapshot snapshot, Consumer<ImageRef> visitor) throws IOException {
    try (SnapshotReader.Session session = reader.open()) {
      session.forEach(snapshot, (ordinal, label) -> {
        if (label.getImageRef() != null) {
          visitor.accept(label.getImageRef());
        }
      });
    }
  }

  public boolean ready() {
    return catalogReady.getAsBoolean();
  }

  @Override
  public void close() {
    maker.close();
  }
}
