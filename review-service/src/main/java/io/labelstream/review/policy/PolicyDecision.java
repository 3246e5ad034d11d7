package io.labelstream.review.policy;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The thresholds the controller chose and what backs them.
 *
 * @param thresholds per predicted class; {@link io.labelstream.schemas.PolicyThresholds#CLOSED} means every frame of that class goes to people
 * @param overall estimate and lower confidence bound of model-label accuracy at these thresholds, whole stream
 * @param perClass the same per predicted class
 * @param validationTrusted false once the stream's answers disagreed with the validation evidence (drift); from
 *     then on only the stream's own answers back the bound
 */
public record PolicyDecision(List<Double> thresholds, Accuracy overall, List<Accuracy> perClass, boolean validationTrusted,
    long audits, long auditsAnswered, long framesSeen) {

  /**
   * Accuracy of model labels in one region.
   *
   * @param estimate point estimate
   * @param lowerBound one-sided lower confidence bound at the configured confidence, on the rate: how often the
   *     model is right on frames like these (what the thresholds are chosen by)
   * @param writtenBound the same for the model labels written in the region so far: their own luck counts too, so
   *     it is lower than {@code lowerBound} the fewer they are, and meets it as they grow
   * @param audits answered audits inside this region
   * @param modelLabelledShare share of the stream's frames the thresholds admit
   */
  public record Accuracy(double estimate, double lowerBound, double writtenBound, long audits,
      double modelLabelledShare) {

    void save(DataOutput out) throws IOException {
      out.writeDouble(estimate);
      out.writeDouble(lowerBound);
      out.writeDouble(writtenBound);
      out.writeLong(audits);
      out.writeDouble(modelLabelledShare);
    }

    static Accuracy read(DataInput in) throws IOException {
      return new Accuracy(in.readDouble(), in.readDouble(), in.readDouble(), in.readLong(), in.readDouble());
    }
  }

  /** Writes the decision, for a checkpoint of the review state. */
  public void save(DataOutput out) throws IOException {
    out.writeInt(thresholds.size());
    for (double threshold : thresholds) {
      out.writeDouble(threshold);
    }
    overall.save(out);
    out.writeInt(perClass.size());
    for (Accuracy accuracy : perClass) {
      accuracy.save(out);
    }
    out.writeBoolean(validationTrusted);
    out.writeLong(audits);
    out.writeLong(auditsAnswered);
    out.writeLong(framesSeen);
  }

  /** Reads back what {@link #save} wrote. */
  public static PolicyDecision read(DataInput in) throws IOException {
    List<Double> thresholds = new ArrayList<>();
    for (int i = in.readInt(); i > 0; i--) {
      thresholds.add(in.readDouble());
    }
    Accuracy overall = Accuracy.read(in);
    List<Accuracy> perClass = new ArrayList<>();
    for (int i = in.readInt(); i > 0; i--) {
      perClass.add(Accuracy.read(in));
    }
    return new PolicyDecision(List.copyOf(thresholds), overall, List.copyOf(perClass), in.readBoolean(), in.readLong(),
        in.readLong(), in.readLong());
  }
}
