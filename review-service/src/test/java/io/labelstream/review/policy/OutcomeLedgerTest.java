package io.labelstream.review.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OutcomeLedgerTest {

  private static final int CLASSES = 3;
  private final ScoreGrid grid = ScoreGrid.standard();

  private record Routed(String id, double score, int predicted, boolean toModel, boolean audited, int answer) {}

  /**
   * A frame taken back out leaves the evidence as if it had never been routed: reviewed, audited (answered or still
   * awaited) and model-labelled alike, errors and counts; an answer to a retracted frame that was still awaited is not
   * counted when it comes.
   */
  @Test
  void shouldLeaveTheEvidenceAsIfARetractedFrameHadNeverBeenRouted() throws IOException {
    Random random = new Random(3);
    OutcomeLedger all = new OutcomeLedger(CLASSES, grid);
    OutcomeLedger kept = new OutcomeLedger(CLASSES, grid);
    for (int i = 0; i < 600; i++) {
      double score = 0.5 + 0.5 * random.nextDouble();
      int predicted = random.nextInt(CLASSES);
      boolean toModel = random.nextBoolean();
      boolean audited = toModel && random.nextInt(4) == 0;
      boolean answeredNow = random.nextInt(5) > 0;
      int answer = random.nextInt(4) == 0 ? (predicted + 1) % CLASSES : predicted;
      Routed r = new Routed("f" + i, score, predicted, toModel, audited, answer);
      boolean retract = i % 3 == 0;
      boolean asked = !toModel || audited;
      all.routed(r.id(), score, predicted, toModel, audited);
      if (!retract) {
        kept.routed(r.id(), score, predicted, toModel, audited);
      }
      if (asked && answeredNow) {
        all.answered(r.id(), answer);
        if (!retract) {
          kept.answered(r.id(), answer);
        }
      }
      if (retract) {
        all.retract(r.id(), score, predicted, toModel, audited, asked && answeredNow ? answer : -1);
        // the answer awaited arrives after all: the frame is no longer in this evidence
        if (asked && !answeredNow) {
          all.answered(r.id(), answer);
        }
      } else if (asked && !answeredNow) {
        all.answered(r.id(), answer);
        kept.answered(r.id(), answer);
      }
    }

    assertThat(all.frames()).isEqualTo(kept.frames()).isEqualTo(400);
    assertThat(all.audits()).isEqualTo(kept.audits());
    assertThat(all.auditsAnswered()).isEqualTo(kept.auditsAnswered());
    assertThat(bytes(all.snapshot())).isEqualTo(bytes(kept.snapshot()));
  }

  private static byte[] bytes(StreamEvidence evidence) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    DataOutputStream data = new DataOutputStream(out);
    evidence.modelRouted().save(data);
    evidence.reviewed().save(data);
    evidence.audited().save(data);
    return out.toByteArray();
  }
}
