package io.labelstream.inference.image;

import io.labelstream.inference.model.InputSpec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labelstream.inference.Samples;
import io.labelstream.testsupport.CameraFrames;
import io.labelstream.testsupport.HostileImages;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class FrameDecoderTest {

  private final FrameDecoder decoder = new FrameDecoder(InputSpec.rawGrey("image", 28, 28));

  @Test
  void shouldKeepTheExactGreyValuesOfAModelSizedPng() throws IOException {
    byte[] png = Samples.png(0);
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
    int[] expected = image.getRaster().getSamples(0, 0, 28, 28, 0, (int[]) null);

    float[] pixels = decoder.decode(png);

    assertThat(pixels).hasSize(784);
    for (int i = 0; i < expected.length; i++) {
      assertThat(pixels[i]).isEqualTo((float) expected[i]);
    }
    assertThat(pixels).contains(0f);
  }

  @Test
  void shouldScaleALargerColourImageDownByAreaAveraging() throws IOException {
    float[] original = decoder.decode(Samples.png(1));
    BufferedImage big = new BufferedImage(56, 56, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 56; y++) {
      for (int x = 0; x < 56; x++) {
        int v = (int) original[(y / 2) * 28 + x / 2];
        big.setRGB(x, y, (v << 16) | (v << 8) | v);
      }
    }
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(big, "png", png);

    float[] scaled = decoder.decode(png.toByteArray());

    for (int i = 0; i < original.length; i++) {
      assertThat(scaled[i]).isCloseTo(original[i], org.assertj.core.data.Offset.offset(0.51f));
    }
  }

  @Test
  void shouldMeasureTheFrameTheModelSeesWithoutTheLetterboxPadding() throws IOException {
    InputSpec letterbox = new InputSpec("images", InputSpec.Layout.NCHW, 3, InputSpec.ColorOrder.RGB, 64, 64,
        InputSpec.Resize.LETTERBOX, 114, InputSpec.DType.FLOAT32, 1 / 255f, new float[] {0, 0, 0},
        new float[] {1, 1, 1});
    byte[] wide = solidPng(64, 32, 200, 100, 50);
    FrameDecoder colour = new FrameDecoder(letterbox);

    FrameDecoder.Measured measured = colour.decodeMeasured(wide);

    assertThat(measured.fitted().tensor()).containsExactly(colour.decodeFitted(wide).tensor());
    // Luma 0.299 * 200 + 0.587 * 100 + 0.114 * 50 = 124.2 over the content only: padding (114) would give contrast.
    assertThat(measured.statistics().brightness()).isCloseTo(124.2 / 255, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(measured.statistics().contrast()).isZero();
    assertThat(measured.statistics().sharpness()).isZero();
    assertThat(measured.statistics().colourfulness()).isGreaterThan(0.1);
    // A grey model sees the luma only: no colour.
    assertThat(decoder.decodeMeasured(wide).statistics().colourfulness()).isZero();
    // A PNG loses nothing: quality 1.
    assertThat(measured.statistics().jpegQuality()).isEqualTo(1.0);
  }

  @Test
  void shouldReadHowHardAJpegFrameWasCompressed() throws IOException {
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(Samples.png(0)));
    for (int quality : new int[] {54, 92}) {
      byte[] jpeg = CameraFrames.jpeg(image, quality / 100f);

      assertThat(decoder.decodeMeasured(jpeg).statistics().jpegQuality()).isEqualTo(quality / 100.0);
    }
  }

  private static byte[] solidPng(int width, int height, int red, int green, int blue) throws IOException {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.setRGB(x, y, (red << 16) | (green << 8) | blue);
      }
    }
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(image, "png", png);
    return png.toByteArray();
  }

  @Test
  void shouldRefuseADecompressionBombWithoutDecodingIt() throws IOException {
    // A valid 1x1 PNG whose header is rewritten to claim 100,000 x 100,000 pixels (CRC fixed up).
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(new BufferedImage(1, 1, BufferedImage.TYPE_BYTE_GRAY), "png", png);
    byte[] bomb = png.toByteArray();
    java.nio.ByteBuffer.wrap(bomb, 16, 8).putInt(100_000).putInt(100_000);
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(bomb, 12, 17);
    java.nio.ByteBuffer.wrap(bomb, 29, 4).putInt((int) crc.getValue());

    assertThatThrownBy(() -> decoder.decode(bomb)).isInstanceOf(IOException.class).hasMessageContaining("100000x100000");
  }

  @Test
  void shouldRefuseATinyImageButScaleUpASmallOne() throws IOException {
    ByteArrayOutputStream tiny = new ByteArrayOutputStream();
    ImageIO.write(new BufferedImage(1, 1, BufferedImage.TYPE_BYTE_GRAY), "png", tiny);
    assertThatThrownBy(() -> decoder.decode(tiny.toByteArray())).isInstanceOf(IOException.class).hasMessageContaining("1x1");

    ByteArrayOutputStream small = new ByteArrayOutputStream();
    BufferedImage eight = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < 8; y++) {
      for (int x = 0; x < 8; x++) {
        eight.getRaster().setSample(x, y, 0, 200);
      }
    }
    ImageIO.write(eight, "png", small);
    assertThat(decoder.decode(small.toByteArray())).hasSize(784).containsOnly(200f);
  }

  @Test
  void shouldRefuseA16BitRgbaPngBombInsteadOfRunningOutOfMemory() {
    byte[] bomb = HostileImages.pngOfZeros(8192, 8192, 16, HostileImages.RGBA);

    assertThatThrownBy(() -> decoder.decode(bomb)).isInstanceOf(IOException.class)
        .hasMessageContaining("image_too_large").hasMessageContaining("8192x8192");
  }

  @Test
  void shouldRefuseAKilobyteJpegWhoseHeaderLiesAboutItsSizeInsteadOfLabellingItsGreyFill() {
    byte[] lie = HostileImages.jpegClaiming(6000, 4000);

    assertThatThrownBy(() -> decoder.decode(lie)).isInstanceOf(IOException.class).hasMessageContaining("corrupt_image");
  }

  @Test
  void shouldRefuseAJpegCut40BytesAfterItsStartOfScanInsteadOfLabellingHalfAPicture() {
    byte[] truncated = HostileImages.truncatedAfterStartOfScan(HostileImages.noiseJpeg(64, 48), 40);

    assertThatThrownBy(() -> decoder.decode(truncated)).isInstanceOf(IOException.class).hasMessageContaining("truncated_image");
  }

  @Test
  void shouldRefuseJpegsAndPngsWithGarbageAfterTheirEnd() {
    byte[] jpeg = HostileImages.withTrailingGarbage(HostileImages.noiseJpeg(64, 48));
    byte[] png = HostileImages.withTrailingGarbage(HostileImages.noisePng(64, 48));

    assertThatThrownBy(() -> decoder.decode(jpeg)).isInstanceOf(IOException.class).hasMessageContaining("data_after_image_end");
    assertThatThrownBy(() -> decoder.decode(png)).isInstanceOf(IOException.class).hasMessageContaining("data_after_image_end");
  }

  @Test
  void shouldRefuseAPngWhoseImageDataFailsItsCrc() {
    byte[] corrupt = HostileImages.withBadIdatCrc(HostileImages.noisePng(64, 48));

    assertThatThrownBy(() -> decoder.decode(corrupt)).isInstanceOf(IOException.class).hasMessageContaining("corrupt_image");
  }

  @Test
  void shouldAbandonADecodeThatRunsOverItsTimeLimit() {
    FrameDecoder impatient = new FrameDecoder(InputSpec.rawGrey("image", 28, 28), io.labelstream.platform.image.DecodeBudget.defaults(),
        java.time.Duration.ofNanos(1));

    assertThatThrownBy(() -> impatient.decode(HostileImages.noiseJpeg(640, 480))).isInstanceOf(IOException.class)
        .hasMessageContaining("decode_timeout");
  }

  @Test
  void shouldReadBigFramesAtAFewHundredPixelsASide() {
    assertThat(decoder.subsamplingPeriod(8000, 8000)).isEqualTo(35); // 229 pixels a side
    assertThat(decoder.subsamplingPeriod(1280, 720)).isEqualTo(3);
    assertThat(decoder.subsamplingPeriod(224, 224)).isEqualTo(1);
    assertThat(decoder.subsamplingPeriod(28, 28)).isEqualTo(1);
  }

  @Test
  void shouldReadABigCameraFrameSubsampledIntoNearlyTheSameModelInput() throws IOException {
    // A smooth 4032x3024 colour picture: reading every pixel or only a few hundred a side gives the same thumbnail.
    BufferedImage photo = new BufferedImage(4032, 3024, BufferedImage.TYPE_INT_RGB);
    float[] expected = new float[28 * 28];
    for (int y = 0; y < 3024; y++) {
      for (int x = 0; x < 4032; x++) {
        int v = (int) (255.0 * (x + y) / (4032 + 3024));
        photo.setRGB(x, y, (v << 16) | (v << 8) | v);
        expected[(y * 28 / 3024) * 28 + x * 28 / 4032] += v / (144f * 108f);
      }
    }
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(photo, "png", png);

    float[] pixels = decoder.decode(png.toByteArray());

    for (int i = 0; i < expected.length; i++) {
      assertThat(pixels[i]).as("pixel " + i).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(2f));
    }
  }

  @Test
  void shouldRefuseBytesThatAreNotAnImage() {
    byte[] corrupt = Arrays.copyOf(Samples.png(2), 40);
    assertThatThrownBy(() -> decoder.decode(corrupt)).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> decoder.decode("plain text".getBytes())).isInstanceOf(IOException.class)
        .hasMessageContaining("not a PNG or JPEG");
  }
}
