package io.labelstream.inference;

import ai.onnxruntime.OrtException;
import io.labelstream.inference.detection.BoxDecoder;
import io.labelstream.inference.detection.Detections;
import io.labelstream.inference.detection.FrameBox;
import io.labelstream.inference.image.FrameDecoder;
import io.labelstream.inference.image.FramePlacement;
import io.labelstream.inference.image.InputStatistics;
import io.labelstream.platform.image.ImageFormat;
import io.labelstream.inference.model.DetectorOutput;
import io.labelstream.inference.model.GraphSignature;
import io.labelstream.inference.model.InputSpec;
import io.labelstream.inference.model.ModelOutput;
import io.labelstream.inference.model.OnnxModel;
import io.labelstream.inference.model.SessionSettings;
import io.labelstream.inference.routing.AuditSampler;
import io.labelstream.inference.routing.Uncertainty;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.model.ModelFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What tools outside the service (the benchmark, the evaluation, the model release) may use of inference: the
 * bundled model as the worker runs it, the worker's image decoding, its uncertainty scores and its audit draw, and a
 * detection model's path (prepare, then detect: boxes on the frame and the frame score). Tools
 * go through this class, never the packages behind it, so those stay free to change (the boundaries test holds them
 * to it).
 */
public final class InferenceToolkit implements AutoCloseable {

  /** Turns an encoded image (PNG, JPEG) into the model's input, as the worker does. */
  @FunctionalInterface
  public interface Decoder {
    float[] decode(byte[] encoded) throws IOException;
  }

  /**
   * The uncertainty scores of one prediction, as the worker routes on them.
   *
   * @param mutualInformation the members' disagreement; NaN for a single network (no members, no test-time views)
   */
  public record Scores(int predictedClass, double score, double margin, double entropy, double mutualInformation) {}

  /**
   * What a drift detector watches in a decoded frame, in [0,1] pixel units: mean luma, its standard deviation, the mean
   * absolute Laplacian of the luma and Hasler and Süsstrunk's colourfulness (0 for grey), as the worker computes them,
   * and the file's JPEG quality over 100 (1 for PNG; NaN when only pixels were given).
   */
  public record FrameStatistics(double brightness, double contrast, double sharpness, double colourfulness,
      double jpegQuality) {

    private static FrameStatistics of(InputStatistics s) {
      return new FrameStatistics(s.brightness(), s.contrast(), s.sharpness(), s.colourfulness(), s.jpegQuality());
    }
  }

  /** The statistics of a {@code width x height} grey frame, one byte per pixel, row by row (JPEG quality NaN). */
  public static FrameStatistics greyStatistics(byte[] grey, int width, int height) {
    return FrameStatistics.of(InputStatistics.ofGrey(grey, width, height));
  }

  /**
   * As {@link #greyStatistics(byte[], int, int)}, with the JPEG quality of {@code encoded}, the file those pixels were
   * decoded from, as the worker reads it.
   */
  public static FrameStatistics greyStatistics(byte[] grey, int width, int height, byte[] encoded) {
    ImageFormat format = ImageFormat.sniff(encoded)
        .orElseThrow(() -> new IllegalArgumentException("neither a PNG nor a JPEG"));
    return FrameStatistics.of(InputStatistics.ofGrey(grey, width, height)
        .withJpegQuality(InputStatistics.jpegQualityOf(encoded, format)));
  }

  /** The statistics of a {@code width x height} colour frame, three bytes (R, G, B) per pixel, row by row. */
  public static FrameStatistics rgbStatistics(byte[] rgb, int width, int height) {
    return FrameStatistics.of(InputStatistics.ofRgb(rgb, width, height));
  }

  private final OnnxModel model;
  /** Made on first use: a classifier never needs it. Racy but harmless: decoders are stateless and thread-safe. */
  private volatile FrameDecoder fittedDecoder;

  private InferenceToolkit(OnnxModel model) {
    this.model = model;
  }

