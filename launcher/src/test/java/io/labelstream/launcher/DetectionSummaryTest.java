package io.labelstream.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelstream.platform.model.ModelIdentity;
import io.labelstream.schemas.avro.Box;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The detection demo's figures from frames whose truth and boxes are known, and how its policy line reads. */
class DetectionSummaryTest {

  private static final ModelIdentity MODEL = new ModelIdentity("det", "1", "detection", List.of("Bag", "Coat", "Shoe"));
  private static final DetectionSummary.Policy CLOSED = new DetectionSummary.Policy(true, 0.95, 0.95, 0, 0, 0, null,
      Optional.empty());

  @Test
  void shouldScoreTheBoxesByBoxMatching() {
    SampleScenes.Scene twoBags = scene(new SampleScenes.TrueBox("Bag", 10, 10, 100, 100),
        new SampleScenes.TrueBox("Bag", 300, 300, 50, 50));
    SampleScenes.Scene empty = scene();
    SampleScenes.Scene aCoat = scene(new SampleScenes.TrueBox("Coat", 0, 0, 100, 200));
    List<Box> exact = List.of(box("Bag", 12, 10, 100, 100), box("Bag", 300, 305, 50, 50));
    List<Box> wrongClass = List.of(box("Bag", 0, 0, 100, 200), box("Shoe", 500, 400, 40, 40));
    List<DetectionDemo.FrameOutcome> frames = List.of(
        new DetectionDemo.FrameOutcome("f1", twoBags, exact, false, exact),
        new DetectionDemo.FrameOutcome("f2", empty, List.of(), false, List.of()),
        new DetectionDemo.FrameOutcome("f3", aCoat, wrongClass, true, null));

    DetectionSummary summary = DetectionSummary.of(MODEL, frames, CLOSED, 1, 2);

    assertThat(summary.frames()).isEqualTo(3);
    assertThat(summary.trueBoxes()).isEqualTo(3);
    assertThat(summary.modelLabelled()).isEqualTo(2);
    assertThat(summary.modelLabelledExact()).isEqualTo(2);
    assertThat(summary.waitingForReview()).isEqualTo(1);
    assertThat(summary.proposedBoxes()).isEqualTo(4);
    assertThat(summary.proposedPerClass()).containsExactly(java.util.Map.entry("Bag", 3), java.util.Map.entry("Coat", 0),
        java.util.Map.entry("Shoe", 1));
    assertThat(summary.framesExact()).isEqualTo(2);
    assertThat(summary.matchedBoxes()).isEqualTo(2);
    double iouShifted = (98.0 * 100) / (2 * 100 * 100 - 98.0 * 100);
    double iouShiftedSmall = (50.0 * 45) / (2 * 50 * 50 - 50.0 * 45);
    assertThat(summary.meanMatchedIou()).isCloseTo((iouShifted + iouShiftedSmall) / 2, org.assertj.core.api.Assertions.within(1e-6));
    assertThat(summary.frameIds()).containsExactly("f1", "f2", "f3");

    String printed = print(summary);
    assertThat(printed).contains("model-labelled:         2 (66.7%), exact against the true boxes 100.0% (2/2)")
        .contains("waiting for review:     1 (33.3%)")
        .contains("boxes proposed:         4: Bag 3, Shoe 1 (none of the other 1 class)")
        .contains("frames exact:         2/3 (66.7%)")
        .contains("box precision:        0.500 (2/4), recall 0.667 (2/3)");
  }

  @Test
  void shouldSayTheClosedPolicySendsEveryFrameToPeople() {
    DetectionDemo.FrameOutcome waiting = new DetectionDemo.FrameOutcome("f", scene(), List.of(), true, null);
    String printed = print(DetectionSummary.of(MODEL, List.of(waiting), CLOSED, 1, 2));
    assertThat(printed).contains("model-labelled:         0 (0.0%)\n")
        .contains("closed: no evidence yet that this detector's frames are exact at the target 0.95, so every frame "
            + "goes to people")
        .contains("boxes proposed:         0: none");
    DetectionSummary.Policy open = new DetectionSummary.Policy(false, 0.95, 0.95, 0.97, 0.951, 40, 0.8, Optional.empty());
    assertThat(print(DetectionSummary.of(MODEL, List.of(waiting), open, 1, 2)))
        .contains("frames scoring >= 0.8000 are model-labelled; frame exactness >= 0.9510 at 95% confidence "
            + "(estimate 0.9700, target 0.95), 40 blind audits answered so far");
  }

  private static String print(DetectionSummary summary) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    summary.print(new PrintStream(out, true, StandardCharsets.UTF_8), "http://127.0.0.1:8083", "token");
    return out.toString(StandardCharsets.UTF_8);
  }

  private static SampleScenes.Scene scene(SampleScenes.TrueBox... boxes) {
    return new SampleScenes.Scene(Path.of("scene.jpg"), 640, 480, List.of(boxes));
  }

  private static Box box(String label, float x, float y, float w, float h) {
    return Box.newBuilder().setLabel(label).setClassIndex(MODEL.classNames().indexOf(label)).setX(x).setY(y).setW(w)
        .setH(h).setConfidence(0.9f).build();
  }
}
