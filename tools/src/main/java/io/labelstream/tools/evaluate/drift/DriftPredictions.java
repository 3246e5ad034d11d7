package io.labelstream.tools.evaluate.drift;

import io.labelstream.inference.InferenceToolkit;
import io.labelstream.inference.InferenceToolkit.FrameStatistics;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.config.ToolVariables;
import io.labelstream.tools.fashionmnist.FashionMnistIdx;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The bundled model's real answers on the 10,000 Fashion-MNIST test images, clean and under every pixel-changing
 * {@link DriftKind} at each of its {@link DriftKind#STEPS} steps: what {@code evaluate --drift} replays (issue 16).
 * Each drifted image goes the worker's way (encoded as its camera would send it, decoded by the worker's decoder,
 * scored as the worker routes), so the answers are the ones the pipeline would give.
 *
 * <p>360,000 inferences take minutes, so the answers are cached under data/drift-cache/, keyed by the model's name and
 * version and the file format's version; a cache that does not match is computed again.
 */
public final class DriftPredictions {

  /**
   * Bump when the file layout or a kind's transform or parameters change: older caches are then recomputed. (2: NOISE's
   * severe sigma went from 60 to 40. 3: each row's JPEG quality.)
   */
  static final int FORMAT = 3;
  private static final int MAGIC = 0x4C534446; // "LSDF"
  private static final int BATCH = 512;
  private static final String CLEAN = "CLEAN";

  private final List<DriftRow> clean;
  private final Map<DriftKind, List<List<DriftRow>>> drifted;

  private DriftPredictions(List<DriftRow> clean, Map<DriftKind, List<List<DriftRow>>> drifted) {
    this.clean = List.copyOf(clean);
    this.drifted = new EnumMap<>(drifted);
  }

  /** Clean rows only, for the streams that do not change (tests). */
  static DriftPredictions cleanOnly(List<DriftRow> clean) {
    return new DriftPredictions(clean, new EnumMap<>(DriftKind.class));
  }

  /** The clean test images' rows, in index order. */
  public List<DriftRow> clean() {
    return clean;
  }

  /** The rows of {@code kind} at {@code step} (0 to STEPS), in index order: the clean rows at step 0 or for CLASS_MIX. */
  public List<DriftRow> rows(DriftKind kind, int step) {
    DriftKind.severity(step); // throws for a step outside 0..STEPS
    if (step == 0 || !kind.changesPixels()) {
      return clean;
    }
    return drifted.get(kind).get(step - 1);
  }

  /** Where the cache of {@code model}'s answers lives under {@code cacheDirectory}. */
  static Path cacheFile(Path cacheDirectory, InferenceToolkit model) {
    return cacheDirectory.resolve(model.modelName() + "-" + model.modelVersion() + ".drift-v" + FORMAT + ".bin.gz");
  }

  /**
   * The cached answers of {@code model} if {@code cacheDirectory} holds them, else computed on the test set in
   * {@code dataset} (printing progress) and cached.
   */
  public static DriftPredictions load(InferenceToolkit model, Path dataset, Path cacheDirectory) throws IOException {
    Path cache = cacheFile(cacheDirectory, model);
    if (Files.exists(cache)) {
      try {
        return read(cache, model);
      } catch (IOException e) {
        System.out.println("Drift cache " + cache + " is unreadable (" + e.getMessage() + "); computing it again");
      }
    }
    byte[][] images = FashionMnistIdx.images(dataset.resolve("t10k-images-idx3-ubyte.gz"));
    int[] labels = FashionMnistIdx.labels(dataset.resolve("t10k-labels-idx1-ubyte.gz"));
    DriftPredictions predictions = compute(model, images, labels);
    Files.createDirectories(cacheDirectory);
    predictions.write(cache, model);
    return predictions;
  }

