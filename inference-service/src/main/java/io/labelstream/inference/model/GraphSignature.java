package io.labelstream.inference.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a graph takes and returns, as ONNX Runtime reports it: each input's and output's name, element type and shape
 * ({@code -1} for a dynamic or symbolic dimension). The card is checked against this before the worker starts.
 *
 * @param inputs by name, in the graph's order
 * @param outputs by name, in the graph's order
 */
public record GraphSignature(Map<String, Port> inputs, Map<String, Port> outputs) {

  /**
   * One input or output.
   *
   * @param type the element type in ONNX's spelling ({@code float}, {@code uint8}), or the kind of value when it is
   *     not a tensor ({@code sequence}, {@code map})
   * @param shape dimensions, {@code -1} where not fixed; empty for a value that is not a tensor
   * @param dimensionNames each dimension's symbolic name ({@code batch}, {@code N}), "" where the graph names none
   */
  public record Port(String name, String type, long[] shape, List<String> dimensionNames) {

    public Port {
      shape = shape.clone();
      dimensionNames = List.copyOf(dimensionNames);
    }

    /** A port whose dimensions have no names. */
    public Port(String name, String type, long[] shape) {
      this(name, type, shape, java.util.Collections.nCopies(shape.length, ""));
    }

    @Override
    public long[] shape() {
      return shape.clone();
    }

    public boolean isTensor() {
      return !java.util.Set.of("sequence", "map", "optional").contains(type);
    }

    public int rank() {
      return shape.length;
    }

    /** Dimension {@code i}, or empty when it is dynamic or symbolic. */
    public Optional<Long> fixed(int i) {
      return shape[i] > 0 ? Optional.of(shape[i]) : Optional.empty();
    }

    /** As a message shows it: {@code [-1,3,224,224]}. */
    public String shapeText() {
      return Arrays.toString(shape).replace(" ", "");
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Port p && name.equals(p.name) && type.equals(p.type) && Arrays.equals(shape, p.shape);
    }

    @Override
    public int hashCode() {
      return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
      return name + " " + type + " " + shapeText();
    }
  }

  public GraphSignature {
    inputs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
    outputs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
  }

  /** The signature of a loaded session. */
  public static GraphSignature of(OrtSession session) throws OrtException {
    return new GraphSignature(ports(session.getInputInfo()), ports(session.getOutputInfo()));
  }

  /** The signature of a graph given as .onnx bytes, read without running it (no card needed). */
  public static GraphSignature read(byte[] onnx) throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        OrtSession session = env.createSession(onnx, options)) {
      return of(session);
    }
  }

  private static Map<String, Port> ports(Map<String, NodeInfo> nodes) {
    Map<String, Port> ports = new LinkedHashMap<>();
    nodes.forEach((name, node) -> ports.put(name, node.getInfo() instanceof TensorInfo tensor
        ? new Port(name, elementType(tensor), tensor.getShape(), dimensionNames(tensor))
        : new Port(name, node.getInfo().getClass().getSimpleName().replace("Info", "").toLowerCase(Locale.ROOT),
            new long[0])));
    return ports;
  }

  private static List<String> dimensionNames(TensorInfo tensor) {
    String[] names = tensor.getDimensionNames();
    List<String> out = new ArrayList<>();
    for (int i = 0; i < tensor.getShape().length; i++) {
      out.add(names != null && i < names.length && names[i] != null ? names[i] : "");
    }
    return out;
  }

  private static String elementType(TensorInfo tensor) {
    return switch (tensor.onnxType) {
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT -> "float";
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8 -> "uint8";
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8 -> "int8";
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE -> "double";
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16 -> "float16";
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16 -> "bfloat16";
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32 -> "int32";
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64 -> "int64";
      default -> tensor.onnxType.name().replace("ONNX_TENSOR_ELEMENT_DATA_TYPE_", "").toLowerCase(Locale.ROOT);
    };
  }
}
