package io.labelstream.inference.image;

/**
 * Resamples a decoded picture onto the model's input grid: one separable linear filter per axis, applied across
 * the rows first, then down the columns. The weights, per axis, for the picture interval {@code [a, a + L)} (see
 * {@link Fit}) onto {@code n} input pixels, with {@code s = L / n} picture pixels per input pixel:
 *
 * <ul>
 *   <li><b>{@code s >= 1}, shrinking (or keeping) the size: area averaging with exact fractional weights.</b> Input
 *       pixel i covers the picture interval {@code [a + i*s, a + (i+1)*s)}; picture pixel j, which covers
 *       {@code [j, j+1)}, weighs {@code overlap / s}. At {@code s = 1} with a whole-pixel start this copies the
 *       samples exactly.
 *   <li><b>{@code s < 1}, enlarging: bilinear interpolation with half-pixel centres.</b> Input pixel i samples the
 *       picture at {@code c = a + (i + 0.5)*s - 0.5}, clamped to {@code [0, size-1]}; with {@code j = floor(c)}
 *       and {@code f = c - j} it is {@code (1-f) * p[j] + f * p[min(j+1, size-1)]}.
 * </ul>
 *
 * The two axes are independent (a wide picture may shrink across and grow down). A colour picture fed to a grey
 * model is turned into ITU-R BT.601 luma {@code 0.299 R + 0.587 G + 0.114 B} before resampling, a grey picture fed
 * to a colour model gives the same value to all three channels; the result is 0-255 values, unrounded, with the
 * padding of a letterbox set to its pad value. Weights, sums and the rows resampled across are floats: an
 * independent implementation in double precision agrees to a few 1e-5 on the 0-255 scale.
 */
final class Resampler {

  private Resampler() {}

  /** Picture pixels and weights feeding each output pixel along one axis. */
  record Axis(int[] first, int[] count, int[] offset, float[] weights) {

    static Axis of(double start, double length, int size, int outputs) {
      double s = length / outputs;
      int[] first = new int[outputs];
      int[] count = new int[outputs];
      int[] offset = new int[outputs];
      float[] weights = new float[outputs * ((int) Math.ceil(s) + 2)];
      int used = 0;
      for (int i = 0; i < outputs; i++) {
        offset[i] = used;
        if (s >= 1) {
          double lo = start + i * s;
          double hi = start + (i + 1) * s;
          int j0 = Math.max(0, (int) Math.floor(lo));
          int j1 = Math.min(size, (int) Math.ceil(hi));
          first[i] = j0;
          for (int j = j0; j < j1; j++) {
            double overlap = Math.min(j + 1, hi) - Math.max(j, lo);
            weights[used++] = (float) (Math.max(0, overlap) / s);
          }
          count[i] = j1 - j0;
        } else {
          double c = Math.min(size - 1, Math.max(0, start + (i + 0.5) * s - 0.5));
          int j = (int) Math.floor(c);
          double f = c - j;
          first[i] = j;
          if (j + 1 < size) {
            weights[used++] = (float) (1 - f);
            weights[used++] = (float) f;
            count[i] = 2;
          } else {
            weights[used++] = 1;
            count[i] = 1;
          }
        }
      }
      return new Axis(first, count, offset, weights);
    }

    int mostTaps() {
      int most = 0;
      for (int c : count) {
        most = Math.max(most, c);
      }
      return most;
    }

    /** The weights as {@code taps} per output pixel, zero after a pixel's own. */
    float[] padded(int taps) {
      float[] padded = new float[first.length * taps];
      for (int i = 0; i < first.length; i++) {
        System.arraycopy(weights, offset[i], padded, i * taps, count[i]);
      }
      return padded;
    }

    int lowest() {
      return first[0];
    }

    int highest() {
      int last = first.length - 1;
      return first[last] + count[last] - 1;
    }
  }

  /**
   * The picture resampled to {@code inputWidth x inputHeight x channels} values 0-255, pixel-interleaved (y, x, c),
   * colour channels in R, G, B order.
   */
  static float[] resample(Picture picture, int channels, Fit fit, int inputWidth, int inputHeight, float pad) {
    return resample(picture, channels, fit, inputWidth, inputHeight, pad,
        new float[inputWidth * inputHeight * channels]);
  }

