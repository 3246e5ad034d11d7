package io.labelstream.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The decode figures' frames have the densities docs/performance.md states: the main set as dense as real camera
 * JPEGs (0.78 bits per pixel), the second set about twice that.
 */
class DecodeBenchTest {

  @Test
  void shouldMeasureOnFramesAsDenseAsACameraStreamAndOnTwiceAsDenseOnes() {
    double stream = DecodeBench.cameraStream().bitsPerPixel();
    double dense = DecodeBench.dense().bitsPerPixel();

    assertThat(stream).isBetween(0.72, 0.84);
    assertThat(dense).isBetween(1.3, 1.6);
  }
}
