package io.labelstream.ingest.http;

import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.labelstream.ingest.config.IngestConfig;
import io.labelstream.ingest.kafka.FrameWriter;
import io.labelstream.ingest.kafka.RecentFrames;
import io.labelstream.ingest.metrics.IngestMetrics;
import io.labelstream.ingest.store.ClaimCheck;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * The upload endpoints: one frame per request, or a batch; both need a sender's bearer token and share the checks,
 * the senders' rates and the Idempotency-Keys.
 */
public final class FrameRoutes {

  private FrameRoutes() {}

  /**
   * The server settings the upload endpoints rely on. Jetty stops parsing a multipart body after its form-key limit
   * (1000 parts unless told otherwise) whatever INGEST_MAX_BATCH_FRAMES says: set to the batch limit, it parses no
   * more parts than a batch may hold and {@link FrameBatchHandler} answers the refusal as {@code too_many_frames}.
   */
  public static void configure(JavalinConfig javalin, IngestConfig config) {
    javalin.jetty.modifyServletContextHandler(context -> context.setMaxFormKeys(config.maxBatchFrames()));
  }

  /**
   * @param claimCheck puts images in the frame store before their records go to Kafka; empty: images travel inline
   * @param answerThreads where the answers are written once Kafka acknowledged (not on the producer's thread)
   */
  public static void register(Javalin app, IngestConfig config, FrameWriter writer, Optional<ClaimCheck> claimCheck,
      IngestMetrics metrics, Executor answerThreads) {
    // As much room for bodies being read as for frames waiting to be written: together they bound the heap.
    BodyBudget bodies = new BodyBudget(config.maxInFlightBytes());
    metrics.bodiesBeingRead(bodies::taken);
    FrameIntake intake = new FrameIntake(config, new SenderGate(config), bodies,
        new FrameChecks(config),
        new FrameSubmitter(writer, new RecentFrames(config.idempotencyKeys()), claimCheck),
        new Acknowledgements(config, metrics, answerThreads), metrics);
    app.post("/v1/frames", new FrameUploadHandler(intake));
    app.post("/v1/frames/batch", new FrameBatchHandler(intake));
  }
}
