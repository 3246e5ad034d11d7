package io.labelstream.inference.model;

import io.labelstream.inference.model.GraphSignature.Port;
import java.util.Optional;
import java.util.Set;

/**
 * Checks a detection card's output section against the graph: every output it names exists with the rank, element
 * type and fixed sizes its layout implies ({@code yolo} {@code [N, 4+C, A]} with C the number of classNames,
 * {@code yolo-nms} {@code [N, K, 6]}, {@code boxes} {@code [N, K, 4]} with {@code [N, K]} scores and classes and a
 * {@code [N]} count). Dynamic dimensions are accepted; a mismatch names the card field and what the graph has.
 */
final class DetectionGraphCheck {

  /** Element types a class index or a count may come in (TensorFlow exports float classes, others int64). */
  private static final Set<String> NUMERIC = Set.of("float", "double", "int8", "uint8", "int32", "int64");

  private DetectionGraphCheck() {}

  static void check(DetectionOutput output, int classes, GraphSignature graph) throws ModelCardException {
    if (output instanceof DetectionOutput.Yolo yolo) {
      Port port = port(graph, yolo.name(), "output.name", Set.of("float"), 3, "[N,4+C,A]");
      Optional<Long> rows = port.fixed(1);
      if (rows.isPresent() && rows.get() != 4 + classes) {
        throw new ModelCardException("model card field 'classNames' lists " + classes + " classes, so the yolo "
            + "output '" + yolo.name() + "' should be [N," + (4 + classes) + ",A] (cx, cy, w, h, then one score "
            + "per class), but the graph has " + port.shapeText() + " (" + (rows.get() - 4) + " classes)"
            + (port.fixed(2).filter(a -> a == 4 + classes).isPresent() ? "; it looks transposed, [N,A,4+C]" : ""));
      }
    } else if (output instanceof DetectionOutput.YoloNms nms) {
      fixedLast(port(graph, nms.name(), "output.name", Set.of("float"), 3, "[N,K,6]"), "output.name", 6,
          "[N,K,6] (x1, y1, x2, y2, score, class)");
    } else if (output instanceof DetectionOutput.Boxes boxes) {
      fixedLast(port(graph, boxes.boxes(), "output.boxes", Set.of("float"), 3, "[N,K,4]"), "output.boxes", 4,
          "[N,K,4]");
      port(graph, boxes.scores(), "output.scores", Set.of("float"), 2, "[N,K]");
      port(graph, boxes.classes(), "output.classes", NUMERIC, 2, "[N,K]");
      if (boxes.count() != null) {
        port(graph, boxes.count(), "output.count", NUMERIC, 1, "[N]");
      }
    }
  }

  private static Port port(GraphSignature graph, String name, String field, Set<String> types, int rank,
      String layout) throws ModelCardException {
    Port port = graph.outputs().get(name);
    if (port == null) {
      throw new ModelCardException("model card field '" + field + "' is '" + name + "' but the graph has no such "
          + "output; its outputs are " + CardGraphCheck.describe(graph.outputs()));
    }
    if (!types.contains(port.type())) {
      throw new ModelCardException("model card field '" + field + "' names the graph output '" + name + "', which is "
          + port.type() + " " + port.shapeText() + "; expected " + (types.size() == 1 ? "float" : "a number type"));
    }
    if (port.rank() != rank) {
      throw new ModelCardException("model card field '" + field + "' names the graph output '" + name + "' of shape "
          + port.shapeText() + "; expected rank " + rank + " " + layout);
    }
    return port;
  }

  private static void fixedLast(Port port, String field, int size, String layout) throws ModelCardException {
    Optional<Long> last = port.fixed(port.rank() - 1);
    if (last.isPresent() && last.get() != size) {
      throw new ModelCardException("model card field '" + field + "' names the graph output '" + port.name()
          + "' of shape " + port.shapeText() + "; expected " + layout);
    }
  }
}
