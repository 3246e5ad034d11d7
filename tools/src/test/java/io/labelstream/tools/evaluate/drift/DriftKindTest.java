package io.labelstream.tools.evaluate.drift;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelstream.inference.InferenceToolkit;
import io.labelstream.inference.InferenceToolkit.FrameStatistics;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.config.ToolVariables;
import io.labelstream.tools.fashionmnist.FashionMnistIdx;
import io.labelstream.tools.fashionmnist.GreyImages;
import java.io.IOException;
import java.util.Arrays;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The drift transforms on real test images: none at step 0, reproducible, and moving the statistics as they should. */
class DriftKindTest {

  private static byte[][] images;

  @BeforeAll
  static void readTheFirstTestImages() throws IOException {
    byte[][] all = FashionMnistIdx.images(Env.system().get(ToolVariables.LABELSTREAM_FASHION_MNIST)
        .resolve("t10k-images-idx3-ubyte.gz"));
    images = Arrays.copyOf(all, 50);
  }

  @ParameterizedTest
  @EnumSource(DriftKind.class)
  void stepZeroLeavesTheImageAlone(DriftKind kind) {
    for (int i = 0; i < images.length; i++) {
      assertThat(kind.apply(images[i], i, 0)).isEqualTo(images[i]);
    }
  }

  @ParameterizedTest
  @EnumSource(value = DriftKind.class, names = "CLASS_MIX", mode = EnumSource.Mode.EXCLUDE)
  void theSameImageKindAndStepGiveTheSameBytesAndSevereChangesThem(DriftKind kind) {
    DriftKind.Frame first = kind.frame(images[7], 7, DriftKind.STEPS);
    DriftKind.Frame again = kind.frame(images[7], 7, DriftKind.STEPS);

    assertThat(again.pixels()).isEqualTo(first.pixels());
    assertThat(again.encoded()).isEqualTo(first.encoded());
    assertThat(first.pixels()).isNotEqualTo(images[7]);
  }

  @Test
  void noiseIsSeededPerImageAndStep() {
    byte[] flat = new byte[28 * 28];
    Arrays.fill(flat, (byte) 128);

    assertThat(DriftKind.NOISE.apply(flat, 1, 3)).isNotEqualTo(DriftKind.NOISE.apply(flat, 2, 3))
        .isNotEqualTo(DriftKind.NOISE.apply(flat, 1, 4));
  }

  @Test
  void brightnessDarkensStepByStep() {
    assertFallsOverTheSteps(DriftKind.BRIGHTNESS, FrameStatistics::brightness);
  }

  @Test
  void contrastFlattensStepByStep() {
    assertFallsOverTheSteps(DriftKind.CONTRAST, FrameStatistics::contrast);
  }

  @Test
  void blurSoftensStepByStep() {
    assertFallsOverTheSteps(DriftKind.BLUR, FrameStatistics::sharpness);
  }

  @Test
  void noiseRoughensStepByStep() {
    assertFallsOverTheSteps(DriftKind.NOISE, s -> -s.sharpness());
  }

  @Test
  void translationMovesALoneDotByTheSevereDistance() {
    byte[] dot = new byte[28 * 28];
    dot[14 * 28 + 14] = (byte) 255;

    for (int image = 0; image < 20; image++) {
      byte[] moved = DriftKind.TRANSLATION.apply(dot, image, DriftKind.STEPS);
      int at = indexOfTheDot(moved);
      double distance = Math.hypot(at % 28 - 14, at / 28 - 14);
      // 5 px in a drawn direction, each axis rounded to whole pixels: from (4, 2) = 4.47 to (4, 4) = 5.66.
      assertThat(distance).isBetween(4.4, 5.7);
    }
  }

  @Test
  void jpegSendsTheJpegAndSeesItDecoded() throws IOException {
    DriftKind.Frame frame = DriftKind.JPEG.frame(images[0], 0, DriftKind.STEPS);

    assertThat(frame.encoded()[0]).isEqualTo((byte) 0xFF);
    assertThat(frame.encoded()[1]).isEqualTo((byte) 0xD8);
    assertThat(GreyImages.pixels(frame.encoded(), 28)).isEqualTo(frame.pixels());
  }

  @Test
  void classMixWeighsTheHardClassesUpToFourTimes() {
    assertThat(DriftKind.CLASS_MIX.classWeight(6, DriftSeverity.SEVERE.step())).isEqualTo(4.0);
    assertThat(DriftKind.CLASS_MIX.classWeight(6, DriftSeverity.MILD.step())).isEqualTo(2.0);
    assertThat(DriftKind.CLASS_MIX.classWeight(6, 0)).isEqualTo(1.0);
    assertThat(DriftKind.CLASS_MIX.classWeight(1, DriftSeverity.SEVERE.step())).isEqualTo(1.0);
    assertThat(DriftKind.NOISE.classWeight(6, DriftSeverity.SEVERE.step())).isEqualTo(1.0);
  }

  /** The mean of {@code statistic} over the images falls strictly from each step to the next. */
  private static void assertFallsOverTheSteps(DriftKind kind, ToDoubleFunction<FrameStatistics> statistic) {
    double previous = Double.POSITIVE_INFINITY;
    for (int step = 0; step <= DriftKind.STEPS; step++) {
      double sum = 0;
      for (int i = 0; i < images.length; i++) {
        sum += statistic.applyAsDouble(InferenceToolkit.greyStatistics(kind.apply(images[i], i, step), 28, 28));
      }
      double mean = sum / images.length;
      assertThat(mean).as("%s step %d", kind, step).isLessThan(previous);
      previous = mean;
    }
  }

  private static int indexOfTheDot(byte[] image) {
    int found = -1;
    for (int i = 0; i < image.length; i++) {
      if (image[i] != 0) {
        assertThat(found).as("a single lit pixel").isEqualTo(-1);
        found = i;
      }
    }
    assertThat(found).as("the dot is still in the frame").isNotEqualTo(-1);
    return found;
  }
}
