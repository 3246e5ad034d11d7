package io.labelstream.inference.routing;

import io.labelstream.inference.model.ModelCard;
import io.labelstream.inference.model.ModelOutput;
import io.labelstream.schemas.TaskIds;
import io.labelstream.schemas.avro.ClassProbability;
import io.labelstream.schemas.avro.Frame;
import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.LabelSource;
import io.labelstream.schemas.avro.Prediction;
import io.labelstream.schemas.avro.ReviewReason;
import io.labelstream.schemas.avro.ReviewRequest;
import io.labelstream.schemas.avro.Route;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides where a predicted frame goes: a score at or above the threshold makes a MODEL label, anything below
 * becomes a review request, most uncertain first. Every prediction is also kept for audit and statistics.
 */
public final class FrameRouter {

  private static final int TOP_K = 3;

  private final ModelCard card;
  private final double threshold;

  public FrameRouter(ModelCard card, double threshold) {
    this.card = card;
    this.threshold = threshold;
  }

  /** The records one frame produces: always a prediction, then either a label or a review request. */
  public record Routed(Prediction prediction, Label label, ReviewRequest reviewRequest) {}

  public Routed route(Frame frame, ModelOutput output, Instant now) {
    Uncertainty u = Uncertainty.of(output);
    List<ClassProbability> topK = new ArrayList<>();
    for (int i = 0; i < Math.min(TOP_K, u.ranked().length); i++) {
      int c = u.ranked()[i];
      topK.add(new ClassProbability(c, card.classNames().get(c), (double) output.meanProbs()[c]));
    }
    boolean confident = u.score() >= threshold;
    int predicted = u.predictedClass();
    Prediction prediction = Prediction.newBuilder()
        .setFrameId(frame.getFrameId())
        .setModelName(card.name())
        .setModelVersion(card.version())
        .setClassIndex(predicted)
        .setLabel(card.classNames().get(predicted))
        .setTopK(topK)
        .setMaxProbability(u.maxProbability())
        .setMargin(u.margin())
        .setEntropy(u.entropy())
        .setMutualInformation(u.mutualInformation())
        .setScore(u.score())
        .setThreshold(threshold)
        .setRoute(confident ? Route.MODEL_LABEL : Route.REVIEW)
        .setPredictedAt(now)
        .build();
    if (confident) {
      Label label = Label.newBuilder()
          .setFrameId(frame.getFrameId())
          .setLabel(prediction.getLabel())
          .setClassIndex(predicted)
          .setSource(LabelSource.MODEL)
          .setConfidence(u.score())
          .setModelName(card.name())
          .setModelVersion(card.version())
          .setLabelledAt(now)
          .build();
      return new Routed(prediction, label, null);
    }
    ReviewRequest request = ReviewRequest.newBuilder()
        .setTaskId(TaskIds.of(frame.getFrameId(), ReviewReason.LOW_CONFIDENCE))
        .setFrameId(frame.getFrameId())
        .setReason(ReviewReason.LOW_CONFIDENCE)
        .setPriority(1.0 - u.score())
        .setPrediction(prediction)
        .setContentType(frame.getContentType())
        .setImage(frame.getImage())
        .setRequestedAt(now)
        .build();
    return new Routed(prediction, null, request);
  }

  public double threshold() {
    return threshold;
  }
}
