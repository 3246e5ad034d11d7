package io.labelstream.inference.model;

import static io.labelstream.inference.model.TestModels.COLOUR_NCHW_LOGITS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HorizontalFlipTest {

  private static InputSpec spec(InputSpec.Layout layout, int channels, int width, int height) {
    return new InputSpec("x", layout, channels, InputSpec.ColorOrder.RGB, width, height, InputSpec.Resize.STRETCH,
        114, InputSpec.DType.FLOAT32, 1f, new float[channels], filled(channels, 1f));
  }

  @Test
  void shouldMirrorEachRowOfEachChannelPlaneInNchw() {
    // 2 channels, 2 rows, 3 columns: c,y,x
    float[] image = {1, 2, 3, 4, 5, 6, 11, 12, 13, 14, 15, 16};

    assertThat(HorizontalFlip.of(image, spec(InputSpec.Layout.NCHW, 2, 3, 2)))
        .containsExactly(3, 2, 1, 6, 5, 4, 13, 12, 11, 16, 15, 14);
  }

  @Test
  void shouldMirrorWholePixelsKeepingTheirChannelOrderInNhwc() {
    // 2 rows, 3 columns, 2 channels: y,x,c
    float[] image = {1, 11, 2, 12, 3, 13, 4, 14, 5, 15, 6, 16};

    assertThat(HorizontalFlip.of(image, spec(InputSpec.Layout.NHWC, 2, 3, 2)))
        .containsExactly(3, 13, 2, 12, 1, 11, 6, 16, 5, 15, 4, 14);
  }

  @Test
  void shouldRunTheMirrorTooAndAnswerAsATwoViewEnsemble(@TempDir Path dir) throws Exception {
    String card = TestModels.card(COLOUR_NCHW_LOGITS).replace("\"task\": \"classification\",",
        "\"task\": \"classification\", \"testTimeAugmentation\": [\"horizontal-flip\"],");
    try (OnnxModel plain = OnnxModel.load(TestModels.model(COLOUR_NCHW_LOGITS), SessionSettings.defaults());
        OnnxModel flipping = OnnxModel.load(TestModels.withCard(COLOUR_NCHW_LOGITS, card, dir),
            SessionSettings.defaults())) {
      InputSpec input = plain.card().input();
      float[] leftRedRightBlue = TestModels.solid(input, 255, 0, 0);
      float[] blue = TestModels.solid(input, 0, 0, 255);
      int plane = input.width() * input.height();
      for (int c = 0; c < 3; c++) {
        for (int y = 0; y < input.height(); y++) {
          int row = c * plane + y * input.width();
          // The right 40 % blue: the picture is still mostly red, its mirror the same.
          System.arraycopy(blue, row + 134, leftRedRightBlue, row + 134, 90);
        }
      }
      float[] mirrored = HorizontalFlip.of(leftRedRightBlue, input);

      ModelOutput original = plain.run(List.of(leftRedRightBlue))[0];
      ModelOutput mirror = plain.run(List.of(mirrored))[0];
      ModelOutput both = flipping.run(List.of(leftRedRightBlue))[0];

      assertThat(both.memberProbs()).hasNumberOfRows(2);
      assertThat(both.memberProbs()[0]).containsExactly(original.meanProbs(), within(1e-6f));
      assertThat(both.memberProbs()[1]).containsExactly(mirror.meanProbs(), within(1e-6f));
      for (int c = 0; c < 3; c++) {
        assertThat(both.meanProbs()[c]).isCloseTo((original.meanProbs()[c] + mirror.meanProbs()[c]) / 2, within(1e-6f));
      }
      assertThat(ClassifierModelsTest.argmax(both.meanProbs())).isZero();
    }
  }

  private static float[] filled(int n, float v) {
    float[] a = new float[n];
    java.util.Arrays.fill(a, v);
    return a;
  }
}
