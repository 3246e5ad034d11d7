package io.labelstream.review.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labelstream.platform.kafka.KafkaClients;
import io.labelstream.platform.kafka.KafkaSettings;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.AccuracyBound;
import io.labelstream.schemas.avro.Policy;
import io.labelstream.schemas.avro.Prediction;
import io.labelstream.schemas.avro.Route;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Computes the routing policy from what reviewers answer and publishes it on the compacted {@code policy.v1}, where
 * every inference worker picks it up.
 *
 * <p>It lives in the review service because that is where the evidence arrives: the service already reads every
 * prediction and every answer to rebuild its queue. One review instance computes the policy; the controller is a
 * plain class, so it can move to a dedicated component without change if the review service is ever scaled out.
 */
public final class PolicyService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PolicyService.class);
  static final String BUNDLED = "/model/fashion-mnist-ensemble";

  private final PolicySettings settings;
  private final String modelName;
  private final String modelVersion;
  private final List<String> classes;
  private final OutcomeLedger ledger;
  private final ThresholdController controller;
  private final KafkaProducer<String, Policy> producer;
  private final ScheduledExecutorService scheduler;
  private final AtomicLong changes = new AtomicLong();
  private volatile PolicyDecision latest;
  private long publishedChanges = -1;
  private String publishedThresholds = "";

  public PolicyService(PolicySettings settings, KafkaSettings kafka, String instanceId) {
    this.settings = settings;
    try {
      JsonNode card = new ObjectMapper().readTree(open(".card.json"));
      this.modelName = card.get("name").asText();
      this.modelVersion = card.get("version").asText();
      List<String> names = new ArrayList<>();
      card.get("classNames").forEach(n -> names.add(n.asText()));
      this.classes = List.copyOf(names);
      BandCounts validation;
      try (InputStream csv = open(".validation.csv")) {
        validation = ValidationEvidence.read(csv, classes.size(), ScoreGrid.standard());
      }
      this.ledger = new OutcomeLedger(classes.size(), ScoreGrid.standard());
      this.controller = new ThresholdController(settings.controllerSettings(), ScoreGrid.standard(), validation, classes.size());
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the model's card and validation predictions for the policy: " + e.getMessage(), e);
    }
    this.producer = new KafkaProducer<>(new KafkaClients(kafka, "review", instanceId).producer("policy"), new StringSerializer(), Topics.POLICY.valueSerde().serializer());
    this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "review-policy"));
    this.latest = controller.decide(ledger.snapshot(), 0, 0);
  }

  private InputStream open(String suffix) throws IOException {
    if (settings.modelDir().isPresent()) {
      try (var files = Files.list(settings.modelDir().get())) {
        var file = files.filter(f -> f.getFileName().toString().endsWith(suffix)).findFirst()
            .orElseThrow(() -> new IOException("no *" + suffix + " in " + settings.modelDir().get()));
        return Files.newInputStream(file);
      }
    }
    InputStream in = PolicyService.class.getResourceAsStream(BUNDLED + suffix);
    if (in == null) {
      throw new IOException("bundled resource " + BUNDLED + suffix + " is missing");
    }
    return in;
  }

  /** Starts recomputing; nothing is published until {@code stateReady} says the evidence has been replayed. */
  public void start(BooleanSupplier stateReady) {
    scheduler.scheduleWithFixedDelay(() -> {
      try {
        if (stateReady.getAsBoolean()) {
          recomputeAndPublish();
        }
      } catch (RuntimeException e) {
        LOG.error("policy computation failed; the last published policy stays in force", e);
      }
    }, 0, settings.interval().toMillis(), TimeUnit.MILLISECONDS);
  }

  /** A prediction as the inference worker routed it. Predictions of other models are not evidence for this one. */
  public void predicted(Prediction prediction) {
    if (!prediction.getModelName().equals(modelName) || !prediction.getModelVersion().equals(modelVersion)) {
      return;
    }
    ledger.routed(prediction.getFrameId(), prediction.getScore(), prediction.getClassIndex(),
        prediction.getRoute() == Route.MODEL_LABEL, prediction.getAudited());
    changes.incrementAndGet();
  }

  /** A person's answer for a frame. */
  public void answered(String frameId, int classIndex) {
    ledger.answered(frameId, classIndex);
    changes.incrementAndGet();
  }

  public PolicyDecision latest() {
    return latest;
  }

  public PolicySettings settings() {
    return settings;
  }

  public List<String> classes() {
    return classes;
  }

  synchronized void recomputeAndPublish() {
    long seen = changes.get();
    if (seen == publishedChanges) {
      return;
    }
    PolicyDecision decision = controller.decide(ledger.snapshot(), ledger.audits(), ledger.auditsAnswered(), ledger.frames());
    latest = decision;
    String thresholds = decision.thresholds().toString();
    if (!thresholds.equals(publishedThresholds)) {
      LOG.info("routing policy {} (model-label accuracy >= {} at {} confidence, estimate {}, {} audits answered{})",
          thresholds, format(decision.overall().lowerBound()), settings.confidence(), format(decision.overall().estimate()),
          decision.auditsAnswered(), decision.validationTrusted() ? "" : ", validation evidence dropped after drift");
    }
    producer.send(new ProducerRecord<>(Topics.POLICY.name(), modelName, toRecord(decision)), (metadata, error) -> {
      if (error != null) {
        LOG.warn("could not publish the routing policy: {}", error.toString());
      }
    });
    producer.flush();
    publishedChanges = seen;
    publishedThresholds = thresholds;
  }

  private Policy toRecord(PolicyDecision decision) {
    List<AccuracyBound> perClass = new ArrayList<>();
    decision.perClass().forEach(a -> perClass.add(bound(a)));
    return Policy.newBuilder()
        .setModelName(modelName)
        .setModelVersion(modelVersion)
        .setThresholds(decision.thresholds())
        .setOverall(bound(decision.overall()))
        .setPerClass(perClass)
        .setTarget(settings.target())
        .setConfidence(settings.confidence())
        .setClassTarget(settings.classTarget())
        .setValidationTrusted(decision.validationTrusted())
        .setFramesSeen(decision.framesSeen())
        .setAudits(decision.audits())
        .setAuditsAnswered(decision.auditsAnswered())
        .setComputedAt(Instant.now())
        .build();
  }

  private static AccuracyBound bound(PolicyDecision.Accuracy a) {
    return new AccuracyBound(a.estimate(), a.lowerBound(), a.audits(), a.modelLabelledShare());
  }

  private static String format(double value) {
    return String.format(java.util.Locale.ROOT, "%.4f", value);
  }

  public KafkaProducer<String, Policy> producer() {
    return producer;
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    try {
      scheduler.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close(Duration.ofSeconds(5));
  }
}
