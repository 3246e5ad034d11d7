package io.labelstream.review.http;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.labelstream.platform.http.ApiException;
import io.labelstream.review.auth.Reviewer;
import io.labelstream.review.auth.Role;
import io.labelstream.review.dataset.Datasets;
import io.labelstream.review.dataset.ExportFormat;
import io.labelstream.review.dataset.SnapshotMaker;
import io.labelstream.review.images.FrameImages;
import io.labelstream.schemas.avro.DatasetSnapshot;
import io.labelstream.schemas.avro.PartitionOffset;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.common.KafkaException;
import org.eclipse.jetty.server.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dataset endpoints under {@code /v1/datasets}, for admins only: make a snapshot, list and describe
 * snapshots, export one. Nothing here touches the file system; dataset ids in paths are only looked up among the
 * snapshots on datasets.v1.
 */
public final class DatasetApi {

  private static final Logger LOG = LoggerFactory.getLogger(DatasetApi.class);
  /** Exports at once: each holds a Kafka consumer, and a {@code folders} export some memory per frame. */
  static final int EXPORTS_AT_ONCE = 2;
  private static final int RESPONSE_BUFFER_BYTES = 64 * 1024;

  private final Datasets datasets;
  private final ReentrantLock creating = new ReentrantLock();
  private final Semaphore exporting = new Semaphore(EXPORTS_AT_ONCE);

  public DatasetApi(Datasets datasets) {
    this.datasets = datasets;
  }

  /** Registers the routes; needs the {@code /v1/*} authentication and role check registered first. */
  public void register(Javalin app) {
    app.post("/v1/datasets", this::create, Role.ADMIN);
    app.get("/v1/datasets", this::list, Role.ADMIN);
    app.get("/v1/datasets/{datasetId}", this::describe, Role.ADMIN);
    app.get("/v1/datasets/{datasetId}/export", this::export, Role.ADMIN);
    app.delete("/v1/datasets/{datasetId}", this::delete, Role.ADMIN);
  }

  private void create(Context ctx) {
    Reviewer admin = BearerAuth.reviewer(ctx);
    requireReady();
    if (!creating.tryLock()) {
      throw new ApiException(409, "snapshot_in_progress", "another dataset snapshot is being made; try again when it is done");
    }
    try {
      DatasetSnapshot snapshot = datasets.create(admin.name());
      ctx.status(201).header("Location", "/v1/datasets/" + snapshot.getDatasetId()).json(describe(snapshot));
    } catch (KafkaException e) {
      LOG.error("dataset snapshot for {} failed", admin.name(), e);
      throw e; // HttpService's 503 kafka_unavailable
    } catch (SnapshotMaker.LabelsChangedException e) {
      throw ApiException.unavailable("labels_changing", "labels.v1 was compacted under the snapshot "
          + Datasets.SNAPSHOT_ATTEMPTS + " times in a row; try again", 5);
    } finally {
      creating.unlock();
    }
  }

  private void list(Context ctx) {
    requireReady();
    ctx.json(Map.of("datasets", datasets.list().stream().map(DatasetApi::describe).toList()));
  }

  private void delete(Context ctx) {
    requireReady();
    DatasetSnapshot snapshot = snapshot(ctx);
    try {
      datasets.delete(snapshot.getDatasetId());
    } catch (org.apache.kafka.common.KafkaException e) {
      throw ApiException.kafkaUnavailable("the snapshot could not be deleted: " + e.getMessage());
    }
    ctx.status(204);
  }

  private void describe(Context ctx) {
    requireReady();
    ctx.json(describe(snapshot(ctx)));
  }

