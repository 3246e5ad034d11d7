package io.labelstream.tools.model;

import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labelstream.inference.InferenceToolkit;
import io.labelstream.inference.InferenceToolkit.Graph;
import io.labelstream.inference.InferenceToolkit.GraphPort;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code ./labelstream model inspect FILE.onnx}: prints what ONNX Runtime sees of the graph (inputs, outputs,
 * element types, shapes with their symbolic dimensions) and writes the draft model card beside it.
 */
final class ModelInspect {

  private ModelInspect() {}

  /**
   * @param cardFile where the card goes; {@code <model>.card.json} beside the model when empty
   * @param force overwrite an existing card (without it an edited card is never lost by accident: the graph is
   *     printed and the card left alone)
   * @param labels class names, one per line, in output order
   * @return the exit code
   */
  static int run(Path onnx, Optional<Path> cardFile, boolean force, Optional<Path> labels, PrintStream out)
      throws IOException {
    Path card = cardFile.orElseGet(() -> ModelCommand.sibling(onnx, ".card.json"));
    Optional<List<String>> names = labels.isPresent() ? Optional.of(classNames(labels.get())) : Optional.empty();
    Graph graph = InferenceToolkit.inspect(onnx);
    print(onnx, graph, out);
    if (Files.exists(card) && !force) {
      // The graph is printed either way: it is what one compares an existing card with.
      out.println();
      out.println(card + " exists and was left as it is; pass --force to replace it with a draft, or --out FILE to "
          + "write the draft elsewhere");
      return 0;
    }

    DraftCard draft;
    try {
      draft = DraftCard.from(ModelCommand.baseName(onnx), graph, names);
    } catch (IllegalArgumentException e) {
      out.println(e.getMessage());
      return 1;
    }
    if (card.toAbsolutePath().getParent() != null) {
      Files.createDirectories(card.toAbsolutePath().getParent());
    }
    // "field": value, as people (and the bundled card) write JSON
    DefaultPrettyPrinter style = new DefaultPrettyPrinter(
        Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER));
    Files.writeString(card, new ObjectMapper().writer(style).writeValueAsString(draft.card()) + "\n",
        StandardCharsets.UTF_8);
    out.println();
    out.println("wrote the draft card " + card);
    out.println("guesses and to-dos (check each in the card):");
    draft.notes().forEach(note -> out.println("  - " + note));
    out.println();
    out.println("next steps:");
    out.println("  1. edit " + card + " (fields holding " + DraftCard.TODO + " must be filled)");
    out.println("  2. ./labelstream model check " + onnx + " --images DIR --labels LABELS.csv");
    out.println("     runs the model on your labelled images as the worker would, prints its accuracy, and writes");
    out.println("     " + ModelCommand.sibling(onnx, ".validation.csv").getFileName()
        + " (without it the routing policy starts closed: everything goes to people at first)");
    out.println("  3. LABELSTREAM_MODEL_DIR=" + onnx.toAbsolutePath().getParent() + " ./labelstream up");
    out.println("  (docs/bring-your-own-model.md walks through all of it)");
    return 0;
  }

  private static void print(Path onnx, Graph graph, PrintStream out) {
    out.println(onnx);
    out.println("inputs:");
    graph.inputs().forEach(t -> print(t, out));
    out.println("outputs:");
    graph.outputs().forEach(t -> print(t, out));
  }

  private static void print(GraphPort port, PrintStream out) {
    // ONNX says "float"; the card (and numpy, and torch) say float32
    String type = port.type().equals("float") ? "float32" : port.type().equals("double") ? "float64" : port.type();
    out.printf("  %-24s %-8s %s%n", port.name(), type, port.shapeText());
  }

  private static List<String> classNames(Path labels) throws IOException {
    List<String> names = Files.readAllLines(labels, StandardCharsets.UTF_8).stream().map(String::strip)
        .filter(l -> !l.isEmpty()).toList();
    if (names.isEmpty() || names.stream().distinct().count() != names.size()) {
      throw new IOException(labels + " must list distinct class names, one per line");
    }
    return names;
  }
}