  /** As above, into {@code out} (every value of it written); buffers in between are the calling thread's. */
  private static float[] resample(Picture picture, int channels, Fit fit, int inputWidth, int inputHeight, float pad,
      float[] out) {
    Scratch scratch = SCRATCH.get();
    Plan plan = scratch.plan(fit, picture.width(), picture.height());
    Axis down = plan.down();
    int firstRow = down.lowest();
    int rows = down.highest() - firstRow + 1;
    int rowValues = fit.targetWidth() * channels;

    // Across: every picture row the output needs, resampled to the target width. Rows are read into a float
    // buffer with room for the widest tap past the last pixel (zero weights read zeros there).
    float[] narrow = scratch.narrow(rows * rowValues);
    int taps = plan.taps();
    float[] acrossWeights = plan.acrossWeights();
    int[] firsts = plan.across().first();
    float[] row = scratch.row((picture.width() + taps) * channels);
    if (picture instanceof InterleavedPicture plane && channels == 1 && plane.channels() == 1
        && plane.width() >= plan.planeTaps()) {
      // A plane of bytes (a grey JPEG, or a colour JPEG's luma for a grey model): read straight from the bytes, each
      // output pixel with exactly as many taps as the widest one needs.
      byte[] samples = plane.samples();
      int width = plane.width();
      float[] second = scratch.second(width);
      int r = 0;
      for (; r + 1 < rows; r += 2) { // two rows at a time share each pixel's index and weights
        int from = (firstRow + r) * width;
        for (int x = 0; x < width; x++) {
          row[x] = samples[from + x] & 0xFF;
          second[x] = samples[from + width + x] & 0xFF;
        }
        acrossPlanePair(row, second, plan, narrow, r * rowValues, (r + 1) * rowValues);
      }
      for (; r < rows; r++) {
        int from = (firstRow + r) * width;
        for (int x = 0; x < width; x++) {
          row[x] = samples[from + x] & 0xFF; // converting each tap's byte instead was no faster
        }
        acrossPlane(row, plan, narrow, r * rowValues);
      }
    } else if (picture instanceof InterleavedPicture bytes && bytes.channels() == channels) {
      byte[] samples = bytes.samples();
      int stride = bytes.width() * channels;
      for (int r = 0; r < rows; r++) {
        int from = (firstRow + r) * stride;
        for (int v = 0; v < stride; v++) {
          row[v] = samples[from + v] & 0xFF;
        }
        across(row, channels, firsts, acrossWeights, taps, narrow, r * rowValues);
      }
    } else {
      float[] read = picture.channels() == channels ? row : new float[picture.width() * picture.channels()];
      for (int r = 0; r < rows; r++) {
        picture.row(firstRow + r, read);
        convert(read, picture.width(), picture.channels(), row, channels);
        across(row, channels, firsts, acrossWeights, taps, narrow, r * rowValues);
      }
    }

    // Down: each output row from the resampled rows it covers, straight into its place in the input.
    if (fit.padded(inputWidth, inputHeight)) {
      java.util.Arrays.fill(out, pad);
    }
    int[] first = down.first();
    int[] count = down.count();
    int[] offset = down.offset();
    float[] weights = down.weights();
    for (int y = 0; y < fit.targetHeight(); y++) {
      int to = ((fit.targetY() + y) * inputWidth + fit.targetX()) * channels;
      int at = offset[y];
      float w0 = weights[at];
      int from0 = (first[y] - firstRow) * rowValues;
      if (count[y] == 2 || count[y] == 3) { // the usual counts, as one expression (a third faster than adding up)
        float w1 = weights[at + 1];
        int from1 = from0 + rowValues;
        if (count[y] == 2) {
          for (int v = 0; v < rowValues; v++) {
            out[to + v] = w0 * narrow[from0 + v] + w1 * narrow[from1 + v];
          }
        } else {
          float w2 = weights[at + 2];
          int from2 = from1 + rowValues;
          for (int v = 0; v < rowValues; v++) {
            out[to + v] = w0 * narrow[from0 + v] + w1 * narrow[from1 + v] + w2 * narrow[from2 + v];
          }
        }
        continue;
      }
      for (int v = 0; v < rowValues; v++) {
        out[to + v] = w0 * narrow[from0 + v];
      }
      for (int k = 1; k < count[y]; k++) {
        float w = weights[at + k];
        int from = (first[y] + k - firstRow) * rowValues;
        for (int v = 0; v < rowValues; v++) {
          out[to + v] += w * narrow[from + v];
        }
      }
    }
    return out;
  }

