package io.labelstream.inference.image;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A colour JPEG's Y, Cb and Cr planes ({@link YuvPicture}) resized onto the input's grid and converted to R, G, B
 * one input row at a time: the weights are {@link Resampler}'s (the chroma planes with the fit in their own, coarser,
 * pixels: chroma pixel j covers luma pixels {@code [j * step, (j+1) * step)}), across first, then down, each output
 * the same float sums in the same order as {@link Resampler} computes them. The conversion is {@link YuvPicture#rgb}'s
 * (its clamp computed another way: on camera frames the tensors agree to 2.4e-7, about 1.4e-5 on the 0-255 scale).
 *
 * <p>Why it is shaped this way: this is the worker's CPU per camera frame once libjpeg-turbo has decoded the planes
 * (1280x720 at 3/8: a 480x270 luma plane and two 240x135 chroma planes for a 224x224 input), and Java 17's C2
 * vectorises a loop only when every array it reads and writes is indexed by the loop variable from 0 (measured:
 * {@code out[to + x] = a[from + x] + ...} runs at scalar speed, 0.5 ns a value, the same loop over separate row
 * arrays 0.1 ns). So:
 * <ul>
 *   <li>every row (and column) is its own array, so that the sums down, and the conversion, are vectorised;
 *   <li>the resize across a row reads each output pixel's taps at its own place, a gather C2 never vectorises
 *       (about 1 ns an output pixel). Instead the plane is stored transposed while its bytes are converted to
 *       floats: that conversion is scalar (C2 vectorises no byte or int to float conversion) and needed for every
 *       sample anyway, and storing the floats by column costs no more than by row. Across is then sums of whole
 *       columns, vectorised, and the result is transposed back once, eight rows at a time;
 *   <li>Cb and Cr share their weights, so they are stacked in one column and resized by the same sums.
 * </ul>
 * On 720p camera frames this took the Java side from 0.45-0.50 to 0.28-0.29 ms a frame (thread CPU time, AMD EPYC).
 *
 * <p>One per thread: what {@link #of} returns is valid until the same thread's next call. Its buffers grow to the
 * largest picture resized (bounded by the decode budget) and are reused from frame to frame.
 */
final class YuvResizer {

  private static final ThreadLocal<YuvResizer> PER_THREAD = ThreadLocal.withInitial(YuvResizer::new);
  private static final int BLOCK = 8;

  /** The axes of the last few picture sizes and fits, least recently used first: weights cost about 0.06 ms. */
  private final Map<AxesKey, Axes> axes = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<AxesKey, Axes> eldest) {
      return size() > 12;
    }
  };

  private record Axes(Resampler.Axis across, Resampler.Axis down) {}

  private record AxesKey(Fit fit, int width, int height) {}

  private float[][] columns = new float[0][];
  private float[][] sums = new float[0][];
  private float[][] luma = new float[0][];
  private float[][] blue = new float[0][];
  private float[][] red = new float[0][];
  private final float[][] yuv = {new float[0], new float[0], new float[0]};
  private final float[][] rgb = {new float[0], new float[0], new float[0]};

  private int width;
  private Resampler.Axis lumaDown;
  private Resampler.Axis chromaDown;
  private int lumaFirstRow;
  private int chromaFirstRow;

  private YuvResizer() {}

  /** The calling thread's resizer with {@code picture} resized across for {@code fit}, ready for {@link #row}. */
  static YuvResizer of(YuvPicture picture, Fit fit) {
    YuvResizer resizer = PER_THREAD.get();
    resizer.resize(picture, fit);
    return resizer;
  }

  /** Three row buffers of the target's width, the calling thread's, for the caller to pass to {@link #row}. */
  float[][] rgbRows() {
    return rgb;
  }

  private void resize(YuvPicture p, Fit fit) {
    Fit chroma = new Fit(fit.sourceX() / p.chromaStepX(), fit.sourceY() / p.chromaStepY(),
        fit.sourceWidth() / p.chromaStepX(), fit.sourceHeight() / p.chromaStepY(), fit.targetX(), fit.targetY(),
        fit.targetWidth(), fit.targetHeight());
    Axes l = axes(fit, p.width(), p.height());
    Axes c = axes(chroma, p.chromaWidth(), p.chromaHeight());
    width = fit.targetWidth();
    lumaDown = l.down();
    chromaDown = c.down();
    lumaFirstRow = lumaDown.lowest();
    chromaFirstRow = chromaDown.lowest();
    int lumaRows = lumaDown.highest() - lumaFirstRow + 1;
    int chromaRows = chromaDown.highest() - chromaFirstRow + 1;
    luma = grown(luma, lumaRows, width);
    blue = grown(blue, chromaRows, width);
    red = grown(red, chromaRows, width);
    for (int i = 0; i < 3; i++) {
      if (yuv[i].length < width) {
        yuv[i] = new float[width];
        rgb[i] = new float[width];
      }
    }
    across(p.luma(), null, p.width(), l.across(), lumaFirstRow, lumaRows, luma, null);
    across(p.blue(), p.red(), p.chromaWidth(), c.across(), chromaFirstRow, chromaRows, blue, red);
  }

  private Axes axes(Fit fit, int width, int height) {
    return axes.computeIfAbsent(new AxesKey(fit, width, height), k -> new Axes(
        Resampler.Axis.of(fit.sourceX(), fit.sourceWidth(), width, fit.targetWidth()),
        Resampler.Axis.of(fit.sourceY(), fit.sourceHeight(), height, fit.targetHeight())));
  }

  /**
   * Target row {@code y} in R, G, B, each clamped to 0-255 as {@link YuvPicture#rgb} does, then times {@code gain[c]}
   * plus {@code offset[c]} (1 and 0 for the plain values), into {@code red}, {@code green}, {@code blue} from 0.
   */
  void row(int y, float[] gain, float[] offset, float[] red, float[] green, float[] blue) {
    float[] l = yuv[0];
    float[] u = yuv[1];
    float[] v = yuv[2];
    int n = width;
    sum(luma, lumaDown.first()[y] - lumaFirstRow, lumaDown.count()[y], lumaDown.weights(), lumaDown.offset()[y], l,
        n);
    int from = chromaDown.first()[y] - chromaFirstRow;
    sum(this.blue, from, chromaDown.count()[y], chromaDown.weights(), chromaDown.offset()[y], u, n);
    sum(this.red, from, chromaDown.count()[y], chromaDown.weights(), chromaDown.offset()[y], v, n);
    // One loop per channel: C2 vectorises each, but not one loop storing all three (measured ten times slower).
    // The clamp to 0-255 as (|p| - |p - 255| + 255) / 2, the halving folded into the gain: C2 implements Java's
    // Math.min and Math.max on floats with extra blends for NaN and -0, which made them a third of this step.
    float gainR = gain[0] / 2;
    float offsetR = offset[0];
    for (int x = 0; x < n; x++) {
      float p = l[x] + YuvPicture.RED_FROM_CR * (v[x] - 128f);
      red[x] = (Math.abs(p) - Math.abs(p - 255f) + 255f) * gainR + offsetR;
    }
    float gainG = gain[1] / 2;
    float offsetG = offset[1];
    for (int x = 0; x < n; x++) {
      float p = l[x] - YuvPicture.GREEN_FROM_CB * (u[x] - 128f) - YuvPicture.GREEN_FROM_CR * (v[x] - 128f);
      green[x] = (Math.abs(p) - Math.abs(p - 255f) + 255f) * gainG + offsetG;
    }
    float gainB = gain[2] / 2;
    float offsetB = offset[2];
    for (int x = 0; x < n; x++) {
      float p = l[x] + YuvPicture.BLUE_FROM_CB * (u[x] - 128f);
      blue[x] = (Math.abs(p) - Math.abs(p - 255f) + 255f) * gainB + offsetB;
    }
  }

  /**
   * One plane (or two of the same size and weights, stacked) resized across: {@code into[r]} (and
   * {@code secondInto[r]}) is picture row {@code firstRow + r} at the target's width.
   */
  private void across(byte[] plane, byte[] second, int stride, Resampler.Axis across, int firstRow, int rows,
      float[][] into, float[][] secondInto) {
    int lowest = across.lowest();
    int used = across.highest() - lowest + 1;
    int height = second == null ? rows : 2 * rows;
    int outputs = across.first().length;
    columns = grown(columns, used, height);
    sums = grown(sums, outputs, height);
    transposed(plane, stride, firstRow, rows, lowest, used, 0);
    if (second != null) {
      transposed(second, stride, firstRow, rows, lowest, used, rows);
    }
    int[] first = across.first();
    int[] count = across.count();
    int[] offset = across.offset();
    float[] weights = across.weights();
    for (int i = 0; i < outputs; i++) {
      sum(columns, first[i] - lowest, count[i], weights, offset[i], sums[i], height);
    }
    transposedBack(outputs, 0, rows, into);
    if (second != null) {
      transposedBack(outputs, rows, rows, secondInto);
    }
  }

  /** Picture rows {@code firstRow...} of columns {@code lowest...} as floats, column c into columns[c] from {@code at}. */
  private void transposed(byte[] plane, int stride, int firstRow, int rows, int lowest, int used, int at) {
    float[][] columns = this.columns;
    int r = 0;
    for (; r + BLOCK <= rows; r += BLOCK) { // eight rows at a time: each column's eight values are stored together
      int from = (firstRow + r) * stride + lowest;
      int to = at + r;
      for (int x = 0; x < used; x++) {
        float[] column = columns[x];
        int p = from + x;
        column[to] = plane[p] & 0xFF;
        column[to + 1] = plane[p + stride] & 0xFF;
        column[to + 2] = plane[p + 2 * stride] & 0xFF;
        column[to + 3] = plane[p + 3 * stride] & 0xFF;
        column[to + 4] = plane[p + 4 * stride] & 0xFF;
        column[to + 5] = plane[p + 5 * stride] & 0xFF;
        column[to + 6] = plane[p + 6 * stride] & 0xFF;
        column[to + 7] = plane[p + 7 * stride] & 0xFF;
      }
    }
    for (; r < rows; r++) {
      int from = (firstRow + r) * stride + lowest;
      for (int x = 0; x < used; x++) {
        columns[x][at + r] = plane[from + x] & 0xFF;
      }
    }
  }

  /** Rows {@code at...at + rows} of the resized columns as rows of {@code outputs} values. */
  private void transposedBack(int outputs, int at, int rows, float[][] into) {
    float[][] sums = this.sums;
    int r = 0;
    for (; r + BLOCK <= rows; r += BLOCK) {
      float[] r0 = into[r];
      float[] r1 = into[r + 1];
      float[] r2 = into[r + 2];
      float[] r3 = into[r + 3];
      float[] r4 = into[r + 4];
      float[] r5 = into[r + 5];
      float[] r6 = into[r + 6];
      float[] r7 = into[r + 7];
      int k = at + r;
      for (int i = 0; i < outputs; i++) {
        float[] column = sums[i];
        r0[i] = column[k];
        r1[i] = column[k + 1];
        r2[i] = column[k + 2];
        r3[i] = column[k + 3];
        r4[i] = column[k + 4];
        r5[i] = column[k + 5];
        r6[i] = column[k + 6];
        r7[i] = column[k + 7];
      }
    }
    for (; r < rows; r++) {
      float[] row = into[r];
      int k = at + r;
      for (int i = 0; i < outputs; i++) {
        row[i] = sums[i][k];
      }
    }
  }

  /**
   * {@code into[0, length)} = the sum of {@code count} arrays from {@code arrays[from]}, weighed by
   * {@code weights[at...]}: 1 to 3 as one expression (the usual counts), more added on one by one.
   */
  private static void sum(float[][] arrays, int from, int count, float[] weights, int at, float[] into, int length) {
    float[] a = arrays[from];
    float w0 = weights[at];
    switch (count) {
      case 1 -> {
        for (int k = 0; k < length; k++) {
          into[k] = w0 * a[k];
        }
      }
      case 2 -> {
        float[] b = arrays[from + 1];
        float w1 = weights[at + 1];
        for (int k = 0; k < length; k++) {
          into[k] = w0 * a[k] + w1 * b[k];
        }
      }
      default -> {
        float[] b = arrays[from + 1];
        float[] c = arrays[from + 2];
        float w1 = weights[at + 1];
        float w2 = weights[at + 2];
        for (int k = 0; k < length; k++) {
          into[k] = w0 * a[k] + w1 * b[k] + w2 * c[k];
        }
        for (int j = 3; j < count; j++) {
          float[] d = arrays[from + j];
          float w = weights[at + j];
          for (int k = 0; k < length; k++) {
            into[k] += w * d[k];
          }
        }
      }
    }
  }

  /** {@code arrays} with at least {@code count} arrays of at least {@code length} values. */
  private static float[][] grown(float[][] arrays, int count, int length) {
    float[][] grown = arrays.length < count ? java.util.Arrays.copyOf(arrays, count) : arrays;
    for (int i = 0; i < count; i++) {
      if (grown[i] == null || grown[i].length < length) {
        grown[i] = new float[length];
      }
    }
    return grown;
  }
}
