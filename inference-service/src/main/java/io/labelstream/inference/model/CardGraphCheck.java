package io.labelstream.inference.model;

import io.labelstream.inference.model.GraphSignature.Port;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks a model card against the graph it describes, before the worker starts: the input and outputs it names
 * exist, have the ranks and element types the card implies, and every fixed dimension matches the card's channels,
 * height, width and class count. Dynamic and symbolic dimensions are accepted. A mismatch is reported once, naming
 * the card field and what the graph has, because a wrong card otherwise shows up only as wrong labels.
 */
final class CardGraphCheck {

  private CardGraphCheck() {}

  /**
   * @return the batch size the graph fixes, or empty when its batch axis is dynamic
   * @throws ModelCardException at the first mismatch
   */
  static Optional<Long> check(ModelCard card, GraphSignature graph) throws ModelCardException {
    Optional<Long> batch = checkInput(card, graph);
    if (card.detects()) {
      DetectionGraphCheck.check(card.detection(), card.classNames().size(), graph);
      return batch;
    }
    checkOutput(card, graph, card.output().name(), "output.name", 2);
    if (card.output().hasMembers()) {
      checkOutput(card, graph, card.output().members(), "output.members.name", 3);
    }
    return batch;
  }

  private static Optional<Long> checkInput(ModelCard card, GraphSignature graph) throws ModelCardException {
    InputSpec input = card.input();
    Port port = graph.inputs().get(input.name());
    if (port == null) {
      throw new ModelCardException("model card field 'input.name' is '" + input.name() + "' but the graph has no such "
          + "input; its inputs are " + describe(graph.inputs()));
    }
    if (graph.inputs().size() != 1) {
      throw new ModelCardException("the graph takes " + graph.inputs().size() + " inputs " + describe(graph.inputs())
          + "; this worker feeds exactly one, the image named by model card field 'input.name'");
    }
    String expectedType = input.dtype() == InputSpec.DType.FLOAT32 ? "float" : "uint8";
    if (!port.type().equals(expectedType)) {
      throw new ModelCardException("model card field 'input.dtype' is " + cardName(input.dtype()) + " but the graph "
          + "input '" + port.name() + "' takes " + port.type() + " " + port.shapeText());
    }
    if (port.rank() != 4) {
      throw new ModelCardException("model card field 'input.layout' is " + input.layout() + " (rank 4) but the graph "
          + "input '" + port.name() + "' has shape " + port.shapeText() + " (rank " + port.rank() + ")");
    }
    boolean channelsFirst = input.layout() == InputSpec.Layout.NCHW;
    int channelAxis = channelsFirst ? 1 : 3;
    int heightAxis = channelsFirst ? 2 : 1;
    int widthAxis = channelsFirst ? 3 : 2;
    checkDimension(port, input, "input.channels", input.channels(), channelAxis, "channels");
    checkDimension(port, input, "input.height", input.height(), heightAxis, "height");
    checkDimension(port, input, "input.width", input.width(), widthAxis, "width");
    return port.fixed(0);
  }

  private static void checkDimension(Port port, InputSpec input, String field, int value, int axis, String what)
      throws ModelCardException {
    Optional<Long> fixed = port.fixed(axis);
    if (fixed.isPresent() && fixed.get() != value) {
      throw new ModelCardException("model card field '" + field + "' is " + value + " but the graph input '"
          + port.name() + "' has shape " + port.shapeText() + " (" + input.layout() + ": " + what + " " + fixed.get()
          + ")");
    }
  }

  private static void checkOutput(ModelCard card, GraphSignature graph, String name, String field, int rank)
      throws ModelCardException {
    Port port = graph.outputs().get(name);
    String layout = rank == 2 ? "[N,C]" : "[N,K,C]";
    if (port == null) {
      throw new ModelCardException("model card field '" + field + "' is '" + name + "' but the graph has no such "
          + "output; its outputs are " + describe(graph.outputs()));
    }
    if (!port.type().equals("float")) {
      throw new ModelCardException("model card field '" + field + "' names the graph output '" + name + "', which is "
          + port.type() + " " + port.shapeText() + "; class scores must be float");
    }
    if (port.rank() != rank) {
      throw new ModelCardException("model card field '" + field + "' names the graph output '" + name + "' of shape "
          + port.shapeText() + "; expected rank " + rank + " " + layout);
    }
    int classes = card.classNames().size();
    Optional<Long> fixed = port.fixed(rank - 1);
    if (fixed.isPresent() && fixed.get() != classes) {
      throw new ModelCardException("model card field 'classNames' lists " + classes + " classes but the graph output '"
          + name + "' has shape " + port.shapeText() + " (" + layout + ": " + fixed.get() + " classes)");
    }
  }

  static String describe(Map<String, Port> ports) {
    List<String> described = ports.values().stream().map(Port::toString).toList();
    return described.toString();
  }

  private static String cardName(InputSpec.DType dtype) {
    return dtype == InputSpec.DType.FLOAT32 ? "float32" : "uint8";
  }
}
