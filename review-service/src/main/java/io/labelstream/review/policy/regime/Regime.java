package io.labelstream.review.policy.regime;

import io.labelstream.review.policy.OutcomeLedger;
import io.labelstream.review.policy.PolicyDecision;
import io.labelstream.review.policy.ThresholdController;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * One stretch of a scope's stream under one distribution: the evidence gathered since it began and the controller
 * that sets its thresholds from that evidence alone. The stream's first regime starts from the model's validation
 * predictions; a regime started by a detected change does not (they describe the camera as it was), so it starts
 * closed — every frame to people — and opens as its own answers support the target.
 */
final class Regime {

  private final int number;
  private final String scope;
  private final long startFrame;
  private final boolean afterChange;
  private final ThresholdController controller;
  private final OutcomeLedger ledger;
  private final long auditsToEstablish;
  private PolicyDecision latest;
  private long modelLabelled;
  private boolean established;

  /**
   * @param afterChange true for a regime a detected change started: it audits more until its bound is re-established
   * @param auditsToEstablish answered audits of its own model labels such a regime needs before it audits normally
   */
  Regime(int number, String scope, long startFrame, boolean afterChange, long auditsToEstablish,
      ThresholdController controller, OutcomeLedger ledger) {
    this.number = number;
    this.scope = scope;
    this.startFrame = startFrame;
    this.afterChange = afterChange;
    this.auditsToEstablish = auditsToEstablish;
    this.controller = controller;
    this.ledger = ledger;
    this.established = !afterChange;
    this.latest = controller.decide(ledger.snapshot(), 0, 0);
  }

  int number() {
    return number;
  }

  String scope() {
    return scope;
  }

  long startFrame() {
    return startFrame;
  }

  OutcomeLedger ledger() {
    return ledger;
  }

  void routed(String frameId, double score, int predictedClass, boolean toModel, boolean audited) {
    ledger.routed(frameId, score, predictedClass, toModel, audited);
    if (toModel) {
      modelLabelled++;
    }
  }

  /** Takes a frame {@link #routed} here out again, with its answer if one came (-1: none). */
  void retract(String frameId, double score, int predictedClass, boolean toModel, boolean audited, int humanClass) {
    ledger.retract(frameId, score, predictedClass, toModel, audited, humanClass);
    if (toModel) {
      modelLabelled--;
    }
  }

  long modelLabelled() {
    return modelLabelled;
  }

  PolicyDecision decide() {
    latest = controller.decide(ledger.snapshot(), ledger.audits(), ledger.auditsAnswered(), ledger.frames());
    if (!established && latest.overall().lowerBound() >= controller.settings().target()
        && latest.overall().modelLabelledShare() > 0) {
      established = latest.overall().audits() >= auditsToEstablish;
    }
    return latest;
  }

  PolicyDecision latest() {
    return latest;
  }

  /**
   * True once a regime a change started has its bound back: open, at or above the target, and backed by enough
   * answered audits of its own model labels. A regime without a change behind it is established from the start.
   */
  boolean established() {
    return established;
  }

  boolean afterChange() {
    return afterChange;
  }
  /** Writes what the records built: evidence, controller state, the latest decision, labels, whether established. */
  void save(DataOutput out) throws IOException {
    controller.save(out);
    ledger.save(out);
    latest.save(out);
    out.writeLong(modelLabelled);
    out.writeBoolean(established);
  }

  /** Reads back what {@link #save} wrote into a regime made with the same number, scope, start and settings. */
  void restore(DataInput in) throws IOException {
    controller.restore(in);
    ledger.restore(in);
    latest = PolicyDecision.read(in);
    modelLabelled = in.readLong();
    established = in.readBoolean();
  }

}
