package io.labelstream.inference.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labelstream.inference.model.InputSpec;
import io.labelstream.platform.image.DecodeBudget;
import io.labelstream.testsupport.CameraFrames;
import io.labelstream.testsupport.HostileImages;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The fast JPEG path (libjpeg-turbo, scaled while decoding) against ImageIO's full-size decode put through the same
 * fit and resize: camera frames must come out nearly the same, so a wrong scaling factor, a swapped side or a
 * wrong row pitch fails here. Also: JPEG goes through the same resize as PNG, and hostile JPEGs are refused by both
 * decoders.
 */
class FastJpegTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final InputSpec RGB_224 = new InputSpec("input", InputSpec.Layout.NHWC, 3, InputSpec.ColorOrder.RGB,
      224, 224, InputSpec.Resize.STRETCH, 114, InputSpec.DType.FLOAT32, 1f, new float[3], new float[] {1, 1, 1});
  private static final InputSpec GREY_28 = InputSpec.rawGrey("image", 28, 28);

  @Test
  void shouldDecodeA720pCameraFrameScaledNearlyAsImageIoDoesAtFullSize() throws IOException {
    TurboJpeg turbo = TurboJpegRequired.library();
    for (long seed = 1; seed <= 3; seed++) {
      byte[] jpeg = CameraFrames.jpeg(1280, 720, seed);
      for (InputSpec.Resize resize : InputSpec.Resize.values()) {
        InputSpec input = with(RGB_224, resize);
        float[] fast = decoder(input, Optional.of(turbo)).decode(jpeg);
        float[] imageIo = decoder(input, Optional.empty()).decode(jpeg);

        // Measured on these frames: 0.74 to 1.50 at the chosen eighths (the DCT's scaling filters noise a little
        // differently from an area average); one eighth too few gave 2.6 to 3.4, two 6 to 7, with the planes decode
        // the worker had before.
        assertThat(meanAbsoluteDifference(fast, imageIo)).as("seed %d, %s", seed, resize).isLessThan(2.5);
      }
    }
  }

  @Test
  void shouldDecodeAColourFrameForAGreyModelNearlyAsImageIoDoes() throws IOException {
    TurboJpeg turbo = TurboJpegRequired.library();
    byte[] jpeg = CameraFrames.jpeg(1280, 720, 7);

    float[] fast = decoder(GREY_28, Optional.of(turbo)).decode(jpeg);
    float[] imageIo = decoder(GREY_28, Optional.empty()).decode(jpeg);

    assertThat(meanAbsoluteDifference(fast, imageIo)).isLessThan(2.5);
  }

  @Test
  void shouldLayOutOrderAndNormaliseAColourJpegAsEveryCardAsks() throws IOException {
    TurboJpeg turbo = TurboJpegRequired.library();
    byte[] jpeg = CameraFrames.jpeg(640, 480, 9);
    float[] raw = decoder(with(RGB_224, InputSpec.Resize.LETTERBOX), Optional.of(turbo)).decode(jpeg); // y, x, rgb
    float[] mean = {0.485f, 0.456f, 0.406f};
    float[] std = {0.229f, 0.224f, 0.225f};
    int plane = 224 * 224;
    for (InputSpec.Layout layout : InputSpec.Layout.values()) {
      for (InputSpec.ColorOrder order : InputSpec.ColorOrder.values()) {
        for (InputSpec.DType dtype : InputSpec.DType.values()) {
          InputSpec input = new InputSpec("input", layout, 3, order, 224, 224, InputSpec.Resize.LETTERBOX, 114, dtype,
              1f / 255, mean, std);
          float[] tensor = decoder(input, Optional.of(turbo)).decode(jpeg);
          for (int i = 0; i < plane; i += 97) {
            for (int c = 0; c < 3; c++) {
              float p = raw[3 * i + (order == InputSpec.ColorOrder.BGR ? 2 - c : c)];
              float expected = dtype == InputSpec.DType.UINT8 ? (float) Math.floor(p + 0.5)
                  : (p / 255 - mean[c]) / std[c];
              float actual = tensor[layout == InputSpec.Layout.NCHW ? c * plane + i : 3 * i + c];
              assertThat(actual).as("%s %s %s pixel %d channel %d", layout, order, dtype, i, c)
                  .isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-4f));
            }
          }
        }
      }
    }
  }

  @Test
  void shouldDecodeWithTheSmallestEighthThatKeepsAPixelPerInputPixel() {
    Fit.Need stretch = new Fit.Need(InputSpec.Resize.STRETCH, 224, 224);
    Fit.Need letterbox = new Fit.Need(InputSpec.Resize.LETTERBOX, 224, 224);

    assertThat(TurboJpeg.eighths(1280, 720, stretch)).isEqualTo(3); // 480x270: 720/4 = 180 would be too short
    assertThat(TurboJpeg.eighths(1280, 720, letterbox)).isEqualTo(2); // 320x180 holds the 224x126 picture
    assertThat(TurboJpeg.eighths(1280, 720, new Fit.Need(InputSpec.Resize.STRETCH, 28, 28))).isEqualTo(1);
    assertThat(TurboJpeg.eighths(224, 224, stretch)).isEqualTo(8);
    assertThat(TurboJpeg.eighths(100, 100, stretch)).isEqualTo(8); // never enlarged by the decoder
    assertThat(TurboJpeg.scaled(1281, 3)).isEqualTo(481); // rounded up, as TurboJPEG does
  }

  @Test
  void shouldFeedAJpegThroughTheSameResizeAsThePngOfTheSamePicture() throws IOException {
    BufferedImage scene = CameraFrames.scene(640, 360, 11);
    byte[] jpeg = CameraFrames.jpeg(scene, 0.95f);
    java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
    ImageIO.write(scene, "png", png);
    InputSpec input = with(RGB_224, InputSpec.Resize.CENTER_CROP);

    float[] fromPng = decoder(input, Optional.empty()).decode(png.toByteArray());
    float[] fromJpegByImageIo = decoder(input, Optional.empty()).decode(jpeg);

    // What JPEG's quantisation takes from the sensor noise (2.4 measured), not a different resize.
    assertThat(meanAbsoluteDifference(fromJpegByImageIo, fromPng)).isLessThan(3.0);
    if (TurboJpeg.available().isPresent()) {
      float[] fromJpegByTurbo = decoder(input, TurboJpeg.available()).decode(jpeg);
      assertThat(meanAbsoluteDifference(fromJpegByTurbo, fromPng)).isLessThan(3.0);
    }
  }

  @Test
  void shouldReadAJpegAtFullSizeWhenItIsNoBiggerThanTheInput() throws IOException {
    TurboJpeg turbo = TurboJpegRequired.library();
    byte[] jpeg = CameraFrames.jpeg(CameraFrames.scene(224, 224, 3), 0.9f);
    BufferedImage full = ImageIO.read(new ByteArrayInputStream(jpeg));
    InputSpec uint8 = new InputSpec("input", InputSpec.Layout.NHWC, 3, InputSpec.ColorOrder.RGB, 224, 224,
        InputSpec.Resize.STRETCH, 114, InputSpec.DType.UINT8, 1f, new float[3], new float[] {1, 1, 1});

    float[] fast = decoder(uint8, Optional.of(turbo)).decode(jpeg);

    // Both are libjpeg underneath; the JDK's copy may round its colour conversion or upsampling differently.
    double difference = 0;
    for (int y = 0; y < 224; y++) {
      for (int x = 0; x < 224; x++) {
        int rgb = full.getRGB(x, y);
        difference += Math.abs(fast[(y * 224 + x) * 3] - ((rgb >> 16) & 0xFF));
      }
    }
    assertThat(difference / (224 * 224)).isLessThan(1.0);
  }

  @Test
  void shouldRefuseHostileJpegsWithEitherDecoder() {
    for (Optional<TurboJpeg> turbo : new Optional[] {Optional.empty(), TurboJpeg.available()}) {
      FrameDecoder decoder = decoder(RGB_224, turbo);
      assertThatThrownBy(() -> decoder.decode(HostileImages.jpegClaiming(6000, 4000))).isInstanceOf(IOException.class)
          .hasMessageContaining("corrupt_image");
      assertThatThrownBy(() -> decoder.decode(HostileImages.truncatedAfterStartOfScan(HostileImages.noiseJpeg(64, 48),
          40))).isInstanceOf(IOException.class).hasMessageContaining("truncated_image");
    }
  }

  @Test
  void shouldRefuseAJpegWhoseScanIsCorruptedWithTurboJpeg() {
    TurboJpeg turbo = TurboJpegRequired.library();
    byte[] jpeg = CameraFrames.jpeg(320, 240, 5);
    // Stuff a restart marker into the middle of the entropy-coded data: the structure stays complete, the data
    // does not decode cleanly, and libjpeg reports it only as a warning.
    jpeg[jpeg.length / 2] = (byte) 0xFF;
    jpeg[jpeg.length / 2 + 1] = (byte) 0xD3;

    assertThatThrownBy(() -> decoder(RGB_224, Optional.of(turbo)).decode(jpeg)).isInstanceOf(IOException.class)
        .hasMessageContaining("corrupt_image");
  }

  private static FrameDecoder decoder(InputSpec input, Optional<TurboJpeg> turbo) {
    return new FrameDecoder(input, DecodeBudget.defaults(), TIMEOUT, turbo);
  }

  private static InputSpec with(InputSpec input, InputSpec.Resize resize) {
    return new InputSpec(input.name(), input.layout(), input.channels(), input.colorOrder(), input.width(),
        input.height(), resize, input.padValue(), input.dtype(), input.scale(), input.mean(), input.std());
  }

  private static double meanAbsoluteDifference(float[] a, float[] b) {
    assertThat(a).hasSameSizeAs(b);
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += Math.abs(a[i] - b[i]);
    }
    return sum / a.length;
  }
}
