package io.labelstream.ingest;

import io.labelstream.ingest.config.IngestConfig;
import io.labelstream.ingest.http.FrameRoutes;
import io.labelstream.ingest.kafka.FrameWriter;
import io.labelstream.ingest.metrics.IngestMetrics;
import io.labelstream.ingest.store.ClaimCheck;
import io.labelstream.platform.http.HttpService;
import io.labelstream.platform.kafka.ClientMeters;
import io.labelstream.platform.kafka.KafkaClients;
import io.labelstream.platform.kafka.KafkaHealth;
import io.labelstream.platform.kafka.TopicProvisioner;
import io.labelstream.platform.lifecycle.DaemonThreads;
import io.labelstream.platform.lifecycle.ExecutorStop;
import io.labelstream.platform.lifecycle.GracefulShutdown;
import io.labelstream.platform.lifecycle.StartUp;
import io.labelstream.platform.metrics.Metrics;
import io.labelstream.platform.store.FrameStore;
import io.labelstream.platform.store.MeteredFrameStore;
import io.labelstream.schemas.Topics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest service: fleets post frames over HTTP, it puts their images in the frame store (when one is configured)
 * and writes their records to {@code frames.v1}.
 */
public final class IngestService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(IngestService.class);
  /**
   * Puts in flight at once. A put is mostly waiting (a file's fsync, an S3 round trip), so more threads than cores;
   * what queues behind them is bounded by the in-flight byte budget, not by this number.
   */
  private static final int STORE_THREADS = 64;

  private final FrameWriter writer;
  private final KafkaHealth kafkaHealth;
  private final ClientMeters producerMetrics;
  private final HttpService http;
  private final ExecutorService answerThreads;
  private final Optional<FrameStore> store;
  private final ExecutorService storeThreads;

  private IngestService(FrameWriter writer, KafkaHealth kafkaHealth, ClientMeters producerMetrics, HttpService http,
      ExecutorService answerThreads, Optional<FrameStore> store, ExecutorService storeThreads) {
    this.writer = writer;
    this.store = store;
    this.storeThreads = storeThreads;
    this.answerThreads = answerThreads;
    this.kafkaHealth = kafkaHealth;
    this.producerMetrics = producerMetrics;
    this.http = http;
  }

  public static IngestService start(IngestConfig config) {
    LOG.info("starting ingest with {}", config);
    TopicProvisioner.ensureTopics(config.kafka());
    PrometheusMeterRegistry registry = Metrics.registry("ingest");
    IngestMetrics metrics = new IngestMetrics();
    metrics.bindTo(registry);
    KafkaClients clients = new KafkaClients(config.kafka(), "ingest", null);
    FrameWriter writer = new FrameWriter(config, clients);
    // Measured under wrk: 4 answer threads beat 2.
    ExecutorService answerThreads = Executors.newFixedThreadPool(4, DaemonThreads.named("ingest-answers"));
    // Metered like every service's store (labelstream_frame_store_requests_total, which the store alerts read).
    Optional<FrameStore> store = config.frameStore().open().map(opened -> new MeteredFrameStore(opened, registry));
    ExecutorService storeThreads = Executors.newFixedThreadPool(STORE_THREADS, DaemonThreads.named("ingest-store"));
    Optional<ClaimCheck> claimCheck = store.map(opened -> new ClaimCheck(opened, storeThreads,
        config.frameStore().inlineMaxBytes(), config.storeTimeout(), metrics));
    claimCheck.ifPresentOrElse(
        check -> LOG.info("frames go to the store {} first; records carry the image too up to {} bytes",
            check.location(), config.frameStore().inlineMaxBytes()),
        () -> LOG.warn("FRAME_STORE is not set: images travel inline in {} only and are lost with its retention; "
            + "set FRAME_STORE=file:///a/folder or s3://bucket/prefix to keep them", Topics.FRAMES.name()));
    ClientMeters producerMetrics = ClientMeters.of(writer.producer());
    producerMetrics.bindTo(registry);
    KafkaHealth kafkaHealth = new KafkaHealth(clients);
    HttpService http = HttpService.start("ingest", config.http(),
        Math.max(config.maxBytes(), config.maxBatchBytes()) + 1024 * 1024, registry, kafkaHealth.checks(),
        app -> FrameRoutes.register(app, config, writer, claimCheck, metrics, answerThreads),
        javalin -> FrameRoutes.configure(javalin, config));
    return new IngestService(writer, kafkaHealth, producerMetrics, http, answerThreads, store, storeThreads);
  }

  public int port() {
    return http.port();
  }

  @Override
  public void close() {
    http.close();
    // Puts already started end before the producer closes, so their records can still go out.
    ExecutorStop.afterTasks(storeThreads);
    producerMetrics.close();
    writer.close();
    // Closing the producer ran the last callbacks; let their answers go out.
    ExecutorStop.afterTasks(answerThreads);
    kafkaHealth.close();
    store.ifPresent(FrameStore::close);
  }

  public static void main(String[] args) throws Exception {
    StartUp.run(() -> {
      IngestConfig config = IngestConfig.from(io.labelstream.platform.config.Env.system());
      IngestService service = start(config);
      GracefulShutdown.onSignal("ingest", service, config.http().shutdownGrace());
    });
  }
}
