package io.labelstream.platform.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labelstream.platform.config.Env;
import io.labelstream.platform.image.RefusedImageException.Reason;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DecodeBudgetTest {

  private final DecodeBudget budget = DecodeBudget.defaults();

  @Test
  void shouldTakeCameraFramesUpTo8kUhd() {
    for (ImageHeader frame : new ImageHeader[] {
        png(28, 28, 1, 8), jpeg(1280, 720, 3), jpeg(3840, 2160, 3), jpeg(7680, 4320, 3), png(7680, 4320, 4, 8),
        png(3840, 2160, 3, 16)}) {
      assertThatCode(() -> budget.check(frame)).as(frame.toString()).doesNotThrowAnyException();
    }
  }

  @Test
  void shouldRefuseTheBombsOfTheIssueOnTheirHeaderAlone() {
    assertRefused(png(8192, 8192, 4, 16), Reason.TOO_LARGE, "8192x8192");
    assertRefused(png(8000, 8000, 4, 8), Reason.TOO_LARGE, "IMAGE_MAX_PIXELS");
    assertRefused(jpeg(8000, 8000, 3), Reason.TOO_LARGE, "8000x8000");
    assertRefused(jpeg(16000, 16000, 3), Reason.TOO_LARGE, "16000x16000");
  }

  @Test
  void shouldRefuseSixteenBitSamplesThatFitThePixelsButNotTheBytes() {
    assertRefused(png(7680, 4320, 3, 16), Reason.TOO_LARGE, "IMAGE_MAX_DECODED_BYTES");
  }

  @Test
  void shouldRefuseALongThinStripAndATinyImage() {
    assertRefused(png(40_000, 8, 1, 8), Reason.DIMENSIONS_TOO_LARGE, "16384 per side");
    assertRefused(png(1, 1, 1, 8), Reason.TOO_SMALL, "1x1");
  }

  @Test
  void shouldReadItsLimitsFromTheSharedSettings() {
    DecodeBudget configured = DecodeBudget.from(new Env(Map.of("IMAGE_MAX_PIXELS", "1000000",
        "IMAGE_MAX_DECODED_BYTES", "2000000", "INGEST_MAX_DIMENSION", "4000")));

    assertThat(configured).isEqualTo(new DecodeBudget(4000, 1_000_000, 2_000_000));
    assertThat(DecodeBudget.from(new Env(Map.of()))).isEqualTo(DecodeBudget.defaults());
  }

  private void assertRefused(ImageHeader header, Reason reason, String detail) {
    assertThatThrownBy(() -> budget.check(header)).isInstanceOfSatisfying(RefusedImageException.class,
        e -> assertThat(e.reason()).isEqualTo(reason)).hasMessageContaining(detail);
  }

  private static ImageHeader png(int width, int height, int channels, int bits) {
    return new ImageHeader(ImageFormat.PNG, width, height, channels, bits);
  }

  private static ImageHeader jpeg(int width, int height, int channels) {
    return new ImageHeader(ImageFormat.JPEG, width, height, channels, 8);
  }
}
