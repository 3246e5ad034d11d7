package io.labelstream.platform.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelstream.testsupport.CameraFrames;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JpegQualityTest {

  @ParameterizedTest
  @ValueSource(ints = {8, 25, 50, 54, 75, 77, 92, 100})
  void shouldReadTheQualityAnEncoderWasGiven(int quality) {
    assertThat(JpegQuality.of(jpeg(BufferedImage.TYPE_BYTE_GRAY, quality))).isEqualTo(quality);
    assertThat(JpegQuality.of(jpeg(BufferedImage.TYPE_3BYTE_BGR, quality))).isEqualTo(quality);
  }

  @Test
  void shouldTellHarderCompressionFromTheFirstFrame() {
    double before = JpegQuality.of(jpeg(BufferedImage.TYPE_3BYTE_BGR, 90));
    double after = JpegQuality.of(jpeg(BufferedImage.TYPE_3BYTE_BGR, 85));

    assertThat(after).isLessThan(before);
  }

  @Test
  void shouldReadASixteenBitTable() {
    byte[] dqt = new byte[1 + 128];
    dqt[0] = 0x10; // precision 1 (16-bit), table 0, every value 1
    for (int i = 0; i < 64; i++) {
      dqt[2 + 2 * i] = 1;
    }
    byte[] file = concat(new byte[] {(byte) 0xFF, (byte) 0xD8}, segment(0xDB, dqt), new byte[] {(byte) 0xFF,
        (byte) 0xD9});

    assertThat(JpegQuality.of(file)).isEqualTo(100);
  }

  @Test
  void shouldSayNothingOfAFileWithoutALumaTable() {
    byte[] noTable = concat(new byte[] {(byte) 0xFF, (byte) 0xD8}, segment(0xE0, new byte[14]),
        new byte[] {(byte) 0xFF, (byte) 0xD9});
    byte[] truncated = concat(new byte[] {(byte) 0xFF, (byte) 0xD8}, new byte[] {(byte) 0xFF, (byte) 0xDB, 0, 67, 0});

    assertThat(JpegQuality.of(noTable)).isNaN();
    assertThat(JpegQuality.of(truncated)).isNaN();
    assertThat(JpegQuality.of(new byte[] {(byte) 0x89, 'P', 'N', 'G'})).isNaN();
  }

  private static byte[] jpeg(int type, int quality) {
    BufferedImage image = new BufferedImage(32, 24, type);
    Random random = new Random(quality);
    for (int y = 0; y < 24; y++) {
      for (int x = 0; x < 32; x++) {
        image.setRGB(x, y, random.nextInt(0x1000000));
      }
    }
    return CameraFrames.jpeg(image, quality / 100f);
  }

  private static byte[] segment(int marker, byte[] payload) {
    int length = payload.length + 2;
    return concat(new byte[] {(byte) 0xFF, (byte) marker, (byte) (length >> 8), (byte) length}, payload);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
