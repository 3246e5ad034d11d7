package io.labelstream.review.dataset;

import io.javalin.Javalin;
import io.labelstream.platform.kafka.KafkaSettings;
import io.labelstream.review.auth.BearerAuth;
import java.time.Clock;
import java.util.List;

/**
 * Dataset snapshots and exports in the review service: the catalog of snapshots on datasets.v1, the snapshot
 * maker, the exporter and their HTTP endpoints. The review service starts it, registers its routes, and closes it.
 */
public final class Datasets implements AutoCloseable {

  private final DatasetCatalog catalog;
  private final Thread catalogThread;
  private final SnapshotMaker maker;
  private final DatasetApi api;

  private Datasets(DatasetCatalog catalog, Thread catalogThread, SnapshotMaker maker, DatasetApi api) {
    this.catalog = catalog;
    this.catalogThread = catalogThread;
    this.maker = maker;
    this.api = api;
  }

  /** Starts reading datasets.v1; the endpoints answer 503 until it has caught up. */
  public static Datasets start(KafkaSettings kafka, List<String> classes, String instanceId, Clock clock, BearerAuth auth) {
    DatasetCatalog catalog = new DatasetCatalog(kafka, instanceId);
    Thread catalogThread = new Thread(catalog, "review-datasets");
    catalogThread.start();
    SnapshotMaker maker = new SnapshotMaker(kafka, classes, instanceId, clock);
    Exporter exporter = new Exporter(new SnapshotReader(kafka, instanceId), new FrameScanner(kafka, instanceId));
    DatasetApi api = new DatasetApi(auth, catalog, maker, exporter, catalog::caughtUp);
    return new Datasets(catalog, catalogThread, maker, api);
  }

  public void register(Javalin app) {
    api.register(app);
  }

  public boolean ready() {
    return catalog.caughtUp();
  }

  @Override
  public void close() {
    catalog.close();
    try {
      catalogThread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    maker.close();
  }
}
