package io.labelstream.review.dataset;

import io.javalin.Javalin;
import io.labelstream.platform.kafka.KafkaSettings;
import io.labelstream.review.auth.BearerAuth;
import java.time.Clock;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Dataset snapshots and exports in the review service: the snapshot maker, the exporter and their HTTP endpoints,
 * over the catalog of snapshots that the service's state reader keeps from datasets.v1. The review service starts
 * it, registers its routes, and closes it.
 */
public final class Datasets implements AutoCloseable {

  private final SnapshotMaker maker;
  private final DatasetApi api;
  private final BooleanSupplier catalogReady;

  private Datasets(SnapshotMaker maker, DatasetApi api, BooleanSupplier catalogReady) {
    this.maker = maker;
    this.api = api;
    this.catalogReady = catalogReady;
  }

  /**
   * @param catalog the snapshots, fed by the state reader
   * @param catalogReady true once the state reader has read datasets.v1 up to start-up; the endpoints answer 503
   *     until then
   */
  public static Datasets start(KafkaSettings kafka, List<String> classes, String instanceId, Clock clock, BearerAuth auth,
      DatasetCatalog catalog, BooleanSupplier catalogReady) {
    SnapshotMaker maker = new SnapshotMaker(kafka, classes, instanceId, clock);
    Exporter exporter = new Exporter(new SnapshotReader(kafka, instanceId), new FrameScanner(kafka, instanceId));
    DatasetApi api = new DatasetApi(auth, catalog, maker, exporter, catalogReady);
    return new Datasets(maker, api, catalogReady);
  }

  public void register(Javalin app) {
    api.register(app);
  }

  public boolean ready() {
    return catalogReady.getAsBoolean();
  }

  @Override
  public void close() {
    maker.close();
  }
}
