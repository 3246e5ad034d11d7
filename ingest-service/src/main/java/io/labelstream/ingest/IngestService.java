package io.labelstream.ingest;

import io.labelstream.ingest.config.IngestConfig;
import io.labelstream.ingest.http.FrameRoutes;
import io.labelstream.ingest.kafka.FrameWriter;
import io.labelstream.ingest.metrics.IngestMetrics;
import io.labelstream.platform.http.HttpService;
import io.labelstream.platform.kafka.KafkaHealth;
import io.labelstream.platform.kafka.TopicProvisioner;
import io.labelstream.platform.lifecycle.GracefulShutdown;
import io.labelstream.platform.metrics.Metrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The ingest service: fleets post frames over HTTP, it writes them to {@code frames.v1}. */
public final class IngestService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(IngestService.class);

  private final FrameWriter writer;
  private final KafkaHealth kafkaHealth;
  private final KafkaClientMetrics producerMetrics;
  private final HttpService http;

  private IngestService(FrameWriter writer, KafkaHealth kafkaHealth, KafkaClientMetrics producerMetrics, HttpService http) {
    this.writer = writer;
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
    FrameWriter writer = new FrameWriter(config);
    KafkaClientMetrics producerMetrics = new KafkaClientMetrics(writer.producer());
    producerMetrics.bindTo(registry);
    KafkaHealth kafkaHealth = new KafkaHealth(config.kafka());
    HttpService http = HttpService.start("ingest", config.http(),
        Math.max(config.maxBytes(), config.maxBatchBytes()) + 1024 * 1024, registry, kafkaHealth.checks(),
        app -> FrameRoutes.register(app, config, writer, metrics), javalin -> { });
    return new IngestService(writer, kafkaHealth, producerMetrics, http);
  }

  public int port() {
    return http.port();
  }

  @Override
  public void close() {
    http.close();
    producerMetrics.close();
    writer.close();
    kafkaHealth.close();
  }

  public static void main(String[] args) {
    IngestConfig config = IngestConfig.from(io.labelstream.platform.config.Env.system());
    IngestService service = start(config);
    GracefulShutdown.onSignal("ingest", service, config.http().shutdownGrace());
  }
}
