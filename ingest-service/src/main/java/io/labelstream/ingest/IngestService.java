package io.labelstream.ingest;

import io.labelstream.ingest.config.IngestConfig;
import io.labelstream.ingest.http.FrameRoutes;
import io.labelstream.ingest.kafka.FrameWriter;
import io.labelstream.ingest.metrics.IngestMetrics;
import io.labelstream.platform.http.HttpService;
import io.labelstream.platform.kafka.ClientMeters;
import io.labelstream.platform.kafka.KafkaClients;
import io.labelstream.platform.kafka.KafkaHealth;
import io.labelstream.platform.kafka.TopicProvisioner;
import io.labelstream.platform.lifecycle.DaemonThreads;
import io.labelstream.platform.lifecycle.GracefulShutdown;
import io.labelstream.platform.lifecycle.StartUp;
import io.labelstream.platform.metrics.Metrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The ingest service: fleets post frames over HTTP, it writes them to {@code frames.v1}. */
public final class IngestService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(IngestService.class);

  private final FrameWriter writer;
  private final KafkaHealth kafkaHealth;
  private final ClientMeters producerMetrics;
  private final HttpService http;
  private final ExecutorService answerThreads;

  private IngestService(FrameWriter writer, KafkaHealth kafkaHealth, ClientMeters producerMetrics, HttpService http,
      ExecutorService answerThreads) {
    this.writer = writer;
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
    ClientMeters producerMetrics = ClientMeters.of(writer.producer());
    producerMetrics.bindTo(registry);
    KafkaHealth kafkaHealth = new KafkaHealth(clients);
    HttpService http = HttpService.start("ingest", config.http(),
        Math.max(config.maxBytes(), config.maxBatchBytes()) + 1024 * 1024, registry, kafkaHealth.checks(),
        app -> FrameRoutes.register(app, config, writer, metrics, answerThreads),
        javalin -> FrameRoutes.configure(javalin, config));
    return new IngestService(writer, kafkaHealth, producerMetrics, http, answerThreads);
  }

  public int port() {
    return http.port();
  }

  @Override
  public void close() {
    http.close();
    producerMetrics.close();
    writer.close();
    // Closing the producer ran the last callbacks; let their answers go out.
    answerThreads.shutdown();
    try {
      answerThreads.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    kafkaHealth.close();
  }

  public static void main(String[] args) throws Exception {
    StartUp.run(() -> {
      IngestConfig config = IngestConfig.from(io.labelstream.platform.config.Env.system());
      IngestService service = start(config);
      GracefulShutdown.onSignal("ingest", service, config.http().shutdownGrace());
    });
  }
}
