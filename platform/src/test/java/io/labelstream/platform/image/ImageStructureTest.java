package io.labelstream.platform.image;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labelstream.platform.image.RefusedImageException.Reason;
import io.labelstream.testsupport.HostileImages;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ImageStructureTest {

  private final byte[] jpeg = HostileImages.noiseJpeg(64, 48);
  private final byte[] png = HostileImages.noisePng(64, 48);

  @Test
  void shouldAcceptCompleteImagesFromARealEncoder() {
    assertThatCode(() -> ImageStructure.verify(jpeg, ImageFormat.JPEG)).doesNotThrowAnyException();
    assertThatCode(() -> ImageStructure.verify(png, ImageFormat.PNG)).doesNotThrowAnyException();
    assertThatCode(() -> ImageStructure.verify(HostileImages.jpegClaiming(8000, 8000), ImageFormat.JPEG))
        .as("a header lie is the budget's business, not the structure's").doesNotThrowAnyException();
  }

  @Test
  void shouldRefuseAJpegCutInsideItsScanOrItsHeaders() {
    assertRefused(HostileImages.truncatedAfterStartOfScan(jpeg, 40), ImageFormat.JPEG, Reason.TRUNCATED);
    assertRefused(Arrays.copyOf(jpeg, jpeg.length - 2), ImageFormat.JPEG, Reason.TRUNCATED);
    assertRefused(Arrays.copyOf(jpeg, 30), ImageFormat.JPEG, Reason.TRUNCATED);
  }

  @Test
  void shouldRefuseAPngCutAnywhere() {
    for (int cut : new int[] {20, 40, png.length / 2, png.length - 1}) {
      assertRefused(Arrays.copyOf(png, cut), ImageFormat.PNG, Reason.TRUNCATED);
    }
  }

  @Test
  void shouldRefuseDataAfterTheEndOfEitherFormat() {
    assertRefused(HostileImages.withTrailingGarbage(jpeg), ImageFormat.JPEG, Reason.DATA_AFTER_END);
    assertRefused(HostileImages.withTrailingGarbage(png), ImageFormat.PNG, Reason.DATA_AFTER_END);
  }

  @Test
  void shouldRefuseAPngChunkWithABadCrc() {
    assertRefused(HostileImages.withBadIdatCrc(png), ImageFormat.PNG, Reason.CORRUPT);
  }

  @Test
  void shouldRefuseAJpegWithoutImageData() {
    byte[] headersOnly = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xD9};
    assertRefused(headersOnly, ImageFormat.JPEG, Reason.CORRUPT);
  }

  @Test
  void shouldFindEveryFfByteWhereverItLiesInAWordAsAByteByByteScanDoes() {
    java.util.Random random = new java.util.Random(14);
    for (int trial = 0; trial < 200; trial++) {
      byte[] data = new byte[1 + random.nextInt(70)];
      for (int i = 0; i < data.length; i++) {
        data[i] = (byte) (random.nextInt(12) == 0 ? 0xFF : random.nextInt(255)); // 0-254 otherwise
      }
      for (int from = 0; from <= data.length; from++) {
        int expected = from;
        while (expected < data.length && data[expected] != (byte) 0xFF) {
          expected++;
        }
        org.assertj.core.api.Assertions.assertThat(ImageStructure.nextFF(data, from))
            .as("from %d in %s", from, Arrays.toString(data)).isEqualTo(expected);
      }
    }
  }

  @Test
  void shouldRefuseACameraFrameCutAtAnyPointOfItsScan() {
    byte[] frame = io.labelstream.testsupport.CameraFrames.jpeg(320, 240, 3);
    assertThatCode(() -> ImageStructure.verify(frame, ImageFormat.JPEG)).doesNotThrowAnyException();
    for (int cut = frame.length - 1; cut > frame.length - 400; cut -= 7) {
      assertRefused(Arrays.copyOf(frame, cut), ImageFormat.JPEG, Reason.TRUNCATED);
    }
  }

  private static void assertRefused(byte[] bytes, ImageFormat format, Reason reason) {
    assertThatThrownBy(() -> ImageStructure.verify(bytes, format)).isInstanceOfSatisfying(RefusedImageException.class,
        e -> org.assertj.core.api.Assertions.assertThat(e.reason()).isEqualTo(reason));
  }
}
