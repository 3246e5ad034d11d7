package io.labelstream.platform.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labelstream.platform.image.RefusedImageException.Reason;
import io.labelstream.testsupport.HostileImages;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The header reader against images the JDK encodes and images written to lie. */
class ImageHeaderTest {

  @ParameterizedTest
  @CsvSource({
      "10, 1, 8", // TYPE_BYTE_GRAY
      "5, 3, 8", // TYPE_3BYTE_BGR
      "6, 4, 8", // TYPE_4BYTE_ABGR
      "11, 1, 16", // TYPE_USHORT_GRAY
  })
  void shouldReadChannelsAndBitDepthOfPngs(int imageType, int channels, int bits) throws IOException {
    byte[] png = encode(new BufferedImage(640, 480, imageType), "png");

    assertThat(ImageHeader.read(png)).isEqualTo(new ImageHeader(ImageFormat.PNG, 640, 480, channels, bits));
  }

  @Test
  void shouldReadComponentsAndPrecisionOfJpegs() throws IOException {
    byte[] colour = encode(new BufferedImage(1280, 720, BufferedImage.TYPE_3BYTE_BGR), "jpeg");
    byte[] grey = encode(new BufferedImage(33, 17, BufferedImage.TYPE_BYTE_GRAY), "jpeg");

    assertThat(ImageHeader.read(colour)).isEqualTo(new ImageHeader(ImageFormat.JPEG, 1280, 720, 3, 8));
    assertThat(ImageHeader.read(grey)).isEqualTo(new ImageHeader(ImageFormat.JPEG, 33, 17, 1, 8));
  }

  @Test
  void shouldReadWhatABombDeclaresWithoutDecodingIt() throws IOException {
    ImageHeader bomb = ImageHeader.read(HostileImages.pngOfZeros(8192, 8192, 16, HostileImages.RGBA));

    assertThat(bomb).isEqualTo(new ImageHeader(ImageFormat.PNG, 8192, 8192, 4, 16));
    assertThat(bomb.decodedBytes()).isEqualTo(512L * 1024 * 1024);
    assertThat(ImageHeader.read(HostileImages.jpegClaiming(16000, 16000)).pixels()).isEqualTo(256_000_000L);
  }

  @Test
  void shouldRefuseTruncatedAndCorruptHeaders() throws IOException {
    byte[] png = encode(new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY), "png");
    byte[] jpeg = encode(new BufferedImage(28, 28, BufferedImage.TYPE_3BYTE_BGR), "jpeg");
    byte[] badColourType = png.clone();
    badColourType[25] = 5;

    assertRefused(Arrays.copyOf(png, 20), Reason.UNREADABLE_HEADER, "truncated PNG");
    assertRefused(badColourType, Reason.UNREADABLE_HEADER, "colour type 5");
    assertRefused(Arrays.copyOf(jpeg, 20), Reason.UNREADABLE_HEADER, "JPEG");
    assertRefused(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xDA, 0, 2}, Reason.UNREADABLE_HEADER,
        "no frame header");
    assertRefused("GIF89a".getBytes(), Reason.UNREADABLE_HEADER, "not a PNG or JPEG");
  }

  @Test
  void shouldRefuseJpegVariantsTheDecoderCannotReadAsUnsupported() throws IOException {
    byte[] jpeg = encode(new BufferedImage(28, 28, BufferedImage.TYPE_3BYTE_BGR), "jpeg");
    byte[] twelveBit = jpeg.clone();
    byte[] arithmetic = jpeg.clone();
    int sof = indexOf(jpeg, (byte) 0xC0);
    twelveBit[sof + 3] = 12;
    arithmetic[sof] = (byte) 0xC9;

    assertRefused(twelveBit, Reason.UNSUPPORTED, "12-bit");
    assertRefused(arithmetic, Reason.UNSUPPORTED, "arithmetic-coded");
  }

  private static void assertRefused(byte[] bytes, Reason reason, String detail) {
    assertThatThrownBy(() -> ImageHeader.read(bytes)).isInstanceOfSatisfying(RefusedImageException.class,
        e -> assertThat(e.reason()).isEqualTo(reason)).hasMessageContaining(detail);
  }

  /** The first SOF0 marker byte (after an FF). */
  private static int indexOf(byte[] jpeg, byte marker) {
    for (int i = 2; i + 1 < jpeg.length; i++) {
      if (jpeg[i] == (byte) 0xFF && jpeg[i + 1] == marker) {
        return i + 1;
      }
    }
    throw new IllegalArgumentException("no marker");
  }

  static byte[] encode(BufferedImage image, String format) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, format, out);
    return out.toByteArray();
  }
}
