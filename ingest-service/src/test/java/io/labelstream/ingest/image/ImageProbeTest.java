package io.labelstream.ingest.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labelstream.platform.image.ImageFormat;
import io.labelstream.platform.image.ImageHeader;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The header parser against images ImageIO writes, whose sizes are known. */
class ImageProbeTest {

  private static byte[] encode(int width, int height, int imageType, String format) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(new BufferedImage(width, height, imageType), format, out);
    return out.toByteArray();
  }

  @ParameterizedTest
  @CsvSource({"28,28", "640,480", "1,1", "4000,3", "3,2999"})
  void shouldReadTheSizeOfPngAndJpegHeaders(int width, int height) throws IOException {
    byte[] png = encode(width, height, BufferedImage.TYPE_BYTE_GRAY, "png");
    byte[] jpeg = encode(width, height, BufferedImage.TYPE_3BYTE_BGR, "jpeg");

    assertThat(ImageProbe.sniff(png)).contains(MediaType.PNG);
    assertThat(ImageProbe.sniff(jpeg)).contains(MediaType.JPEG);
    assertThat(ImageProbe.probe(png, MediaType.PNG)).isEqualTo(new ImageHeader(ImageFormat.PNG, width, height, 1, 8));
    assertThat(ImageProbe.probe(jpeg, MediaType.JPEG)).isEqualTo(new ImageHeader(ImageFormat.JPEG, width, height, 3, 8));
  }

  @ParameterizedTest
  @CsvSource({"png,TYPE_BYTE_GRAY,1", "png,TYPE_USHORT_GRAY,1", "png,TYPE_3BYTE_BGR,3", "png,TYPE_INT_ARGB,3",
      "png,TYPE_BYTE_INDEXED,3", "jpeg,TYPE_BYTE_GRAY,1", "jpeg,TYPE_3BYTE_BGR,3"})
  void shouldCountColourChannelsWithoutAlphaAndPaletteAsColour(String format, String type, int channels)
      throws Exception {
    byte[] image = encode(16, 8, BufferedImage.class.getField(type).getInt(null), format);
    MediaType mediaType = format.equals("png") ? MediaType.PNG : MediaType.JPEG;

    assertThat(ImageProbe.colourChannels(image, ImageProbe.probe(image, mediaType))).isEqualTo(channels);
  }

  @Test
  void shouldCountAGreyWithAlphaPngAsGrey() throws IOException {
    byte[] png = encode(4, 4, BufferedImage.TYPE_BYTE_GRAY, "png");
    png[25] = 4; // grey + alpha: the colour type only matters here, not the (now wrong) CRC

    assertThat(ImageProbe.colourChannels(png, new ImageHeader(ImageFormat.PNG, 4, 4, 2, 8))).isEqualTo(1);
  }

  @Test
  void shouldRefuseTruncatedOrCorruptHeaders() throws IOException {
    byte[] png = encode(28, 28, BufferedImage.TYPE_BYTE_GRAY, "png");
    byte[] jpeg = encode(28, 28, BufferedImage.TYPE_3BYTE_BGR, "jpeg");
    byte[] noIhdr = png.clone();
    noIhdr[12] = 'X';

    assertThatThrownBy(() -> ImageProbe.probe(Arrays.copyOf(png, 12), MediaType.PNG)).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> ImageProbe.probe(noIhdr, MediaType.PNG)).hasMessageContaining("IHDR");
    assertThatThrownBy(() -> ImageProbe.probe(Arrays.copyOf(jpeg, 20), MediaType.JPEG)).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> ImageProbe.probe(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xDA, 0, 2},
        MediaType.JPEG)).hasMessageContaining("no frame header");
  }
}
