package io.labelstream.review.policy;

import io.labelstream.platform.kafka.KafkaClients;
import io.labelstream.platform.kafka.KafkaSettings;
import io.labelstream.platform.lifecycle.ExecutorStop;
import io.labelstream.platform.model.DetectionReplay;
import io.labelstream.platform.model.ModelFolder;
import io.labelstream.platform.model.ModelIdentity;
import io.labelstream.review.policy.regime.CameraKey;
import io.labelstream.review.policy.regime.DriftEvent;
import io.labelstream.review.policy.regime.RegimePolicy;
import io.labelstream.review.state.Checkpointed;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.InputStats;
import io.labelstream.schemas.avro.Policy;
import io.labelstream.schemas.avro.Prediction;
import io.labelstream.schemas.avro.ReviewResult;
import io.labelstream.schemas.avro.Route;
import java.io.ByteArrayInputStream;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 *
 * <p>The evidence goes to a {@link RegimePolicy}, which watches every camera for change and keeps one controller per
 * regime, so what is published holds for the labels written now rather than for the stream left behind. A detected
 * change is published at once, not at the next interval: the raised thresholds and audit rate should reach the
 * workers before many more frames are labelled under the old ones. RegimePolicy is not thread-safe, and the Kafka
 * consumer threads and the scheduler all reach it: every access holds this service's lock.
 */
public final class PolicyService implements AutoCloseable, Checkpointed {

  private static final Logger LOG = LoggerFactory.getLogger(PolicyService.class);

  /** The one routing class of a detection model. */
  public static final String FRAME = "frame";

  private final PolicySettings settings;
  private final String modelName;
  private final String modelVersion;
  private final List<String> classes;
  private final RegimePolicy regimes;
  private final LabelRecall recall;
  /** When this instance received each event, in the order of {@link RegimePolicy#events()}. */
  private final List<Instant> eventsReceived = new ArrayList<>();
  private final KafkaProducer<String, Policy> producer;
  private final ScheduledExecutorService scheduler;
  private final AtomicLong changes = new AtomicLong();
  private volatile Snapshot latest;
  private volatile BooleanSupplier publishes = () -> false;
  private long publishedChanges = -1;
  /** The changes counted when {@link #latest} was decided without publishing. */
  private long decidedChanges = -1;
  private String publishedThresholds = "";