  /** The bundled model with the ONNX Runtime session settings a worker would read from {@code env}. */
  public static InferenceToolkit bundledModel(Env env) throws IOException {
    return load(SessionSettings.from(env));
  }

  /** The bundled model with default session settings and {@code intraOpThreads} (0: ONNX Runtime decides). */
  public static InferenceToolkit bundledModel(int intraOpThreads) throws IOException {
    SessionSettings defaults = SessionSettings.defaults();
    return load(new SessionSettings(defaults.device(), defaults.fallbackToCpu(), intraOpThreads,
        defaults.interOpThreads(), defaults.optimization(), defaults.memoryArena(), defaults.allowSpinning()));
  }

  /**
   * The model in {@code folder} (a user's, or the one LABELSTREAM_MODEL_DIR names) with the session settings a worker
   * would read from {@code env}, its card checked against its graph as the worker does.
   *
   * @throws IOException when the card is invalid or does not fit the graph, naming the card field
   */
  public static InferenceToolkit model(ModelFolder folder, Env env) throws IOException {
    return load(folder, SessionSettings.from(env));
  }

  private static InferenceToolkit load(SessionSettings settings) throws IOException {
    return load(ModelFolder.bundled(), settings);
  }

  private static InferenceToolkit load(ModelFolder folder, SessionSettings settings) throws IOException {
    try {
      return new InferenceToolkit(OnnxModel.load(folder, settings));
    } catch (OrtException e) {
      throw new IOException("ONNX Runtime cannot load the model " + folder + ": " + e.getMessage(), e);
    }
  }

  /**
   * One input or output of a graph, as ONNX Runtime reports it.
   *
   * @param type element type in ONNX's spelling ({@code float}, {@code uint8}, ...), or {@code sequence} or
   *     {@code map} for a value that is not a tensor (its shape is empty)
   * @param shape dimensions, -1 where dynamic or symbolic
   * @param dimensionNames the symbolic name of each dimension ({@code batch}, {@code N}), "" where the graph names none
   */
  public record GraphPort(String name, String type, long[] shape, List<String> dimensionNames) {

    public GraphPort {
      shape = shape.clone();
      dimensionNames = List.copyOf(dimensionNames);
    }

    @Override
    public long[] shape() {
      return shape.clone();
    }

    public int rank() {
      return shape.length;
    }

    /** Dimension {@code i}, or empty when it is dynamic or symbolic. */
    public Optional<Long> fixed(int i) {
      return shape[i] > 0 ? Optional.of(shape[i]) : Optional.empty();
    }

    /** The shape as people write it: {@code [batch, 3, 224, 224]}, {@code ?} for an unnamed free dimension. */
    public String shapeText() {
      List<String> dims = new ArrayList<>();
      for (int i = 0; i < shape.length; i++) {
        dims.add(shape[i] > 0 ? Long.toString(shape[i]) : dimensionNames.get(i).isEmpty() ? "?" : dimensionNames.get(i));
      }
      return dims.toString();
    }
  }

  /** What a graph takes and returns, in the graph's order: what a draft card is inferred from. */
  public record Graph(List<GraphPort> inputs, List<GraphPort> outputs) {

    public Graph {
      inputs = List.copyOf(inputs);
      outputs = List.copyOf(outputs);
    }
  }

  /** Opens any .onnx file, with or without a card, on the CPU and describes its inputs and outputs. */
  public static Graph inspect(Path onnx) throws IOException {
    try {
      GraphSignature graph = GraphSignature.read(Files.readAllBytes(onnx));
      return new Graph(ports(graph.inputs().values()), ports(graph.outputs().values()));
    } catch (OrtException e) {
      throw new IOException("ONNX Runtime cannot open " + onnx + ": " + e.getMessage(), e);
    }
  }

  private static List<GraphPort> ports(Collection<GraphSignature.Port> ports) {
    return ports.stream().map(p -> new GraphPort(p.name(), p.type(), p.shape(), p.dimensionNames())).toList();
  }


  /** The model card's name (the prefix of the model's files). */
  public String modelName() {
    return model.card().name();
  }

