package io.labelstream.inference.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.labelstream.inference.model.InputSpec;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** What the worker records of a big input: a point sample of its content that estimates the whole content's figures. */
class ContentStatisticsTest {

  @Test
  void shouldMeasureASmallInputWholeAndSampleABigOneWithinTheSideLimit() {
    assertThat(ContentStatistics.stride(28, 28)).isEqualTo(1);
    assertThat(ContentStatistics.stride(128, 96)).isEqualTo(1);
    assertThat(ContentStatistics.stride(224, 224)).isEqualTo(2);
    assertThat(ContentStatistics.stride(640, 480)).isEqualTo(5);
  }

  @Test
  void shouldEstimateTheContentsFiguresFromTheSampleLeavingThePaddingOut() {
    // A 512 x 256 frame letterboxed into 256 x 256: content 256 x 128 from row 64, padding (114) above and below.
    Fit fit = Fit.of(InputSpec.Resize.LETTERBOX, 512, 256, 256, 256);
    assertThat(fit.targetY()).isEqualTo(64);
    Random random = new Random(16);
    float[] input = new float[256 * 256 * 3];
    java.util.Arrays.fill(input, 114f);
    byte[] content = new byte[256 * 128 * 3];
    for (int i = 0; i < content.length; i++) {
      // A dim, noisy, reddish camera: red 60-140, green and blue 20-100.
      int value = (i % 3 == 0 ? 60 : 20) + random.nextInt(81);
      content[i] = (byte) value;
      input[64 * 256 * 3 + i] = value;
    }

    InputStatistics sampled = ContentStatistics.of(input, 3, 256, fit);
    InputStatistics whole = InputStatistics.ofRgb(content, 256, 128);

    assertThat(sampled.brightness()).isCloseTo(whole.brightness(), within(0.005));
    assertThat(sampled.contrast()).isCloseTo(whole.contrast(), within(0.005));
    // Independent noise has the same Laplacian at any spacing.
    assertThat(sampled.sharpness()).isCloseTo(whole.sharpness(), within(0.05 * whole.sharpness()));
    assertThat(sampled.colourfulness()).isCloseTo(whole.colourfulness(), within(0.01));
  }
}
