package io.labelstream.inference.detection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.labelstream.inference.image.FramePlacement;
import io.labelstream.inference.model.DetectionOutput;
import io.labelstream.inference.model.DetectorOutput;
import io.labelstream.inference.model.InputSpec;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The two ranked views of a {@code yolo} answer that {@code model check} measures a detector's mAP on. */
class RankedBoxesTest {

  /**
   * Two anchors on almost the same box (IoU 0.9), three classes: anchor 0 scores 0.7 / 0.2 / 0.0005, anchor 1
   * 0.6 / 0.3 / 0.
   */
  private static final DetectorOutput OUTPUT = new DetectorOutput(Map.of("output0", new DetectorOutput.Tensor(
      new float[] {
        50, 50, // cx
        50, 50, // cy
        20, 20, // w
        20, 18, // h
        0.7f, 0.6f, // class 0
        0.2f, 0.3f, // class 1
        0.0005f, 0f}, // class 2
      new int[] {7, 2})));
  private static final BoxDecoder DECODER = new BoxDecoder(
      new DetectionOutput.Yolo("output0", new DetectionOutput.Limits(0.25, 0.45, 100)), 3, 100, 100);
  private static final FramePlacement SAME = FramePlacement.of(InputSpec.Resize.STRETCH, 100, 100, 100, 100);

  @Test
  void shouldRankEachAnchorOncePerClassAboveTheFloorWithNmsWithinEachClass() {
    // Class 0: anchor 1 (0.6) lies under anchor 0 (0.7); class 1: anchor 0 (0.2) under anchor 1 (0.3); class 2:
    // below the floor.
    assertThat(DECODER.ranked(OUTPUT, SAME, 0.001, 100, true))
        .extracting(FrameBox::classIndex, FrameBox::score, FrameBox::h)
        .containsExactly(tuple(0, 0.7f, 20.0), tuple(1, 0.3f, 18.0));
  }

  @Test
  void shouldRankEachAnchorOnceForItsBestClassAsTheWorkerDoes() {
    assertThat(DECODER.ranked(OUTPUT, SAME, 0.001, 100, false))
        .extracting(FrameBox::classIndex, FrameBox::score).containsExactly(tuple(0, 0.7f));
    assertThat(DECODER.ranked(OUTPUT, SAME, 0.001, 1, true)).as("at most the limit, the most confident")
        .extracting(FrameBox::score).containsExactly(0.7f);
  }
}