  /**
   * The weights of one resize, which depend only on the fit and the picture's size: computed once per camera (it
   * cost a fifth of a 720p frame's Java time when computed per frame), kept by each thread for the last few sizes.
   */
  record Plan(Axis across, Axis down, int taps, float[] acrossWeights, int planeTaps, int[] planeFirsts,
      float[] planeWeights) {

    static Plan of(Fit fit, int width, int height) {
      Axis across = Axis.of(fit.sourceX(), fit.sourceWidth(), width, fit.targetWidth());
      Axis down = Axis.of(fit.sourceY(), fit.sourceHeight(), height, fit.targetHeight());
      int taps = across.mostTaps() <= 4 ? 4 : across.mostTaps();
      // For reading a plane of bytes in place: planeTaps per pixel, a window that never reaches past the row's end
      // (moved left where it would, its weights moved right in it; the taps outside a pixel's own weigh zero).
      int planeTaps = across.mostTaps();
      int n = across.first().length;
      int[] planeFirsts = new int[n];
      float[] planeWeights = new float[n * planeTaps];
      for (int i = 0; i < n; i++) {
        int shift = Math.max(0, across.first()[i] + planeTaps - width);
        planeFirsts[i] = across.first()[i] - shift;
        System.arraycopy(across.weights(), across.offset()[i], planeWeights, i * planeTaps + shift,
            across.count()[i]);
      }
      return new Plan(across, down, taps, across.padded(taps), planeTaps, planeFirsts, planeWeights);
    }
  }

  private record PlanKey(Fit fit, int width, int height) {}

  /**
   * Buffers a decoding thread reuses from frame to frame (a frame's intermediate rows are about a megabyte): grown
   * to the largest size needed, never shrunk; a worker has a few decoding threads.
   */
  private static final class Scratch {
    private float[] narrow = new float[0];
    private float[] row = new float[0];
    /** The plans of the last few picture sizes and fits, least recently used first (a hostile stream of sizes
     *  evicts, it does not grow this). */
    private final java.util.LinkedHashMap<PlanKey, Plan> plans = new java.util.LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(java.util.Map.Entry<PlanKey, Plan> eldest) {
        return size() > 12;
      }
    };

    Plan plan(Fit fit, int width, int height) {
      return plans.computeIfAbsent(new PlanKey(fit, width, height), k -> Plan.of(k.fit(), k.width(), k.height()));
    }

    float[] narrow(int size) {
      if (narrow.length < size) {
        narrow = new float[size];
      }
      return narrow;
    }

    /** A row buffer whose values past what the caller writes are zero. */
    float[] row(int size) {
      if (row.length < size) {
        row = new float[size];
      } else {
        java.util.Arrays.fill(row, 0f);
      }
      return row;
    }

    private float[] second = new float[0];