  private void export(Context ctx) throws IOException {
    requireReady();
    ExportFormat format = ExportFormat.parse(ctx.queryParam("format")).orElseThrow(() -> new ApiException(400,
        "unknown_format", "format must be jsonl, coco, folders (classification) or yolo (detection)"));
    DatasetSnapshot snapshot = snapshot(ctx);
    if (!format.suits(Datasets.detection(snapshot))) {
      throw new ApiException(400, "format_unsuited", Datasets.detection(snapshot)
          ? "folders sorts frames into one folder per class, and a detection frame holds boxes of many classes: "
              + "export this detection snapshot as yolo, coco or jsonl"
          : "yolo exports boxes, and this is a classification snapshot: export it as folders, coco or jsonl");
    }
    if (!exporting.tryAcquire()) {
      throw ApiException.unavailable("export_busy", EXPORTS_AT_ONCE + " exports are running; try again shortly", 10);
    }
    try (Datasets.Export run = openExport(snapshot, format)) {
      ctx.status(200)
          .contentType(format.contentType())
          .header("Content-Disposition", "attachment; filename=\"" + snapshot.getDatasetId() + "." + format.extension() + "\"");
      // Straight to the response: Javalin gzips on the fly when the client asks for it (it never buffers the
      // whole body; ZIP is not compressed again) and makes no ETag, which would need the whole body.
      CountingOutputStream counted = new CountingOutputStream(ctx.outputStream());
      OutputStream out = new BufferedOutputStream(counted, RESPONSE_BUFFER_BYTES);
      long started = System.nanoTime();
      try {
        run.writeTo(out);
        out.flush();
        LOG.info("dataset {} exported as {}: {} frames, {} bytes in {} ms", snapshot.getDatasetId(),
            format.extension(), snapshot.getTotal(), counted.count(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
      } catch (IOException | RuntimeException e) {
        if (counted.count() == 0) {
          ctx.res().setHeader("Content-Disposition", null);
          throw failed(snapshot, e);
        }
        // Part of the body is out, so an error body would only be appended to the data. Breaking the connection
        // makes the client see a failed download instead of a short file.
        LOG.error("export of dataset {} as {} broke off after {} bytes", snapshot.getDatasetId(), format.extension(),
            counted.count(), e);
        Request.getBaseRequest(ctx.req()).getHttpChannel().abort(e);
      }
    } finally {
      exporting.release();
    }
  }

  private Datasets.Export openExport(DatasetSnapshot snapshot, ExportFormat format) {
    try {
      return datasets.open(snapshot, format);
    } catch (KafkaException e) {
      throw failed(snapshot, e);
    }
  }

  private static ApiException failed(DatasetSnapshot snapshot, Exception e) {
    LOG.error("export of dataset {} failed before any byte was sent", snapshot.getDatasetId(), e);
    if (e instanceof ApiException api) {
      return api;
    }
    if (e instanceof FrameImages.StoreUnavailableException) {
      return StoreErrors.unavailable();
    }
    if (e instanceof KafkaException) {
      return ApiException.kafkaUnavailable("the export could not read Kafka: " + e.getMessage());
    }
    return new ApiException(500, "export_failed", "the export of " + snapshot.getDatasetId() + " failed: " + e.getMessage());
  }

  private DatasetSnapshot snapshot(Context ctx) {
    String id = ctx.pathParam("datasetId");
    return datasets.get(id).orElseThrow(() -> new ApiException(404, "dataset_not_found",
        "no dataset snapshot has the id '" + (id.length() > 80 ? id.substring(0, 80) + "…" : id) + "'"));
  }

  private void requireReady() {
    if (!datasets.ready()) {
      throw ApiException.unavailable("not_ready", "the dataset catalog is still being read from Kafka", 2);
    }
  }

  static Map<String, Object> describe(DatasetSnapshot snapshot) {
    String id = snapshot.getDatasetId();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("id", id);
    body.put("createdAt", snapshot.getCreatedAt());
    body.put("createdBy", snapshot.getCreatedBy());
    body.put("formatVersion", snapshot.getFormatVersion());
    // countsByClass counts frames for classification, boxes for detection; total and countsBySource count frames.
    body.put("task", Datasets.detection(snapshot) ? "detection" : "classification");
    body.put("total", snapshot.getTotal());
    Map<String, Long> byClass = new LinkedHashMap<>();
    for (String name : snapshot.getClasses()) {
      byClass.put(name, snapshot.getCountsByClass().getOrDefault(name, 0L));
    }
    body.put("countsByClass", byClass);
    if (Datasets.detection(snapshot)) {
      body.put("boxes", byClass.values().stream().mapToLong(Long::longValue).sum());
    }
    body.put("countsBySource", new TreeMap<>(snapshot.getCountsBySource()));
    body.put("classes", snapshot.getClasses());
    List<Map<String, Object>> offsets = snapshot.getLabelOffsets().stream()
        .map(DatasetApi::offset).toList();
    body.put("labelOffsets", offsets);
    body.put("contentSha256", snapshot.getContentSha256());
    Map<String, String> exports = new LinkedHashMap<>();
    for (ExportFormat format : ExportFormat.values()) {
      if (!format.suits(Datasets.detection(snapshot))) {
        continue;
      }
      String name = format.name().toLowerCase(Locale.ROOT);
      exports.put(name, "/v1/datasets/" + id + "/export?format=" + name);
    }
    body.put("exports", exports);
    return body;
  }

  private static Map<String, Object> offset(PartitionOffset offset) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("partition", offset.getPartition());
    row.put("offset", offset.getOffset());
    return row;
  }

  /** Counts what reaches the response, to know whether an error can still be answered properly. */
  private static final class CountingOutputStream extends FilterOutputStream {

    private long count;

    CountingOutputStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }

    long count() {
      return count;
    }
  }
}
