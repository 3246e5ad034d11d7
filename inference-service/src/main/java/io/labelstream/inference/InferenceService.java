package io.labelstream.inference;

import io.labelstream.inference.config.InferenceConfig;
import io.labelstream.inference.metrics.InferenceMetrics;
import io.labelstream.inference.model.OnnxModel;
import io.labelstream.inference.worker.InferenceWorker;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.http.HttpService;
import io.labelstream.platform.http.ReadinessCheck;
import io.labelstream.platform.kafka.KafkaHealth;
import io.labelstream.platform.kafka.TopicProvisioner;
import io.labelstream.platform.metrics.Metrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The inference service: one worker thread in the inference consumer group, plus health and metrics over HTTP. */
public final class InferenceService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(InferenceService.class);

  private final OnnxModel model;
  private final InferenceWorker worker;
  private final Thread workerThread;
  private final KafkaHealth kafkaHealth;
  private final List<KafkaClientMetrics> clientMetrics;
  private final HttpService http;

  private InferenceService(OnnxModel model, InferenceWorker worker, Thread workerThread, KafkaHealth kafkaHealth,
      List<KafkaClientMetrics> clientMetrics, HttpService http) {
    this.model = model;
    this.worker = worker;
    this.workerThread = workerThread;
    this.kafkaHealth = kafkaHealth;
    this.clientMetrics = clientMetrics;
    this.http = http;
  }

  public static InferenceService start(InferenceConfig config) {
    LOG.info("starting inference with {}", config);
    TopicProvisioner.ensureTopics(config.kafka());
    OnnxModel model;
    try {
      model = OnnxModel.load(config.modelPath(), config.intraOpThreads());
    } catch (Exception e) {
      throw new IllegalStateException("cannot load the model " + config.modelPath().map(Object::toString).orElse("(bundled)")
          + ": " + e.getMessage(), e);
    }
    PrometheusMeterRegistry registry = Metrics.registry("inference");
    InferenceMetrics metrics = new InferenceMetrics();
    metrics.bindTo(registry);
    InferenceWorker worker = new InferenceWorker(config, model, metrics);
    List<KafkaClientMetrics> clientMetrics = List.of(new KafkaClientMetrics(worker.consumer()), new KafkaClientMetrics(worker.producer()));
    clientMetrics.forEach(m -> m.bindTo(registry));
    Thread thread = new Thread(worker, "inference-worker-" + config.instanceId());
    thread.start();
    KafkaHealth kafkaHealth = new KafkaHealth(config.kafka());
    HttpService http = HttpService.start("inference", config.http().host(), config.http().port(), 1024 * 1024, registry,
        List.of(kafkaHealth, ReadinessCheck.of("model", () -> true), ReadinessCheck.of("worker", thread::isAlive)),
        app -> app.get("/v1/model", ctx -> ctx.json(model.card())), javalin -> { });
    return new InferenceService(model, worker, thread, kafkaHealth, clientMetrics, http);
  }

  public int port() {
    return http.port();
  }

  public boolean assigned() {
    return worker.assigned();
  }

  @Override
  public void close() {
    http.close();
    worker.close();
    try {
      workerThread.join();
      model.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.warn("closing the model failed: {}", e.toString());
    }
    clientMetrics.forEach(KafkaClientMetrics::close);
    kafkaHealth.close();
  }

  public static void main(String[] args) {
    InferenceService service = start(InferenceConfig.from(Env.system()));
    Runtime.getRuntime().addShutdownHook(new Thread(service::close, "inference-shutdown"));
  }
}