    float[] second(int size) {
      if (second.length < size) {
        second = new float[size];
      }
      return second;
    }
  }

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  private static void convert(float[] row, int width, int from, float[] out, int to) {
    if (from == to) {
      return;
    }
    if (to == 1) { // colour to grey: BT.601 luma
      for (int x = 0; x < width; x++) {
        out[x] = 0.299f * row[3 * x] + 0.587f * row[3 * x + 1] + 0.114f * row[3 * x + 2];
      }
    } else { // grey to colour
      for (int x = 0; x < width; x++) {
        out[3 * x] = row[x];
        out[3 * x + 1] = row[x];
        out[3 * x + 2] = row[x];
      }
    }
  }

  /** Two rows of a one-channel plane across, the second's into {@code out} from {@code to2}. */
  private static void acrossPlanePair(float[] row, float[] row2, Plan plan, float[] out, int to, int to2) {
    int[] firsts = plan.planeFirsts();
    float[] w = plan.planeWeights();
    int n = firsts.length;
    switch (plan.planeTaps()) {
      case 3 -> {
        for (int i = 0; i < n; i++) {
          int p = firsts[i];
          int q = 3 * i;
          float w0 = w[q];
          float w1 = w[q + 1];
          float w2 = w[q + 2];
          out[to + i] = w0 * row[p] + w1 * row[p + 1] + w2 * row[p + 2];
          out[to2 + i] = w0 * row2[p] + w1 * row2[p + 1] + w2 * row2[p + 2];
        }
      }
      case 4 -> {
        for (int i = 0; i < n; i++) {
          int p = firsts[i];
          int q = 4 * i;
          float w0 = w[q];
          float w1 = w[q + 1];
          float w2 = w[q + 2];
          float w3 = w[q + 3];
          out[to + i] = w0 * row[p] + w1 * row[p + 1] + w2 * row[p + 2] + w3 * row[p + 3];
          out[to2 + i] = w0 * row2[p] + w1 * row2[p + 1] + w2 * row2[p + 2] + w3 * row2[p + 3];
        }
      }
      default -> {
        acrossPlane(row, plan, out, to);
        acrossPlane(row2, plan, out, to2);
      }
    }
  }

  /** One row of a one-channel plane across, into {@code out} from {@code to}. */
  private static void acrossPlane(float[] row, Plan plan, float[] out, int to) {
    int[] firsts = plan.planeFirsts();
    float[] w = plan.planeWeights();
    int n = firsts.length;
    switch (plan.planeTaps()) {
      case 1 -> {
        for (int i = 0; i < n; i++) {
          out[to + i] = w[i] * row[firsts[i]];
        }
      }
      case 2 -> {
        for (int i = 0; i < n; i++) {
          int p = firsts[i];
          int q = 2 * i;
          out[to + i] = w[q] * row[p] + w[q + 1] * row[p + 1];
        }
      }
      case 3 -> {
        for (int i = 0; i < n; i++) {
          int p = firsts[i];
          int q = 3 * i;
          out[to + i] = w[q] * row[p] + w[q + 1] * row[p + 1]
              + w[q + 2] * row[p + 2];
        }
      }
      case 4 -> {
        for (int i = 0; i < n; i++) {
          int p = firsts[i];
          int q = 4 * i;
          out[to + i] = w[q] * row[p] + w[q + 1] * row[p + 1]
              + w[q + 2] * row[p + 2] + w[q + 3] * row[p + 3];
        }
      }
      default -> {
        int taps = plan.planeTaps();
        for (int i = 0; i < n; i++) {
          float sum = 0;
          int p = firsts[i];
          int q = taps * i;
          for (int k = 0; k < taps; k++) {
            sum += w[q + k] * row[p + k];
          }
          out[to + i] = sum;
        }
      }
    }
  }

  /**
   * One row across. Each output pixel is a fixed number of taps (4, zero-padded, when no pixel needs more), so the
   * common case is four multiply-adds per channel in registers and one store, with no loop per pixel.
   */
  private static void across(float[] row, int channels, int[] firsts, float[] weights, int taps, float[] out,
      int to) {
    int n = firsts.length;
    if (taps == 4 && channels == 3) {
      for (int i = 0, o = to; i < n; i++, o += 3) {
        int p = 3 * firsts[i];
        int q = 4 * i;
        float w0 = weights[q];
        float w1 = weights[q + 1];
        float w2 = weights[q + 2];
        float w3 = weights[q + 3];
        out[o] = w0 * row[p] + w1 * row[p + 3] + w2 * row[p + 6] + w3 * row[p + 9];
        out[o + 1] = w0 * row[p + 1] + w1 * row[p + 4] + w2 * row[p + 7] + w3 * row[p + 10];
        out[o + 2] = w0 * row[p + 2] + w1 * row[p + 5] + w2 * row[p + 8] + w3 * row[p + 11];
      }
      return;
    }
    if (taps == 4 && channels == 1) {
      for (int i = 0; i < n; i++) {
        int p = firsts[i];
        int q = 4 * i;
        out[to + i] = weights[q] * row[p] + weights[q + 1] * row[p + 1] + weights[q + 2] * row[p + 2]
            + weights[q + 3] * row[p + 3];
      }
      return;
    }
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < channels; c++) {
        float sum = 0;
        int p = channels * firsts[i] + c;
        int q = taps * i;
        for (int k = 0; k < taps; k++, p += channels) {
          sum += weights[q + k] * row[p];
        }
        out[to + channels * i + c] = sum;
      }
    }
  }
}
