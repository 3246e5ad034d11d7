package io.labelstream.review;

import io.javalin.http.staticfiles.Location;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.http.HttpService;
import io.labelstream.platform.http.ReadinessCheck;
import io.labelstream.platform.kafka.KafkaHealth;
import io.labelstream.platform.kafka.TopicProvisioner;
import io.labelstream.platform.lifecycle.GracefulShutdown;
import io.labelstream.platform.metrics.Metrics;
import io.labelstream.review.auth.BearerAuth;
import io.labelstream.review.config.ReviewConfig;
import io.labelstream.review.dataset.Datasets;
import io.labelstream.review.http.ReviewApi;
import io.labelstream.review.metrics.PolicyMetrics;
import io.labelstream.review.metrics.ReviewMetrics;
import io.labelstream.review.policy.PolicyService;
import io.labelstream.review.queue.TaskQueue;
import io.labelstream.review.state.AnswerWriter;
import io.labelstream.review.state.LabelStore;
import io.labelstream.review.state.PipelineCounts;
import io.labelstream.review.state.StateTailer;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The review service: the queue of frames waiting for people, the reviewer API and page, and the final labels.
 *
 * <p>One instance owns the whole queue. Running several against the same topics would offer a task to two
 * reviewers; partitioned ownership is the subject of a later change.
 */
public final class ReviewService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ReviewService.class);

  private final StateTailer tailer;
  private final Thread tailerThread;
  private final AnswerWriter writer;
  private final PolicyService policy;
  private final KafkaHealth kafkaHealth;
  private final List<KafkaClientMetrics> clientMetrics;
  private final HttpService http;
  private final Datasets datasets;

  private ReviewService(StateTailer tailer, Thread tailerThread, AnswerWriter writer, PolicyService policy,
      KafkaHealth kafkaHealth, List<KafkaClientMetrics> clientMetrics, HttpService http, Datasets datasets) {
    this.tailer = tailer;
    this.tailerThread = tailerThread;
    this.writer = writer;
    this.policy = policy;
    this.kafkaHealth = kafkaHealth;
    this.clientMetrics = clientMetrics;
    this.http = http;
    this.datasets = datasets;
  }

  public static ReviewService start(ReviewConfig config) {
    return start(config, Clock.systemUTC());
  }

  public static ReviewService start(ReviewConfig config, Clock clock) {
    LOG.info("starting review with {}", config);
    TopicProvisioner.ensureTopics(config.kafka());
    PrometheusMeterRegistry registry = Metrics.registry("review");
    ReviewMetrics[] metricsHolder = new ReviewMetrics[1];
    TaskQueue queue = new TaskQueue(clock, config.lease(), lease -> metricsHolder[0].leaseExpired());
    ReviewMetrics metrics = new ReviewMetrics(queue, clock);
    metricsHolder[0] = metrics;
    metrics.bindTo(registry);
    LabelStore labels = new LabelStore();
    PipelineCounts counts = new PipelineCounts();
    PolicyService policy = new PolicyService(config.policy(), config.kafka(), config.instanceId());
    new PolicyMetrics(policy).bindTo(registry);
    StateTailer tailer = new StateTailer(config.kafka(), config.instanceId(), queue, labels, counts, policy);
    AnswerWriter writer = new AnswerWriter(config.kafka(), config.instanceId());
    List<KafkaClientMetrics> clientMetrics = List.of(new KafkaClientMetrics(tailer.consumer()), new KafkaClientMetrics(writer.producer()));
    clientMetrics.forEach(m -> m.bindTo(registry));
    Thread tailerThread = new Thread(tailer, "review-state");
    tailerThread.start();
    policy.start(tailer::caughtUp);
    KafkaHealth kafkaHealth = new KafkaHealth(config.kafka());
    ReviewApi api = new ReviewApi(queue, writer, labels, counts, config.classes(), tailer::caughtUp, metrics, clock, policy);
    BearerAuth auth = new BearerAuth(config.tokens());
    Datasets datasets = Datasets.start(config.kafka(), config.classes(), config.instanceId(), clock, auth);
    HttpService http = HttpService.start("review", config.http(), 1024 * 1024, registry,
        kafkaHealth.checksWith(ReadinessCheck.of("state", tailer::caughtUp), ReadinessCheck.of("datasets", datasets::ready)),
        app -> {
          api.register(app, auth);
          datasets.register(app);
        },
        javalin -> javalin.staticFiles.add(files -> {
          files.hostedPath = "/";
          files.directory = "/public";
          files.location = Location.CLASSPATH;
        }));
    return new ReviewService(tailer, tailerThread, writer, policy, kafkaHealth, clientMetrics, http, datasets);
  }

  public int port() {
    return http.port();
  }

  public boolean ready() {
    return tailer.caughtUp() && datasets.ready();
  }

  @Override
  public void close() {
    http.close();
    datasets.close();
    policy.close();
    tailer.close();
    try {
      tailerThread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    writer.close();
    clientMetrics.forEach(KafkaClientMetrics::close);
    kafkaHealth.close();
  }

  public static void main(String[] args) {
    ReviewConfig config = ReviewConfig.from(Env.system());
    if (config.tokensGenerated()) {
      System.out.println("REVIEW_TOKENS was not set; reviewer token for this run: " + config.tokensForDisplay());
    }
    ReviewService service = start(config);
    GracefulShutdown.onSignal("review", service, config.http().shutdownGrace());
  }
}
