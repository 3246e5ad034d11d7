package io.labelstream.review.policy;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Collects the controller's evidence from the stream: each routed prediction, and each human answer to a reviewed
 * or audited frame. Answers arrive after their predictions; an answer for a frame whose prediction has not been
 * seen yet is kept until it is. Thread-safe.
 */
public final class OutcomeLedger {

  private final ScoreGrid grid;
  private final StreamEvidence evidence;
  private final Map<String, Routed> awaitingAnswer = new HashMap<>();
  private final Map<String, Integer> earlyAnswers = new HashMap<>();
  private long frames;
  private long audits;
  private long auditsAnswered;

  private record Routed(int band, int predictedClass, boolean toModel) {}

  public OutcomeLedger(int classes, ScoreGrid grid) {
    this.grid = grid;
    this.evidence = StreamEvidence.empty(classes, grid);
  }

  /**
   * A prediction as routed.
   *
   * @param toModel the model labelled it (score at or above the threshold in force)
   * @param audited it is also a blind audit task
   */
  public synchronized void routed(String frameId, double score, int predictedClass, boolean toModel, boolean audited) {
    int band = grid.band(score);
    frames++;
    if (toModel) {
      evidence.modelRouted().add(predictedClass, band);
    }
    if (audited) {
      audits++;
    }
    Integer early = earlyAnswers.remove(frameId);
    if (!toModel || audited) {
      Routed routed = new Routed(band, predictedClass, toModel);
      if (early != null) {
        record(routed, early);
      } else {
        awaitingAnswer.put(frameId, routed);
      }
    }
  }

  /** A person's answer for a reviewed or audited frame; repeats and answers to other frames are ignored. */
  public synchronized void answered(String frameId, int humanClass) {
    Routed routed = awaitingAnswer.remove(frameId);
    if (routed == null) {
      earlyAnswers.putIfAbsent(frameId, humanClass);
      return;
    }
    record(routed, humanClass);
  }

  /**
   * Takes a routed frame out of the evidence again, with its answer when one came ({@code humanClass}, -1 when none
   * did: then the answer is no longer awaited): the frame turned out to belong to another regime.
   */
  public synchronized void retract(String frameId, double score, int predictedClass, boolean toModel, boolean audited,
      int humanClass) {
    int band = grid.band(score);
    frames--;
    if (toModel) {
      evidence.modelRouted().remove(predictedClass, band, false);
    }
    if (audited) {
      audits--;
    }
    if (awaitingAnswer.remove(frameId) == null && (!toModel || audited) && humanClass >= 0) {
      if (toModel) {
        auditsAnswered--;
      }
      (toModel ? evidence.audited() : evidence.reviewed()).remove(predictedClass, band, humanClass != predictedClass);
    }
  }

  private void record(Routed routed, int humanClass) {
    boolean error = humanClass != routed.predictedClass();
    if (routed.toModel()) {
      auditsAnswered++;
    }
    (routed.toModel() ? evidence.audited() : evidence.reviewed()).add(routed.predictedClass(), routed.band(), error);
  }

  public synchronized StreamEvidence snapshot() {
    return new StreamEvidence(evidence.modelRouted().copy(), evidence.reviewed().copy(), evidence.audited().copy());
  }

  public synchronized long frames() {
    return frames;
  }

  public synchronized long audits() {
    return audits;
  }

  public synchronized long auditsAnswered() {
    return auditsAnswered;
  }
  /** Writes the evidence, the frames awaiting an answer and the answers awaiting their frame. */
  public synchronized void save(DataOutput out) throws IOException {
    evidence.modelRouted().save(out);
    evidence.reviewed().save(out);
    evidence.audited().save(out);
    out.writeLong(frames);
    out.writeLong(audits);
    out.writeLong(auditsAnswered);
    out.writeInt(awaitingAnswer.size());
    for (Map.Entry<String, Routed> awaiting : awaitingAnswer.entrySet()) {
      out.writeUTF(awaiting.getKey());
      out.writeInt(awaiting.getValue().band());
      out.writeInt(awaiting.getValue().predictedClass());
      out.writeBoolean(awaiting.getValue().toModel());
    }
    out.writeInt(earlyAnswers.size());
    for (Map.Entry<String, Integer> early : earlyAnswers.entrySet()) {
      out.writeUTF(early.getKey());
      out.writeInt(early.getValue());
    }
  }

  /** Reads back what {@link #save} wrote into a ledger made for the same classes and grid. */
  public synchronized void restore(DataInput in) throws IOException {
    evidence.modelRouted().restore(in);
    evidence.reviewed().restore(in);
    evidence.audited().restore(in);
    frames = in.readLong();
    audits = in.readLong();
    auditsAnswered = in.readLong();
    awaitingAnswer.clear();
    for (int i = in.readInt(); i > 0; i--) {
      awaitingAnswer.put(in.readUTF(), new Routed(in.readInt(), in.readInt(), in.readBoolean()));
    }
    earlyAnswers.clear();
    for (int i = in.readInt(); i > 0; i--) {
      earlyAnswers.put(in.readUTF(), in.readInt());
    }
  }

}
