package io.labelstream.inference;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.labelstream.inference.image.FrameDecoder;
import io.labelstream.inference.model.ModelOutput;
import io.labelstream.inference.model.OnnxModel;
import io.labelstream.inference.model.SessionSettings;
import io.labelstream.inference.routing.AuditSampler;
import io.labelstream.inference.routing.Uncertainty;
import io.labelstream.platform.config.Env;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What tools outside the service (the benchmark, the evaluation, the model release) may use of inference: the
 * bundled model as the worker runs it, the worker's image decoding, its uncertainty scores and its audit draw. Tools
 * go through this class, never the packages behind it, so those stay free to change (the boundaries test holds them
 * to it).
 */
public final class InferenceToolkit implements AutoCloseable {

  /** Turns an encoded image (PNG, JPEG) into the model's input, as the worker does. */
  @FunctionalInterface
  public interface Decoder {
    float[] decode(byte[] encoded) throws IOException;
  }

  /** The uncertainty scores of one prediction, as the worker routes on them. */
  public record Scores(int predictedClass, double score, double margin, double entropy, double mutualInformation) {}

  /**
   * One input or output of a graph as ONNX Runtime reports it.
   *
   * @param elementType {@code float32}, {@code uint8}, {@code int64}...; {@code sequence} or {@code map} for
   *     values that are not tensors (their shape is empty)
   * @param shape one entry per dimension, -1 where the dimension is not fixed
   * @param dimensionNames the symbolic name of each dimension not fixed ({@code batch}, {@code N}), or "" where the
   *     graph names none
   */
  public record GraphTensor(String name, String elementType, long[] shape, List<String> dimensionNames) {

    public GraphTensor {
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

    /** The dimension {@code i} when fixed, empty when symbolic. */
    public Optional<Long> fixed(int i) {
      return shape[i] >= 0 ? Optional.of(shape[i]) : Optional.empty();
    }

    /** The shape as people write it: {@code [batch, 3, 224, 224]}, {@code ?} for an unnamed free dimension. */
    public String shapeText() {
      List<String> dims = new ArrayList<>();
      for (int i = 0; i < shape.length; i++) {
        dims.add(shape[i] >= 0 ? Long.toString(shape[i]) : dimensionNames.get(i).isEmpty() ? "?" : dimensionNames.get(i));
      }
      return dims.toString();
    }
  }

  /** A graph's inputs and outputs, in the graph's order. */
  public record GraphSignature(List<GraphTensor> inputs, List<GraphTensor> outputs) {

    public GraphSignature {
      inputs = List.copyOf(inputs);
      outputs = List.copyOf(outputs);
    }
  }

  private final OnnxModel model;

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

  private static InferenceToolkit load(SessionSettings settings) throws IOException {
    return load(Optional.empty(), settings);
  }

  /**
   * The model in {@code onnx} with the card beside it ({@code <model>.card.json}), as a worker with this
   * environment's ONNX Runtime settings would run it.
   */
  public static InferenceToolkit model(Path onnx, Env env) throws IOException {
    return load(Optional.of(onnx), SessionSettings.from(env));
  }

  private static InferenceToolkit load(Optional<Path> onnx, SessionSettings settings) throws IOException {
    try {
      return new InferenceToolkit(OnnxModel.load(onnx, settings));
    } catch (OrtException e) {
      throw new IOException("ONNX Runtime cannot load the model " + onnx.map(Path::toString).orElse("(bundled)") + ": "
          + e.getMessage(), e);
    }
  }

  /**
   * The inputs and outputs of the graph in {@code onnx}, read from an ONNX Runtime session on the CPU: what a
   * model card must match. No card is needed.
   */
  public static GraphSignature signature(Path onnx) throws IOException {
    byte[] graph = Files.readAllBytes(onnx);
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        OrtSession session = OrtEnvironment.getEnvironment().createSession(graph, options)) {
      return new GraphSignature(tensors(session.getInputInfo()), tensors(session.getOutputInfo()));
    } catch (OrtException e) {
      throw new IOException("ONNX Runtime cannot read the graph " + onnx + ": " + e.getMessage(), e);
    }
  }

  private static List<GraphTensor> tensors(Map<String, NodeInfo> nodes) {
    List<GraphTensor> tensors = new ArrayList<>();
    for (NodeInfo node : nodes.values()) {
      if (node.getInfo() instanceof TensorInfo tensor) {
        String[] names = tensor.getDimensionNames();
        long[] shape = tensor.getShape();
        List<String> dimensionNames = new ArrayList<>();
        for (int i = 0; i < shape.length; i++) {
          dimensionNames.add(names != null && i < names.length && names[i] != null ? names[i] : "");
        }
        tensors.add(new GraphTensor(node.getName(), elementType(tensor.onnxType), shape, dimensionNames));
      } else {
        String kind = node.getInfo().getClass().getSimpleName().replace("Info", "").toLowerCase(Locale.ROOT);
        tensors.add(new GraphTensor(node.getName(), kind, new long[0], List.of()));
      }
    }
    return tensors;
  }

  /** {@code ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT} as a card writes it: {@code float32}. */
  private static String elementType(TensorInfo.OnnxTensorType type) {
    String name = type.name().replace("ONNX_TENSOR_ELEMENT_DATA_TYPE_", "").toLowerCase(Locale.ROOT);
    return switch (name) {
      case "float" -> "float32";
      case "double" -> "float64";
      default -> name;
    };
  }

  /** The model card's name (the prefix of the model's files). */
  public String modelName() {
    return model.card().name();
  }

  /** The model's classes in output order, from its card. */
  public List<String> classNames() {
    return model.card().classNames();
  }

  /** The card's input section, as the decoder feeds it: for messages such as "NCHW 3ch RGB 224x224 ...". */
  public String inputDescription() {
    return model.card().input().toString();
  }

  /** A decoder to the model's input size; not thread-safe, one per thread. */
  public Decoder decoder() {
    return new FrameDecoder(model.card().input())::decode;
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
      scores.add(new Scores(u.predictedClass(), u.score(), u.margin(), u.entropy(), u.mutualInformation()));
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