  static DriftPredictions compute(InferenceToolkit model, byte[][] images, int[] labels) throws IOException {
    List<DriftKind> kinds = Arrays.stream(DriftKind.values()).filter(DriftKind::changesPixels).toList();
    int total = (1 + kinds.size() * DriftKind.STEPS) * images.length;
    long started = System.nanoTime();
    List<DriftRow> clean = predict(model, images, labels, DriftKind.BRIGHTNESS, 0);
    int done = images.length;
    Map<DriftKind, List<List<DriftRow>>> drifted = new EnumMap<>(DriftKind.class);
    for (DriftKind kind : kinds) {
      List<List<DriftRow>> steps = new ArrayList<>();
      for (int step = 1; step <= DriftKind.STEPS; step++) {
        steps.add(predict(model, images, labels, kind, step));
        done += images.length;
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf(Locale.ROOT, "\rdrift predictions: %d/%d images (%s step %d), %.0f s, about %.0f s to go   ",
            done, total, kind, step, seconds, seconds * (total - done) / done);
      }
      drifted.put(kind, steps);
    }
    System.out.println();
    return new DriftPredictions(clean, drifted);
  }

  /** {@code images} under {@code kind} at {@code step}, through the worker's decoder and scores, in batches. */
  static List<DriftRow> predict(InferenceToolkit model, byte[][] images, int[] labels, DriftKind kind, int step)
      throws IOException {
    InferenceToolkit.Decoder decoder = model.decoder();
    List<DriftRow> rows = new ArrayList<>(images.length);
    for (int start = 0; start < images.length; start += BATCH) {
      int end = Math.min(images.length, start + BATCH);
      List<float[]> inputs = new ArrayList<>(end - start);
      List<FrameStatistics> statistics = new ArrayList<>(end - start);
      for (int i = start; i < end; i++) {
        DriftKind.Frame frame = kind.frame(images[i], i, step);
        inputs.add(decoder.decode(frame.encoded()));
        statistics.add(InferenceToolkit.greyStatistics(frame.pixels(), DriftKind.SIDE, DriftKind.SIDE,
            frame.encoded()));
      }
      List<InferenceToolkit.Scores> scores = model.score(inputs);
      for (int j = 0; j < scores.size(); j++) {
        int i = start + j;
        rows.add(new DriftRow(i, labels[i], scores.get(j).predictedClass(), scores.get(j).score(), statistics.get(j)));
      }
    }
    return rows;
  }

  /** Fraction of {@code rows} the model got right. */
  public static double accuracy(List<DriftRow> rows) {
    return rows.stream().filter(DriftRow::correct).count() / (double) rows.size();
  }

