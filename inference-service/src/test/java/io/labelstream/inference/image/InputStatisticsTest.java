package io.labelstream.inference.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The four statistics on images small enough to work out by hand. */
class InputStatisticsTest {

  @Test
  void flatGreyHasNoContrastSharpnessOrColour() {
    byte[] grey = new byte[5 * 3];
    Arrays.fill(grey, (byte) 51);

    InputStatistics s = InputStatistics.ofGrey(grey, 5, 3);

    assertThat(s.brightness()).isCloseTo(0.2, within(1e-12));
    assertThat(s.contrast()).isZero();
    assertThat(s.sharpness()).isZero();
    assertThat(s.colourfulness()).isZero();
  }

  /**
   * A 4x4 black and white checkerboard: every neighbour differs, so an inner pixel's Laplacian is 4; an edge pixel
   * repeats itself once (3), a corner twice (2): (4 corners x 2 + 8 edges x 3 + 4 inner x 4) / 16 = 3.
   */
  @Test
  void checkerboardHasHalfBrightnessHalfContrastAndSharpnessThree() {
    byte[] grey = new byte[16];
    for (int y = 0; y < 4; y++) {
      for (int x = 0; x < 4; x++) {
        grey[y * 4 + x] = (byte) ((x + y) % 2 == 0 ? 255 : 0);
      }
    }

    InputStatistics s = InputStatistics.ofGrey(grey, 4, 4);

    assertThat(s.brightness()).isCloseTo(0.5, within(1e-12));
    assertThat(s.contrast()).isCloseTo(0.5, within(1e-12));
    assertThat(s.sharpness()).isCloseTo(3.0, within(1e-12));
  }

  @Test
  void pureRedIsColourfulWithRec601Luma() {
    InputStatistics s = InputStatistics.ofRgb(rgb(4, 4, 255, 0, 0), 4, 4);

    // rg = 1, yb = 0.5 everywhere: no spread, so only 0.3 * |mean| remains.
    assertThat(s.colourfulness()).isCloseTo(0.3 * Math.sqrt(1.25), within(1e-12));
    assertThat(s.brightness()).isCloseTo(0.299, within(1e-12));
    assertThat(s.contrast()).isZero();
  }

  @Test
  void greyInRgbHasNoColourAndMatchesTheGreyStatistics() {
    byte[] rgb = rgb(4, 4, 128, 128, 128);
    rgb[5 * 3] = rgb[5 * 3 + 1] = rgb[5 * 3 + 2] = (byte) 200;
    byte[] grey = new byte[16];
    Arrays.fill(grey, (byte) 128);
    grey[5] = (byte) 200;

    InputStatistics colour = InputStatistics.ofRgb(rgb, 4, 4);
    InputStatistics plain = InputStatistics.ofGrey(grey, 4, 4);

    assertThat(colour.colourfulness()).isZero();
    assertThat(colour.brightness()).isCloseTo(plain.brightness(), within(1e-9));
    assertThat(colour.contrast()).isCloseTo(plain.contrast(), within(1e-9));
    assertThat(colour.sharpness()).isCloseTo(plain.sharpness(), within(1e-9));
  }

  @Test
  void rejectsBytesThatDoNotMatchTheSize() {
    assertThatThrownBy(() -> InputStatistics.ofRgb(new byte[16], 4, 4)).isInstanceOf(IllegalArgumentException.class);
  }

  private static byte[] rgb(int width, int height, int r, int g, int b) {
    byte[] rgb = new byte[width * height * 3];
    for (int i = 0; i < rgb.length; i += 3) {
      rgb[i] = (byte) r;
      rgb[i + 1] = (byte) g;
      rgb[i + 2] = (byte) b;
    }
    return rgb;
  }
}
