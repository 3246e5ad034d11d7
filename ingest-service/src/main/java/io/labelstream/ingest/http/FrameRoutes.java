package io.labelstream.ingest.http;

import io.javalin.Javalin;
import io.labelstream.ingest.config.IngestConfig;
import io.labelstream.ingest.kafka.FrameWriter;
import io.labelstream.ingest.kafka.RecentFrames;
import io.labelstream.ingest.metrics.IngestMetrics;
import java.util.concurrent.Executor;

/**
 * The upload endpoints: one frame per request, or a batch; both need a sender's bearer token and share the checks,
 * the senders' rates and the Idempotency-Keys.
 */
public final class FrameRoutes {

  private FrameRoutes() {}

  /** @param answerThreads where the answers are written once Kafka acknowledged (not on the producer's thread) */
  public static void register(Javalin app, IngestConfig config, FrameWriter writer, IngestMetrics metrics,
      Executor answerThreads) {
    FrameIntake intake = new FrameIntake(config, new SenderGate(config), new FrameChecks(config),
        new FrameSubmitter(writer, new RecentFrames(config.idempotencyKeys())),
        new Acknowledgements(config, metrics, answerThreads), metrics);
    app.post("/v1/frames", new FrameUploadHandler(intake));
    app.post("/v1/frames/batch", new FrameBatchHandler(intake));
  }
}