  /** The model card's version: with the name, what a cache of the model's answers is keyed by. */
  public String modelVersion() {
    return model.card().version();
  }

  /** The model's classes, in output order (from its card). */
  public List<String> classNames() {
    return model.card().classNames();
  }

  /** True for a detection model (its card says {@code "task": "detection"}): it answers in boxes, not classes. */
  public boolean detects() {
    return model.card().detects();
  }

  /** The card's input section, as the decoder feeds it: for messages such as "NCHW 3ch RGB 224x224 ...". */
  public String inputDescription() {
    return model.card().input().toString();
  }

  /** A decoder to the model's input, as its card describes it; thread-safe. */
  public Decoder decoder() {
    return new FrameDecoder(model.card().input())::decode;
  }

  /**
   * A decoder for a torchvision-style classifier's input, as the worker would decode for its card: NCHW, RGB,
   * float32 {@code (p / 255 - mean) / std} with ImageNet's mean and std, frames stretched to {@code width x height}.
   * Thread-safe.
   */
  public static Decoder imageNetDecoder(int width, int height) {
    InputSpec input = new InputSpec("input", InputSpec.Layout.NCHW, 3, InputSpec.ColorOrder.RGB, width, height,
        InputSpec.Resize.STRETCH, InputSpec.DEFAULT_PAD_VALUE, InputSpec.DType.FLOAT32, 1f / 255,
        new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});
    return new FrameDecoder(input)::decode;
  }

  /** Which library decodes JPEG frames in this process: "libjpeg-turbo" or, without it, "ImageIO". */
  public static String jpegDecoder() {
    return FrameDecoder.jpegDecoder();
  }

  /** Runs one batch and drops the answer: for timing the model alone. */
  public void run(List<float[]> frames) throws IOException {
    runModel(frames);
  }

  /** Runs one batch and scores each frame's answer, in order. */
  public List<Scores> score(List<float[]> frames) throws IOException {
    List<Scores> scores = new ArrayList<>(frames.size());
    for (ModelOutput output : runModel(frames)) {
      Uncertainty u = Uncertainty.of(output);
      scores.add(new Scores(u.predictedClass(), u.score(), u.margin(), u.entropy(),
          u.mutualInformation().orElse(Double.NaN)));
    }
    return scores;
  }

  private ModelOutput[] runModel(List<float[]> frames) throws IOException {
    try {
      return model.run(frames);
    } catch (OrtException e) {
      throw new IOException("ONNX Runtime failed on a batch of " + frames.size() + ": " + e.getMessage(), e);
    }
  }

  /**
   * One box a detection model proposed, in frame pixels (x, y = top-left corner), as the worker writes it.
   *
   * @param label the class's name in the card
   * @param classCertainty its class's share of its anchor's class scores, as the frame score weighs it
   */
  public record DetectedBox(int classIndex, String label, float score, double classCertainty, double x, double y,
      double w, double h) {}

  /**
   * A detection model's answer for one frame, as the worker routes on it (docs/detection.md).
   *
   * @param boxes at or above the card's scoreThreshold, at most maxDetections, most confident first
   * @param candidates every box after NMS scoring at least 0.05 (the boxes included): what the frame score weighs
   * @param frameScore the score the worker compares with the policy's threshold
   */
  public record FrameDetections(int width, int height, List<DetectedBox> boxes, List<DetectedBox> candidates,
      double frameScore) {}

  /**
   * A frame decoded and letterboxed for a detection model, with where it went in the input: what
   * {@link #detect(List)} takes. Its content stays behind this class.
   */
  public static final class PreparedFrame {
    private final FrameDecoder.Fitted fitted;

    private PreparedFrame(FrameDecoder.Fitted fitted) {
      this.fitted = fitted;
    }
  }

  /**
   * Decodes and fits one encoded frame for this detection model, as the worker's decode pool does; thread-safe
   * (run it on several threads to measure decoding in parallel with the model, as the worker does).
   */
  public PreparedFrame prepare(byte[] encoded) throws IOException {
    return new PreparedFrame(detectionDecoder().decodeFitted(encoded));
  }

  private FrameDecoder detectionDecoder() {
    FrameDecoder decoder = fittedDecoder;
    if (decoder == null) {
      decoder = new FrameDecoder(model.card().input());
      fittedDecoder = decoder;
    }
    return decoder;
  }

  /**
   * Runs a detection model on a batch of prepared frames and decodes each frame's boxes onto it, as the worker's model
   * thread does (ONNX Runtime, then box decoding and NMS).
   */
  public List<FrameDetections> detect(List<PreparedFrame> frames) throws IOException {
    DetectorOutput[] outputs = runDetector(frames);
    BoxDecoder decoder = boxDecoder();
    List<FrameDetections> out = new ArrayList<>(frames.size());
    for (int i = 0; i < frames.size(); i++) {
      FramePlacement placement = frames.get(i).fitted.placement();
      Detections found = decoder.decode(outputs[i], placement);
      out.add(new FrameDetections(placement.frameWidth(), placement.frameHeight(), named(found.boxes()),
          named(found.candidates()),
          found.frameScore(model.card().detection().limits().scoreThreshold()).score()));
    }
    return out;
  }

  /**
   * A detection model's whole ranked answer for one frame, for measuring its mAP ({@code model check}): both views of
   * {@link BoxDecoder#ranked}, most confident first.
   *
   * @param everyClass each proposal once per class scoring at least the floor, as detection benchmarks count
   * @param bestClass each proposal once, for its best class, as the worker writes boxes
   */
  public record RankedBoxes(List<DetectedBox> everyClass, List<DetectedBox> bestClass) {}

  /**
   * Runs a detection model on a batch of prepared frames and ranks every proposal scoring at least {@code floor},
   * the {@code limit} most confident per frame and view.
   */
  public List<RankedBoxes> rank(List<PreparedFrame> frames, double floor, int limit) throws IOException {
    DetectorOutput[] outputs = runDetector(frames);
    BoxDecoder decoder = boxDecoder();
    List<RankedBoxes> out = new ArrayList<>(frames.size());
    for (int i = 0; i < frames.size(); i++) {
      FramePlacement placement = frames.get(i).fitted.placement();
      out.add(new RankedBoxes(named(decoder.ranked(outputs[i], placement, floor, limit, true)),
          named(decoder.ranked(outputs[i], placement, floor, limit, false))));
    }
    return out;
  }

  /**
   * Runs a detection model on a batch of prepared frames and drops the answer: ONNX Runtime alone, without box
   * decoding, for timing the model apart from what the worker does around it.
   */
  public void runPrepared(List<PreparedFrame> frames) throws IOException {
    runDetector(frames);
  }

  private DetectorOutput[] runDetector(List<PreparedFrame> frames) throws IOException {
    if (!detects()) {
      throw new IllegalStateException("the model " + modelName() + " is a classifier");
    }
    try {
      return model.detect(frames.stream().map(f -> f.fitted.tensor()).toList());
    } catch (OrtException e) {
      throw new IOException("ONNX Runtime failed on a batch of " + frames.size() + ": " + e.getMessage(), e);
    }
  }

  private BoxDecoder boxDecoder() {
    return new BoxDecoder(model.card().detection(), model.card().classNames().size(), model.card().input().width(),
        model.card().input().height());
  }

  private List<DetectedBox> named(List<FrameBox> boxes) {
    List<String> names = model.card().classNames();
    return boxes.stream().map(b -> new DetectedBox(b.classIndex(), names.get(b.classIndex()), b.score(),
        b.classCertainty(), b.x(), b.y(), b.w(), b.h())).toList();
  }

  /** The worker's audit draw at {@code rate}: true for the frame ids it sends to people as blind audits. */
  public static Predicate<String> auditDraw(double rate) {
    return new AuditSampler(rate)::audits;
  }

  @Override
  public void close() throws IOException {
    try {
      model.close();
    } catch (OrtException e) {
      throw new IOException("ONNX Runtime failed to close the model: " + e.getMessage(), e);
    }
  }
}
