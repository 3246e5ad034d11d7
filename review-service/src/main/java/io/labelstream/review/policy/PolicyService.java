package io.labelstream.review.policy;

import io.labelstream.platform.kafka.KafkaClients;
import io.labelstream.platform.kafka.KafkaSettings;
import io.labelstream.platform.model.DetectionReplay;
import io.labelstream.platform.model.ModelFolder;
import io.labelstream.platform.model.ModelIdentity;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.AccuracyBound;
import io.labelstream.schemas.avro.Policy;
import io.labelstream.schemas.avro.Prediction;
import io.labelstream.schemas.avro.ReviewResult;
import io.labelstream.schemas.avro.Route;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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

  /** The one routing class of a detection model. */
  public static final String FRAME = "frame";

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

  /**
   * @param model the model's files: its validation predictions, when it has them, back the policy from the first
   *     frame; without them the policy starts closed
   * @param identity the model's name, version and classes, from its card
   */
  public PolicyService(PolicySettings settings, ModelFolder model, ModelIdentity identity, KafkaSettings kafka,
      String instanceId) {
    this.settings = settings;
    this.modelName = identity.name();
    this.modelVersion = identity.version();
    this.classes = routingClasses(identity);
    BandCounts validation = validationEvidence(model, identity);
    LOG.info("the policy guarantees {} >= {} at {} confidence", identity.task().equals(ModelIdentity.DETECTION)
        ? "the frame exactness of model labels" : "model-label accuracy", settings.target(), settings.confidence());
    this.ledger = new OutcomeLedger(classes.size(), ScoreGrid.standard());
    this.controller = new ThresholdController(settings.controllerSettings(), ScoreGrid.standard(), validation, classes.size());
    this.producer = new KafkaProducer<>(new KafkaClients(kafka, "review", instanceId).producer("policy"), new StringSerializer(), Topics.POLICY.valueSerde().serializer());
    this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "review-policy"));
    this.latest = controller.decide(ledger.snapshot(), 0, 0);
  }

  /**
   * What the policy has a threshold for: each class of a classifier; for a detector the one routing class {@value
   * #FRAME}, since a detection prediction routes on one frame-level score (classIndex 0, label "frame";
   * docs/detection.md).
   */
  public static List<String> routingClasses(ModelIdentity identity) {
    return identity.task().equals(ModelIdentity.DETECTION) ? List.of(FRAME) : identity.classNames();
  }

  /**
   * The class an answer gives its frame, as the controller counts outcomes: for a class answer its class; for a boxes
   * answer the routing class (0) when the model's boxes were exact against it ({@code agreedWithModel}), else -1,
   * an error whatever the boxes.
   */
  public static int outcomeClass(ReviewResult result) {
    if (result.getBoxes() == null) {
      return result.getClassIndex();
    }
    return Boolean.TRUE.equals(result.getAgreedWithModel()) ? 0 : -1;
  }

  /**
   * The model's validation evidence, or null when it has none: a classifier's {@code <model>.validation.csv}, a
   * detector's {@code <model>.validation.jsonl} (its validation scenes, for the one routing class {@value #FRAME}).
   * Which case applies, and what was read, is logged once: it decides whether model labels can start with the first
   * frame or only after people have answered enough frames.
   */
  public static BandCounts validationEvidence(ModelFolder model, ModelIdentity identity) {
    try {
      return identity.task().equals(ModelIdentity.DETECTION) ? detectionEvidence(model)
          : classificationEvidence(model, identity.classNames().size());
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the model's validation predictions for the policy: " + e.getMessage(), e);
    }
  }

  private static BandCounts classificationEvidence(ModelFolder model, int classes) throws IOException {
    Optional<byte[]> csv = model.validationPredictions();
    if (csv.isEmpty()) {
      LOG.info("the model {} has no {}.validation.csv: the policy starts closed (every frame goes to people) and "
          + "opens a class once reviewed frames and audits show it meets the target", model.baseName(), model.baseName());
      return null;
    }
    BandCounts validation = ValidationEvidence.read(new ByteArrayInputStream(csv.get()), classes, ScoreGrid.standard());
    LOG.info("the policy starts from the {} validation predictions of {}.validation.csv", validation.total(),
        model.baseName());
    return validation;
  }

  private static BandCounts detectionEvidence(ModelFolder model) throws IOException {
    Optional<byte[]> jsonl = model.validationReplay();
    if (jsonl.isEmpty()) {
      LOG.info("the detection model {} has no {}.validation.jsonl: the policy starts closed (every frame goes to "
          + "people) and opens its one routing class once reviewed frames and audits show whole frames are exact "
          + "often enough", model.baseName(), model.baseName());
      return null;
    }
    DetectionReplay replay = DetectionReplay.of(model);
    List<DetectionReplay.Frame> scenes = replay.read(jsonl.get());
    long exact = scenes.stream().filter(DetectionReplay.Frame::exact).count();
    LOG.info("the policy starts from the {} validation scenes of {}.validation.jsonl ({} exact: the boxes at or above "
        + "the card's scoreThreshold {} match the truth by BoxMatching; routed on the frame score)", scenes.size(),
        model.baseName(), exact, replay.scoreThreshold());
    return ValidationEvidence.fromScenes(scenes, ScoreGrid.standard());
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
