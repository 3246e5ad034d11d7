package io.labelstream.review.http;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.labelstream.platform.http.ApiException;
import io.labelstream.platform.store.FrameStoreException;
import io.labelstream.review.auth.Role;
import io.labelstream.review.retention.FrameStoreCollection;
import io.labelstream.review.retention.StoreCollector;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** {@code POST /v1/admin/frame-store/collect}: deletes the stored images nothing needs, now, and says what it did. */
public final class FrameStoreApi {

  private final Optional<FrameStoreCollection> collection;

  public FrameStoreApi(Optional<FrameStoreCollection> collection) {
    this.collection = collection;
  }

  public void register(Javalin app) {
    app.post("/v1/admin/frame-store/collect", this::collect, Role.ADMIN);
  }

  private void collect(Context ctx) {
    FrameStoreCollection running = collection.orElseThrow(() -> new ApiException(409, "no_frame_store",
        "no frame store is configured (FRAME_STORE): images travel inline and leave with Kafka's retention"));
    StoreCollector.Report report;
    try {
      report = running.collect();
    } catch (FrameStoreException e) {
      ctx.header("Retry-After", "60");
      throw new ApiException(503, "frame_store_unavailable", e.getMessage());
    } catch (org.apache.kafka.common.KafkaException e) {
      ctx.header("Retry-After", "60");
      throw new ApiException(503, "kafka_unavailable", "Kafka could not be read to the end, nothing was deleted: "
          + e.getMessage());
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("objects", report.listed());
    body.put("needed", report.held());
    body.put("young", report.young());
    body.put("deleted", report.deleted());
    body.put("deletedBytes", report.deletedBytes());
    body.put("at", report.at().toString());
    ctx.json(body);
  }
}
