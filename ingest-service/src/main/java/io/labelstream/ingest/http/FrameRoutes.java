package io.labelstream.ingest.http;

import io.javalin.Javalin;
import io.labelstream.ingest.config.IngestConfig;
import io.labelstream.ingest.kafka.FrameWriter;
import io.labelstream.ingest.kafka.RecentFrames;
import io.labelstream.ingest.metrics.IngestMetrics;

/** The upload endpoints: one frame per request, or a batch; both share the checks and the Idempotency-Keys. */
public final class FrameRoutes {

  private FrameRoutes() {}

  public static void register(Javalin app, IngestConfig config, FrameWriter writer, IngestMetrics metrics) {
    FrameChecks checks = new FrameChecks(config);
    FrameSubmitter submitter = new FrameSubmitter(writer, new RecentFrames(config.idempotencyKeys()));
    Acknowledgements acks = new Acknowledgements(config, metrics);
    app.post("/v1/frames", new FrameUploadHandler(config, checks, submitter, acks, metrics));
    app.post("/v1/frames/batch", new FrameBatchHandler(config, checks, submitter, acks, metrics));
  }
}
