package io.labelstream.inference.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.labelstream.inference.model.InputSpec;
import io.labelstream.inference.model.InputSpec.Resize;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Boxes found in the model input go back to the frame through the exact inverse of the decoder's fit: the letterbox's
 * scale and padding offsets (with its rounding), or the stretch.
 */
class FramePlacementTest {

  @ParameterizedTest(name = "{0} {1}x{2} into {3}x{4}")
  @CsvSource({
      "LETTERBOX, 640, 480, 640, 640",
      "LETTERBOX, 1280, 720, 640, 640",
      "LETTERBOX, 333, 500, 320, 320",
      "LETTERBOX, 1001, 3, 64, 64",
      "STRETCH, 1000, 600, 416, 416",
      "STRETCH, 20, 30, 640, 640"})
  void shouldMapEveryFramePointThroughTheFitAndBack(Resize resize, int w, int h, int inputW, int inputH) {
    // The forward fit as docs/detection.md and Fit state it, written out here.
    double contentW = inputW;
    double contentH = inputH;
    double padX = 0;
    double padY = 0;
    if (resize == Resize.LETTERBOX) {
      if ((long) inputW * h <= (long) inputH * w) {
        contentH = Math.max(1, Math.min(inputH, Math.floor((double) h * inputW / w + 0.5)));
        padY = Math.floor((inputH - contentH) / 2);
      } else {
        contentW = Math.max(1, Math.min(inputW, Math.floor((double) w * inputH / h + 0.5)));
        padX = Math.floor((inputW - contentW) / 2);
      }
    }
    FramePlacement placement = FramePlacement.of(resize, w, h, inputW, inputH);

    for (double fx : new double[] {0, 0.5, w / 3.0, w - 1, w}) {
      double u = padX + fx * contentW / w;
      assertThat(placement.frameX(u)).isCloseTo(fx, within(1e-9));
    }
    for (double fy : new double[] {0, 0.5, h / 3.0, h - 1, h}) {
      double v = padY + fy * contentH / h;
      assertThat(placement.frameY(v)).isCloseTo(fy, within(1e-9));
    }
    assertThat(placement.frameX(padX)).isCloseTo(0, within(1e-9));
    assertThat(placement.frameX(padX + contentW)).isCloseTo(w, within(1e-9));
  }

  @Test
  void shouldClipToTheFrameAndDropBoxesLeftWithNoArea() {
    FramePlacement placement = FramePlacement.of(Resize.LETTERBOX, 640, 480, 640, 640); // 80 rows of padding each side

    assertThat(placement.toFrame(10, 90, 110, 190)).containsExactly(10, 10, 100, 100);
    assertThat(placement.toFrame(-20, 40, 50, 120)).containsExactly(0, 0, 50, 40);
    assertThat(placement.toFrame(600, 500, 700, 600)).containsExactly(600, 420, 40, 60);
    assertThat(placement.toFrame(10, 10, 100, 70)).as("on the top padding only").isNull();
    assertThat(placement.toFrame(10, 570, 100, 640)).as("on the bottom padding only").isNull();
    assertThat(placement.toFrame(50, 200, 50, 300)).as("no width").isNull();
    assertThat(placement.toFrame(60, 200, 50, 300)).as("inverted").isNull();
    assertThat(placement.toFrame(Double.NaN, 200, 50, 300)).as("not a number").isNull();
  }

  /**
   * The placement the decoder reports for a real frame puts a rectangle found in the tensor back where it was drawn,
   * for a frame decoded at full size and one a big JPEG decoded at a quarter of its size.
   */
  @ParameterizedTest(name = "{0} {1}x{2} {3} into 320x320")
  @CsvSource({
      "LETTERBOX, 640, 480, png",
      "LETTERBOX, 480, 800, png",
      "STRETCH, 800, 500, png",
      "LETTERBOX, 2560, 1920, jpeg"})
  void shouldPutARectangleFoundInTheTensorBackWhereItWasDrawn(Resize resize, int w, int h, String format)
      throws Exception {
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.BLACK);
    g.fillRect(0, 0, w, h);
    g.setColor(Color.WHITE);
    int rx = w / 4;
    int ry = h / 3;
    int rw = w / 2;
    int rh = h / 4;
    g.fillRect(rx, ry, rw, rh);
    g.dispose();
    ByteArrayOutputStream encoded = new ByteArrayOutputStream();
    ImageIO.write(image, format, encoded);
    InputSpec input = new InputSpec("images", InputSpec.Layout.NCHW, 1, InputSpec.ColorOrder.RGB, 320, 320, resize,
        0, InputSpec.DType.FLOAT32, 1f, new float[] {0}, new float[] {1});

    FrameDecoder.Fitted fitted = new FrameDecoder(input).decodeFitted(encoded.toByteArray());

    // The rectangle's extent in the input: its columns and rows at least half white.
    int minU = 320;
    int maxU = -1;
    int minV = 320;
    int maxV = -1;
    for (int v = 0; v < 320; v++) {
      for (int u = 0; u < 320; u++) {
        if (fitted.tensor()[v * 320 + u] >= 127.5f) {
          minU = Math.min(minU, u);
          maxU = Math.max(maxU, u);
          minV = Math.min(minV, v);
          maxV = Math.max(maxV, v);
        }
      }
    }
    double[] box = fitted.placement().toFrame(minU, minV, maxU + 1, maxV + 1);
    FramePlacement p = fitted.placement();
    assertThat(p.frameWidth()).isEqualTo(w);
    assertThat(p.frameHeight()).isEqualTo(h);
    // Within one input pixel, in frame pixels, of where it was drawn.
    assertThat(box[0]).isCloseTo(rx, within(p.scaleX()));
    assertThat(box[1]).isCloseTo(ry, within(p.scaleY()));
    assertThat(box[2]).isCloseTo(rw, within(2 * p.scaleX()));
    assertThat(box[3]).isCloseTo(rh, within(2 * p.scaleY()));
  }
}
