package io.labelstream.inference;

import static io.labelstream.platform.config.SharedVariables.LABELSTREAM_MODEL_DIR;

import io.labelstream.inference.config.InferenceConfig;
import io.labelstream.inference.image.FrameDecoder;
import io.labelstream.inference.metrics.InferenceMetrics;
import io.labelstream.inference.model.ModelCardException;
import io.labelstream.inference.model.OnnxModel;
import io.labelstream.inference.routing.PolicyFollower;
import io.labelstream.inference.routing.RoutingPolicy;
import io.labelstream.inference.store.FrameImages;
import io.labelstream.inference.worker.InferenceWorker;
import io.labelstream.platform.config.ConfigException;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.http.HttpService;
import io.labelstream.platform.http.LivenessCheck;
import io.labelstream.platform.http.ReadinessCheck;
import io.labelstream.platform.kafka.ClientMeters;
import io.labelstream.platform.kafka.KafkaClients;
import io.labelstream.platform.kafka.KafkaHealth;
import io.labelstream.platform.kafka.TopicProvisioner;
import io.labelstream.platform.lifecycle.GracefulShutdown;
import io.labelstream.platform.lifecycle.StartUp;
import io.labelstream.platform.metrics.Metrics;
import io.labelstream.platform.store.FrameStore;
import io.labelstream.platform.store.MeteredFrameStore;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The inference service: one worker thread in the inference consumer group, plus health and metrics over HTTP. */
public final class InferenceService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(InferenceService.class);

  private final OnnxModel model;
  private final InferenceWorker worker;
  private final Thread workerThread;
  private final PolicyFollower follower;
  private final KafkaHealth kafkaHealth;
  private final List<ClientMeters> clientMetrics;
  private final HttpService http;
  private final Optional<FrameStore> store;

  private InferenceService(OnnxModel model, InferenceWorker worker, Thread workerThread, PolicyFollower follower,
      KafkaHealth kafkaHealth, List<ClientMeters> clientMetrics, HttpService http, Optional<FrameStore> store) {
    this.model = model;
    this.worker = worker;
    this.workerThread = workerThread;
    this.follower = follower;
    this.kafkaHealth = kafkaHealth;
    this.clientMetrics = clientMetrics;
    this.http = http;
    this.store = store;
  }

  public static InferenceService start(InferenceConfig config) {
    LOG.info("starting inference with {}", config);
    // The model first: a card that does not fit its graph must stop the worker before it touches Kafka.
    OnnxModel model = loadModel(config);
    byte[] cardJson = cardJson(config);
    try {
      TopicProvisioner.ensureTopics(config.kafka());
    } catch (RuntimeException e) {
      closeQuietly(model);
      throw e;
    }
    PrometheusMeterRegistry registry = Metrics.registry("inference");
    InferenceMetrics metrics = new InferenceMetrics();
    metrics.bindTo(registry);
    metrics.jpegDecoder(FrameDecoder.jpegDecoder());
    // One threshold per class, or for a detection model one for the frame score.
    int thresholds = model.card().policySize();
    PolicyFollower follower = config.fixedThreshold().isPresent() ? null
        : new PolicyFollower(config.kafka(), config.instanceId(), model.card());
    Supplier<RoutingPolicy> policy = follower == null
        ? fixedPolicy(RoutingPolicy.fixed(config.fixedThreshold().get(), thresholds)) : follower::current;
    Optional<FrameStore> store = openStore(config, model)
        .map(opened -> (FrameStore) new MeteredFrameStore(opened, registry));
    FrameImages images = new FrameImages(store);
    if (images.configured()) {
      metrics.frameStore(images::available);
    }
    InferenceWorker worker = new InferenceWorker(config, model, metrics, policy, images);
    List<ClientMeters> clientMetrics = List.of(ClientMeters.of(worker.consumer()), worker.producerMeters());
    clientMetrics.forEach(m -> m.bindTo(registry));
    if (follower != null) {
      new Thread(follower, "inference-policy-" + config.instanceId()).start();
    }
    Thread thread = new Thread(() -> {
      awaitFirstPolicy(follower, config);
      worker.run();
    }, "inference-worker-" + config.instanceId());
    thread.start();
    KafkaHealth kafkaHealth = new KafkaHealth(new KafkaClients(config.kafka(), "inference", config.instanceId()));
    HttpService http = HttpService.start("inference", config.http(), 1024 * 1024, registry,
        // "model" holds by construction: start-up fails before HTTP starts when the model cannot be loaded.
        kafkaHealth.checksWith(ReadinessCheck.of("model", () -> true), ReadinessCheck.of("worker", thread::isAlive),
            ReadinessCheck.of("policy", () -> follower == null || follower.hasPolicy()),
            ReadinessCheck.of("frame-store", images::available)),
        List.of(LivenessCheck.thread("worker", thread)),
        app -> {
          // The card as its author wrote it, in the card's own field names and spellings.
          app.get("/v1/model", ctx -> ctx.contentType("application/json").result(cardJson));
          app.get("/v1/policy", ctx -> ctx.json(PolicyView.of(policy.get())));
        }, javalin -> { });
    return new InferenceService(model, worker, thread, follower, kafkaHealth, clientMetrics, http, store);
  }

  /**
   * What {@code GET /v1/policy} shows: where the thresholds come from, the common thresholds and audit-rate floor, and
   * the cameras routed on thresholds of their own, and the cameras whose frames outside their usual inputs go to
   * people.
   */
  record PolicyView(String source, double[] thresholds, double auditRate, List<CameraView> cameras,
      List<UsualView> usualInputs) {

    record CameraView(String deviceId, String cameraId, double[] thresholds, double auditRate) {}

    record UsualView(String deviceId, String cameraId, double[] low, double[] high) {}

    static PolicyView of(RoutingPolicy policy) {
      return new PolicyView(policy.source(), policy.thresholds(), policy.common().auditRate(),
          policy.cameras().entrySet().stream().map(e -> new CameraView(e.getKey().deviceId(), e.getKey().cameraId(),
              e.getValue().thresholds(), e.getValue().auditRate())).toList(),
          policy.usual().entrySet().stream().map(e -> new UsualView(e.getKey().deviceId(), e.getKey().cameraId(),
              e.getValue().low(), e.getValue().high())).toList());
    }
  }

  private static Optional<FrameStore> openStore(InferenceConfig config, OnnxModel model) {
    try {
      Optional<FrameStore> store = config.frameStore().open();
      if (store.isPresent()) {
        LOG.info("frame store {}: frames by reference are read from it, frames that come inline only are put in it",
            store.get().location());
      } else {
        LOG.warn("no frame store (FRAME_STORE is unset): only frames with inline images can be labelled, frames by "
            + "reference only are dead-lettered (no_frame_store), and labels carry no image reference");
      }
      return store;
    } catch (RuntimeException e) {
      closeQuietly(model);
      throw e;
    }
  }

  /**
   * Loads the model and checks its card against its graph. A card that cannot be used is a configuration error (one
   * line naming the card field, exit code 2), like an invalid variable: the operator fixes the card, not the code.
   */
  private static byte[] cardJson(InferenceConfig config) {
    try {
      return config.model().card();
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot read the card of the model " + config.model() + ": " + e.getMessage(), e);
    }
  }

  private static OnnxModel loadModel(InferenceConfig config) {
    try {
      return OnnxModel.load(config.model(), config.session());
    } catch (ConfigException e) {
      throw e;
    } catch (ModelCardException e) {
      throw new ConfigException(LABELSTREAM_MODEL_DIR.name() + "=" + config.model() + " is invalid: "
          + e.getMessage(), e);
    } catch (Exception e) {
      throw new IllegalStateException("cannot load the model " + config.model() + ": " + e.getMessage(), e);
    }
  }

  private static void closeQuietly(OnnxModel model) {
    try {
      model.close();
    } catch (Exception e) {
      LOG.warn("closing the model failed: {}", e.toString());
    }
  }

  private static Supplier<RoutingPolicy> fixedPolicy(RoutingPolicy fixed) {
    LOG.info("routing with a fixed threshold (INFERENCE_ROUTING_THRESHOLD): {}", fixed);
    return () -> fixed;
  }

  /** A new worker waits briefly for the published policy; without one it routes every frame to people. */
  private static void awaitFirstPolicy(PolicyFollower follower, InferenceConfig config) {
    if (follower == null) {
      return;
    }
    try {
      if (!follower.awaitFirst(config.policyWait())) {
        LOG.warn("no routing policy for this model on policy.v1 after {} s: every frame goes to review until the "
            + "review service publishes one (or set INFERENCE_ROUTING_THRESHOLD)", config.policyWait().toSeconds());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public int port() {
    return http.port();
  }

  /** True once the worker routes by a published policy (or a pinned threshold). */
  public boolean hasPolicy() {
    return follower == null || follower.hasPolicy();
  }

  public boolean assigned() {
    return worker.assigned();
  }

  /** The worker; package-private for tests that stop it as a crash would. */
  InferenceWorker worker() {
    return worker;
  }

  @Override
  public void close() {
    http.close();
    if (follower != null && !follower.hasPolicy()) {
      // The worker thread may still be waiting for its first policy.
      workerThread.interrupt();
    }
    worker.close();
    if (follower != null) {
      follower.close();
    }
    try {
      workerThread.join();
      model.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.warn("closing the model failed: {}", e.toString());
    }
    clientMetrics.forEach(ClientMeters::close);
    kafkaHealth.close();
    store.ifPresent(FrameStore::close);
  }

  public static void main(String[] args) throws Exception {
    StartUp.run(() -> {
      InferenceConfig config = InferenceConfig.from(Env.system());
      InferenceService service = start(config);
      GracefulShutdown.onSignal("inference", service, config.http().shutdownGrace());
    });
  }
}