  /**
   * @param model the model's files: its validation predictions, when it has them, back the policy from the first
   *     frame; without them the policy starts closed
   * @param identity the model's name, version and classes, from its card
   * @param recall where the model labels a detected change recalls go, to be sent back to people
   */
  public PolicyService(PolicySettings settings, ModelFolder model, ModelIdentity identity, KafkaSettings kafka,
      String instanceId, LabelRecall recall) {
    this.settings = settings;
    this.recall = recall;
    this.modelName = identity.name();
    this.modelVersion = identity.version();
    this.classes = routingClasses(identity);
    BandCounts validation = validationEvidence(model, identity);
    LOG.info("the policy guarantees {} >= {} at {} confidence", identity.task().equals(ModelIdentity.DETECTION)
        ? "the frame exactness of model labels" : "model-label accuracy", settings.target(), settings.confidence());
    this.regimes = new RegimePolicy(settings.controllerSettings(), settings.regime(),
        ScoreGrid.forTask(identity.task()), validation, classes.size());
    this.producer = new KafkaProducer<>(new KafkaClients(kafka, "review", instanceId).producer("policy"), new StringSerializer(), Topics.POLICY.valueSerde().serializer());
    this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "review-policy"));
    this.latest = snapshot();
  }

  /**
   * A drift event as published: the event and the wall-clock time this instance received the frame or answer that
   * revealed it (an instance rebuilding its state from Kafka receives it again, later).
   */
  public record ReceivedEvent(DriftEvent event, Instant detectedAt) {}

  /**
   * What the policy holds now.
   *
   * @param decision the common regime's, the cameras' own regimes and the cumulative bound
   * @param events every drift event so far, oldest first
   * @param framesSeen every frame of the stream, over all regimes
   */
  public record Snapshot(RegimePolicy.Decision decision, List<ReceivedEvent> events, long framesSeen) {

    /**
     * The common regime's decision, what every camera without a regime of its own is routed with; its frames seen
     * are the whole stream's, its audits the regime's own (those back its bound).
     */
    public PolicyDecision common() {
      PolicyDecision d = decision.common().decision();
      return new PolicyDecision(d.thresholds(), d.overall(), d.perClass(), d.validationTrusted(), d.audits(),
          d.auditsAnswered(), framesSeen);
    }
  }

  /** Decides on the evidence so far; the caller holds the lock. */
  private Snapshot snapshot() {
    RegimePolicy.Decision decision = regimes.decide();
    List<ReceivedEvent> events = new ArrayList<>();
    for (int i = 0; i < decision.events().size(); i++) {
      events.add(new ReceivedEvent(decision.events().get(i), eventsReceived.get(i)));
    }
    return new Snapshot(decision, List.copyOf(events), regimes.frames());
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
    return ValidationEvidence.fromScenes(scenes, ScoreGrid.frames());
  }

  /**
   * Starts recomputing.
   *
   * @param publishes true while this instance publishes the policy (the queue leader, its state rebuilt)
   * @param stateReady true once the evidence has been replayed: an instance that does not publish still decides
   *     from then on, so that what it shows (/v1/stats) follows the stream as the published policy does
   */
  public void start(BooleanSupplier publishes, BooleanSupplier stateReady) {
    this.publishes = publishes;
    scheduler.scheduleWithFixedDelay(() -> {
      try {
        if (publishes.getAsBoolean()) {
          recomputeAndPublish();
        } else if (stateReady.getAsBoolean()) {
          recompute();
        }
      } catch (RuntimeException e) {
        LOG.error("policy computation failed; the last published policy stays in force", e);
      }
    }, 0, settings.interval().toMillis(), TimeUnit.MILLISECONDS);
  }

  /** A prediction as the inference worker routed it. Predictions of other models are not evidence for this one. */
  public synchronized void predicted(Prediction prediction) {
    if (!prediction.getModelName().equals(modelName) || !prediction.getModelVersion().equals(modelVersion)) {
      return;
    }
    CameraKey camera = new CameraKey(prediction.getDeviceId(), prediction.getCameraId());
    changes.incrementAndGet();
    regimes.routed(prediction.getFrameId(), camera, prediction.getScore(), statistics(prediction.getInputStats()),
        prediction.getClassIndex(), prediction.getRoute() == Route.MODEL_LABEL, prediction.getAudited())
        .ifPresent(this::changed);
    // a label a worker wrote under the old thresholds after a change is recalled as it arrives, without an event
    handOverRecalled();
  }

  /** Hands what the regimes recalled to {@link LabelRecall}, with the latest change as the reason. */
  private void handOverRecalled() {
    List<String> recalled = regimes.takeRecalled();
    List<DriftEvent> events = regimes.events();
    if (!recalled.isEmpty() && !events.isEmpty()) {
      recall.recall(events.get(events.size() - 1), recalled);
    }
  }

  /** A person's answer for a frame. */
  public synchronized void answered(String frameId, int classIndex) {
    changes.incrementAndGet();
    regimes.answered(frameId, classIndex).ifPresent(this::changed);
  }

  /** The frame's statistics in {@link io.labelstream.review.policy.drift.ChangeMonitor#IMAGE_STATISTICS} order. */
  private static double[] statistics(InputStats stats) {
    return stats == null ? new double[0]
        : new double[] {stats.getBrightness(), stats.getContrast(), stats.getSharpness(), stats.getColourfulness(),
            stats.getJpegQuality() == null ? Double.NaN : stats.getJpegQuality()};
  }

  /**
   * A detected change: said loudly, and published now rather than at the next interval. The model labels it recalls
   * are only handed to {@link LabelRecall} here, under the lock; it sends them back to people on its own thread.
   */
  private void changed(DriftEvent event) {
    // one frame may start several regimes (a pooled alarm blamed on some of the cameras): every event gets its time
    Instant now = Instant.now();
    while (eventsReceived.size() < regimes.events().size()) {
      eventsReceived.add(now);
    }
    List<String> recalled = regimes.takeRecalled();
    if (!recalled.isEmpty()) {
      recall.recall(event, recalled);
    }
    LOG.warn("drift: {} of {} moved {} (detected at stream frame {}, estimated to have begun at frame {}); regime {} "
        + "starts closed (every frame of {} to people) and audits {} of model labels until its bound is back; the {} "
        + "model label(s) written since the change began go back to people",
        event.signal(), RegimePolicy.ALL_CAMERAS.equals(event.scope()) ? "every camera without a regime of its own"
            : "camera " + event.scope(), event.direction(), event.detectedAtFrame(), event.changePointFrame(),
        event.regime(), RegimePolicy.ALL_CAMERAS.equals(event.scope()) ? "those cameras" : "it",
        format(settings.regime().raisedAuditRate()), recalled.size());
    if (publishes.getAsBoolean()) {
      recomputeAndPublish();
    } else {
      latest = snapshot();
    }
  }

  /**
   * Writes the model it is the policy of, every regime's evidence and monitor, and when each drift event was
   * received. What was last published is not written: a new process publishes again once its state is ready.
   */
  @Override
  public synchronized void save(DataOutput out) throws IOException {
    out.writeUTF(modelName);
    out.writeUTF(modelVersion);
    regimes.save(out);
    out.writeInt(eventsReceived.size());
    for (Instant received : eventsReceived) {
      out.writeLong(received.getEpochSecond());
      out.writeInt(received.getNano());
    }
  }

  /** Reads back what {@link #save} wrote; refuses a policy of another model, whose evidence is not this one's. */
  @Override
  public synchronized void restore(DataInput in) throws IOException {
    String savedName = in.readUTF();
    String savedVersion = in.readUTF();
    if (!savedName.equals(modelName) || !savedVersion.equals(modelVersion)) {
      throw new IOException("the policy saved is " + savedName + " " + savedVersion + "'s, the model is now "
          + modelName + " " + modelVersion);
    }
    regimes.restore(in);
    eventsReceived.clear();
    for (int i = in.readInt(); i > 0; i--) {
      eventsReceived.add(Instant.ofEpochSecond(in.readLong(), in.readInt()));
    }
    latest = snapshot();
  }

  /** The common regime's decision (see {@link Snapshot#common()}). */
  public PolicyDecision latest() {
    return latest.common();
  }

  /** Every regime, the cumulative bound and the drift events, as last decided. */
  public Snapshot regimes() {
    return latest;
  }

  public PolicySettings settings() {
    return settings;
  }

  public List<String> classes() {
    return classes;
  }

  /** Decides again without publishing, when anything changed since the last decision. */
  private synchronized void recompute() {
    long seen = changes.get();
    if (seen != decidedChanges) {
      latest = snapshot();
      decidedChanges = seen;
    }
  }

  synchronized void recomputeAndPublish() {
    long seen = changes.get();
    if (seen == publishedChanges) {
      return;
    }
    Snapshot snapshot = snapshot();
    latest = snapshot;
    PolicyDecision decision = snapshot.common();
    String thresholds = thresholds(snapshot);
    if (!thresholds.equals(publishedThresholds)) {
      LOG.info("routing policy {} (model-label accuracy >= {} at {} confidence, estimate {}, {} audits answered{})",
          thresholds, format(decision.overall().lowerBound()), settings.confidence(), format(decision.overall().estimate()),
          decision.auditsAnswered(), decision.validationTrusted() ? "" : ", validation evidence dropped after drift");
    }
    Policy record = PolicyRecords.of(modelName, modelVersion, settings, snapshot, Instant.now());
    producer.send(new ProducerRecord<>(Topics.POLICY.name(), modelName, record), (metadata, error) -> {
      if (error != null) {
        LOG.warn("could not publish the routing policy: {}", error.toString());
      }
    });
    producer.flush();
    publishedChanges = seen;
    publishedThresholds = thresholds;
  }

  /** The common thresholds and every camera's own, to log only what changed. */
  private static String thresholds(Snapshot snapshot) {
    StringBuilder text = new StringBuilder(snapshot.decision().common().decision().thresholds().toString());
    for (Map.Entry<CameraKey, RegimePolicy.RegimeDecision> camera : snapshot.decision().cameras().entrySet()) {
      text.append(", camera ").append(camera.getKey().text()).append(' ')
          .append(camera.getValue().decision().thresholds());
    }
    return text.toString();
  }

  private static String format(double value) {
    return String.format(java.util.Locale.ROOT, "%.4f", value);
  }

  public KafkaProducer<String, Policy> producer() {
    return producer;
  }

  @Override
  public void close() {
    ExecutorStop.now(scheduler);
    producer.close(Duration.ofSeconds(5));
  }
}
