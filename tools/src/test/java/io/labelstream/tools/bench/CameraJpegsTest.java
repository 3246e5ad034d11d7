package io.labelstream.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The 720p figures' frames are what a camera sends: distinct 1280x720 colour JPEGs of camera-like size. */
class CameraJpegsTest {

  private static final Path SAMPLES = Path.of(System.getProperty("labelstream.root", "..")).resolve("model/samples");

  @Test
  void shouldMakeDistinctColourJpegsOfCameraSize() throws Exception {
    List<byte[]> frames = CameraJpegs.jpegs(BenchFrames.load(SAMPLES), 2);

    assertThat(frames).hasSize(2);
    assertThat(frames.get(0)).isNotEqualTo(frames.get(1));
    for (byte[] jpeg : frames) {
      assertThat(jpeg).startsWith(0xFF, 0xD8);
      // Sensor noise keeps them near a real 720p frame's size (a flat synthetic one would be a few kilobytes).
      assertThat(jpeg.length).isBetween(50_000, 400_000);
      BufferedImage image = ImageIO.read(new ByteArrayInputStream(jpeg));
      assertThat(image.getWidth()).isEqualTo(1280);
      assertThat(image.getHeight()).isEqualTo(720);
      assertThat(image.getColorModel().getNumColorComponents()).isEqualTo(3);
    }
  }
}
