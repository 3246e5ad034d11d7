package io.labelstream.inference.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelstream.inference.model.InputSpec;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The colour JPEG path's resize (transposed planes, Cb and Cr stacked, rows converted one at a time) against each
 * plane resized on its own by the plain single-plane resize and converted pixel by pixel: odd sizes, so that the
 * eight-row blocks leave remainders, every fit, shrinking and enlarging, 4:2:0 and 4:2:2.
 */
class YuvResizerTest {

  @Test
  void shouldGiveWhatEachPlaneResizedOnItsOwnAndConvertedGives() {
    Random random = new Random(17);
    int[][] sizes = {{301, 173, 2, 2}, {480, 270, 2, 2}, {97, 211, 2, 1}, {150, 90, 2, 2}};
    for (int[] size : sizes) {
      YuvPicture picture = picture(random, size[0], size[1], size[2], size[3]);
      for (InputSpec.Resize resize : InputSpec.Resize.values()) {
        Fit fit = Fit.of(resize, picture.width(), picture.height(), 224, 160);

        float[] actual = Resampler.resample(picture, 3, fit, 224, 160, 114f);

        float[] expected = planeByPlane(picture, fit, 224, 160, 114f);
        for (int i = 0; i < expected.length; i++) {
          assertThat(actual[i]).as("%dx%d %s value %d", size[0], size[1], resize, i)
              .isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-3f));
        }
      }
    }
  }

  private static float[] planeByPlane(YuvPicture p, Fit fit, int w, int h, float pad) {
    Fit chroma = new Fit(fit.sourceX() / p.chromaStepX(), fit.sourceY() / p.chromaStepY(),
        fit.sourceWidth() / p.chromaStepX(), fit.sourceHeight() / p.chromaStepY(), fit.targetX(), fit.targetY(),
        fit.targetWidth(), fit.targetHeight());
    float[] y = Resampler.resample(new InterleavedPicture(p.width(), p.height(), 1, p.luma()), 1, fit, w, h, pad);
    float[] cb = Resampler.resample(new InterleavedPicture(p.chromaWidth(), p.chromaHeight(), 1, p.blue()), 1, chroma,
        w, h, 128f);
    float[] cr = Resampler.resample(new InterleavedPicture(p.chromaWidth(), p.chromaHeight(), 1, p.red()), 1, chroma,
        w, h, 128f);
    float[] rgb = new float[w * h * 3];
    for (int i = 0; i < w * h; i++) {
      YuvPicture.rgb(y[i], cb[i], cr[i], rgb, 3 * i);
    }
    return rgb;
  }

  private static YuvPicture picture(Random random, int w, int h, int stepX, int stepY) {
    int cw = (w + stepX - 1) / stepX;
    int ch = (h + stepY - 1) / stepY;
    byte[] luma = new byte[w * h];
    byte[] blue = new byte[cw * ch];
    byte[] red = new byte[cw * ch];
    random.nextBytes(luma);
    random.nextBytes(blue);
    random.nextBytes(red);
    return new YuvPicture(w, h, luma, blue, red, cw, ch, stepX, stepY);
  }
}