  void write(Path cache, InferenceToolkit model) throws IOException {
    Path partial = cache.resolveSibling(cache.getFileName() + ".partial");
    try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
        new GZIPOutputStream(Files.newOutputStream(partial)), 1 << 16))) {
      out.writeInt(MAGIC);
      out.writeInt(FORMAT);
      out.writeUTF(model.modelName());
      out.writeUTF(model.modelVersion());
      out.writeInt(clean.size());
      out.writeInt(1 + drifted.size() * DriftKind.STEPS);
      writeBlock(out, CLEAN, 0, clean);
      for (Map.Entry<DriftKind, List<List<DriftRow>>> kind : drifted.entrySet()) {
        for (int step = 1; step <= DriftKind.STEPS; step++) {
          writeBlock(out, kind.getKey().name(), step, kind.getValue().get(step - 1));
        }
      }
    }
    // Written aside and moved in, so an interrupted run never leaves a truncated cache that looks whole.
    Files.move(partial, cache, StandardCopyOption.REPLACE_EXISTING);
  }

  private static void writeBlock(DataOutputStream out, String kind, int step, List<DriftRow> rows) throws IOException {
    out.writeUTF(kind);
    out.writeInt(step);
    for (DriftRow row : rows) {
      out.writeInt(row.index());
      out.writeByte(row.label());
      out.writeByte(row.predicted());
      out.writeDouble(row.score());
      out.writeFloat((float) row.statistics().brightness());
      out.writeFloat((float) row.statistics().contrast());
      out.writeFloat((float) row.statistics().sharpness());
      out.writeFloat((float) row.statistics().colourfulness());
      out.writeFloat((float) row.statistics().jpegQuality());
    }
  }

  private static DriftPredictions read(Path cache, InferenceToolkit model) throws IOException {
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(
        new GZIPInputStream(Files.newInputStream(cache)), 1 << 16))) {
      if (in.readInt() != MAGIC || in.readInt() != FORMAT) {
        throw new IOException("not a drift cache of format " + FORMAT);
      }
      String name = in.readUTF();
      String version = in.readUTF();
      if (!name.equals(model.modelName()) || !version.equals(model.modelVersion())) {
        throw new IOException("it holds " + name + " " + version);
      }
      int images = in.readInt();
      int blocks = in.readInt();
      List<DriftRow> clean = null;
      Map<DriftKind, List<List<DriftRow>>> drifted = new EnumMap<>(DriftKind.class);
      for (int b = 0; b < blocks; b++) {
        String kind = in.readUTF();
        int step = in.readInt();
        List<DriftRow> rows = readBlock(in, images);
        if (kind.equals(CLEAN)) {
          clean = rows;
        } else {
          List<List<DriftRow>> steps = drifted.computeIfAbsent(DriftKind.valueOf(kind), k -> new ArrayList<>());
          if (step != steps.size() + 1) {
            throw new IOException(kind + " step " + step + " out of order");
          }
          steps.add(rows);
        }
      }
      long pixelKinds = Arrays.stream(DriftKind.values()).filter(DriftKind::changesPixels).count();
      if (clean == null || drifted.size() != pixelKinds
          || drifted.values().stream().anyMatch(s -> s.size() != DriftKind.STEPS)) {
        throw new IOException("it lacks some kinds or steps");
      }
      return new DriftPredictions(clean, drifted);
    }
  }

  private static List<DriftRow> readBlock(DataInputStream in, int images) throws IOException {
    List<DriftRow> rows = new ArrayList<>(images);
    for (int i = 0; i < images; i++) {
      int index = in.readInt();
      int label = in.readUnsignedByte();
      int predicted = in.readUnsignedByte();
      double score = in.readDouble();
      FrameStatistics statistics = new FrameStatistics(in.readFloat(), in.readFloat(), in.readFloat(), in.readFloat(),
          in.readFloat());
      rows.add(new DriftRow(index, label, predicted, score, statistics));
    }
    return rows;
  }

  /**
   * Computes (or reloads) the cache for the bundled model from the repository's root and prints the accuracy per kind
   * and severity: {@code java -cp 'tools/target/labelstream-tools.jar:tools/target/lib/*'
   * io.labelstream.tools.evaluate.drift.DriftPredictions}.
   */
  public static void main(String[] args) throws Exception {
    Path dataset = Env.system().get(ToolVariables.LABELSTREAM_FASHION_MNIST);
    long started = System.nanoTime();
    try (InferenceToolkit model = InferenceToolkit.bundledModel(0)) {
      DriftPredictions predictions = load(model, dataset, Path.of("data", "drift-cache"));
      System.out.printf(Locale.ROOT, "%s %s, %.0f s; clean accuracy %.4f%n", model.modelName(), model.modelVersion(),
          (System.nanoTime() - started) / 1e9, accuracy(predictions.clean()));
      System.out.printf(Locale.ROOT, "%-12s %8s %8s %8s%n", "kind", "MILD", "MODERATE", "SEVERE");
      for (DriftKind kind : DriftKind.values()) {
        if (kind.changesPixels()) {
          System.out.printf(Locale.ROOT, "%-12s", kind);
          for (DriftSeverity severity : DriftSeverity.values()) {
            System.out.printf(Locale.ROOT, " %8.4f", accuracy(predictions.rows(kind, severity.step())));
          }
          System.out.println();
        }
      }
    }
  }
}
