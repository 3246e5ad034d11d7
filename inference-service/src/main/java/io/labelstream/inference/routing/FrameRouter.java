package io.labelstream.inference.routing;

import io.labelstream.inference.detection.Detections;
import io.labelstream.inference.detection.FrameBox;
import io.labelstream.inference.image.FramePlacement;
import io.labelstream.inference.image.InputStatistics;
import io.labelstream.inference.model.ModelCard;
import io.labelstream.inference.model.ModelOutput;
import io.labelstream.schemas.TaskIds;
import io.labelstream.schemas.avro.Box;
import io.labelstream.schemas.avro.ClassProbability;
import io.labelstream.schemas.avro.Frame;
import io.labelstream.schemas.avro.FrameRecord;
import io.labelstream.schemas.avro.InputStats;
import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.LabelSource;
import io.labelstream.schemas.avro.Prediction;
import io.labelstream.schemas.avro.ReviewReason;
import io.labelstream.schemas.avro.ReviewRequest;
import io.labelstream.schemas.avro.Route;
import io.labelstream.schemas.boxes.FrameScore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Decides where a predicted frame goes: a score at or above its class's threshold makes a MODEL label, anything
 * below becomes a review request, most uncertain first. The thresholds are the frame's camera's when the policy gives
 * that camera its own ({@link RoutingPolicy#scopeOf}), else the common ones; a frame unlike its camera's usual inputs
 * goes to people whatever its score ({@link RoutingPolicy#unusual}). A random share of the MODEL labels also becomes
 * a blind AUDIT task. Every prediction is also kept for audit and statistics. The label and the review request carry
 * the frame's image reference, so whoever reads them later finds the image in the frame store.
 */
public final class FrameRouter {

  private static final int TOP_K = 3;
  /** The label of a detection prediction: its routing decision is about the whole frame. */
  static final String FRAME = "frame";

  private final ModelCard card;
  private final Supplier<RoutingPolicy> policy;
  private final AuditSampler audits;

  /**
   * @param policy the thresholds in force, read once per frame (they change when a new policy is published)
   */
  public FrameRouter(ModelCard card, Supplier<RoutingPolicy> policy, AuditSampler audits) {
    this.card = card;
    this.policy = policy;
    this.audits = audits;
  }

  /**
   * The records one frame produces: always a prediction, then a MODEL label or a review request, or both when the
   * model's label is also blindly audited.
   */
  public record Routed(Prediction prediction, Label label, ReviewRequest reviewRequest) {}

  /**
   * @param sourcePartition where the frame was read in frames.v1, recorded in the prediction for the frame's history
   * @param sourceOffset and its offset there
   * @param seen the statistics of what the model saw, recorded in the prediction for the policy's drift detection;
   *     null when not measured
   */
  public Routed route(Frame frame, int sourcePartition, long sourceOffset, InputStatistics seen, ModelOutput output,
      Instant now) {
    Uncertainty u = Uncertainty.of(output);
    List<ClassProbability> topK = new ArrayList<>();
    for (int i = 0; i < Math.min(TOP_K, u.ranked().length); i++) {
      int c = u.ranked()[i];
      topK.add(new ClassProbability(c, card.classNames().get(c), (double) output.meanProbs()[c]));
    }
    int predicted = u.predictedClass();
    Prediction.Builder prediction = Prediction.newBuilder()
        .setClassIndex(predicted)
        .setLabel(card.classNames().get(predicted))
        .setTopK(topK)
        .setMaxProbability(u.maxProbability())
        .setMargin(u.margin())
        .setEntropy(u.entropy())
        .setMutualInformation(u.mutualInformation().isPresent() ? u.mutualInformation().getAsDouble() : null)
        .setScore(u.score())
        .setInputStats(inputStats(seen));
    Label.Builder label = Label.newBuilder()
        .setLabel(card.classNames().get(predicted))
        .setClassIndex(predicted);
    RoutingPolicy routing = policy.get();
    RoutingPolicy.Scope scope = routing.scopeOf(frame);
    return decide(frame, sourcePartition, sourceOffset, prediction, label, scope, scope.thresholdFor(predicted),
        routing.unusual(frame, seen), now);
  }

  /**
   * The records of one frame a detection model saw (docs/detection.md): the prediction carries the boxes at or above
   * the card's scoreThreshold in frame pixels and routes on the frame score ({@link FrameScore}), compared with the
   * policy's single threshold; its classIndex is 0, its label {@code "frame"}, its topK empty. A confident frame
   * becomes a MODEL label with the boxes (label {@code ""}, classIndex -1, confidence the frame score); the others,
   * and the audited share of the confident ones, become review requests whose prediction carries the boxes (the
   * review side hides them on an AUDIT task, which is blind).
   */
  public Routed routeDetection(Frame frame, int sourcePartition, long sourceOffset, InputStatistics seen,
      Detections detections, FramePlacement placement, Instant now) {
    FrameScore score = detections.frameScore(card.detection().limits().scoreThreshold());
    List<Box> boxes = new ArrayList<>(detections.boxes().size());
    for (FrameBox b : detections.boxes()) {
      boxes.add(new Box(card.classNames().get(b.classIndex()), b.classIndex(), (float) b.x(), (float) b.y(),
          (float) b.w(), (float) b.h(), b.score()));
    }
    Prediction.Builder prediction = Prediction.newBuilder()
        .setClassIndex(0)
        .setLabel(FRAME)
        .setTopK(List.of())
        .setMaxProbability(score.score())
        .setMargin(score.margin())
        .setEntropy(score.entropy())
        .setMutualInformation(null)
        .setScore(score.score())
        .setInputStats(inputStats(seen))
        .setBoxes(boxes)
        .setWidth(placement.frameWidth())
        .setHeight(placement.frameHeight());
    Label.Builder label = Label.newBuilder()
        .setLabel("")
        .setClassIndex(-1)
        .setBoxes(boxes)
        .setWidth(placement.frameWidth())
        .setHeight(placement.frameHeight());
    RoutingPolicy routing = policy.get();
    RoutingPolicy.Scope scope = routing.scopeOf(frame);
    return decide(frame, sourcePartition, sourceOffset, prediction, label, scope, scope.thresholdFor(0),
        routing.unusual(frame, seen), now);
  }

  /**
   * The routing decision both tasks share, given what the model said ({@code said}, with its score) and what its
   * label would say ({@code wouldLabel}): compares the score with {@code threshold} (from {@code scope}, the frame's
   * camera's or the common one), draws the audit at the scope's audit-rate floor or the worker's own rate, whichever
   * is higher, and completes the records with the model's identity, the frame's place, camera and image, and the time.
   *
   * @param unusual the frame's input statistics lie outside its camera's usual inputs ({@link RoutingPolicy#unusual}):
   *     it goes to people as LOW_CONFIDENCE whatever its score, since the bound behind the threshold was earned on
   *     frames unlike it; not a model label, so never audited
   */
  private Routed decide(Frame frame, int sourcePartition, long sourceOffset, Prediction.Builder said,
      Label.Builder wouldLabel, RoutingPolicy.Scope scope, double threshold, boolean unusual, Instant now) {
    double score = said.getScore();
    boolean confident = !unusual && score >= threshold;
    boolean audited = confident && audits.audits(frame.getFrameId(), scope.auditRate());
    Prediction prediction = said
        .setFrameId(frame.getFrameId())
        .setDeviceId(frame.getDeviceId())
        .setCameraId(frame.getCameraId())
        .setModelName(card.name())
        .setModelVersion(card.version())
        .setThreshold(threshold)
        .setRoute(confident ? Route.MODEL_LABEL : Route.REVIEW)
        .setAudited(audited)
        .setPredictedAt(now)
        .setSourcePartition(sourcePartition)
        .setSourceOffset(sourceOffset)
        .build();
    Label label = confident ? wouldLabel
        .setFrameId(frame.getFrameId())
        .setSource(LabelSource.MODEL)
        .setConfidence(score)
        .setModelName(card.name())
        .setModelVersion(card.version())
        .setLabelledAt(now)
        .setImageRef(frame.getImageRef())
        .build() : null;
    ReviewRequest request = confident && !audited ? null : reviewRequest(frame, sourcePartition, sourceOffset,
        prediction, audited ? ReviewReason.AUDIT : ReviewReason.LOW_CONFIDENCE,
        audited ? audits.priority(frame.getFrameId()) : 1.0 - score, now);
    return new Routed(prediction, label, request);
  }

  private static InputStats inputStats(InputStatistics seen) {
    return seen == null ? null
        : new InputStats(seen.brightness(), seen.contrast(), seen.sharpness(), seen.colourfulness(),
            Double.isNaN(seen.jpegQuality()) ? null : seen.jpegQuality());
  }

  /**
   * The request says where the image is rather than copying it: a closed policy sends every frame to people, and
   * rewriting each image into review.requests.v1 cost the worker a third of its throughput. The frame store's
   * reference (when the frame has one) outlives frames.v1; the frame's record there is kept too, for review services
   * that predate the store and for frames without a reference.
   */
  private static ReviewRequest reviewRequest(Frame frame, int sourcePartition, long sourceOffset, Prediction prediction,
      ReviewReason reason, double priority, Instant now) {
    return ReviewRequest.newBuilder()
        .setTaskId(TaskIds.of(frame.getFrameId(), reason))
        .setFrameId(frame.getFrameId())
        .setReason(reason)
        .setPriority(priority)
        .setPrediction(prediction)
        .setContentType(frame.getContentType())
        .setImageRef(frame.getImageRef())
        .setFrameRecord(FrameRecord.newBuilder().setPartition(sourcePartition).setOffset(sourceOffset).build())
        .setRequestedAt(now)
        .build();
  }

}
