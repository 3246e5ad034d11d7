package io.labelstream.inference.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of a model card the worker needs to feed the model and name its answers. The card is the JSON file
 * committed beside the .onnx; see {@code model/README.md}.
 *
 * @param input how to feed the graph one image
 * @param classNames class names in output order
 */
public record ModelCard(String name, String version, InputSpec input, List<String> classNames) {

  public static ModelCard parse(byte[] json) throws IOException {
    JsonNode root = new ObjectMapper().readTree(json);
    JsonNode input = required(root, "input");
    List<String> classes = new ArrayList<>();
    required(root, "classNames").forEach(node -> classes.add(node.asText()));
    ModelCard card = new ModelCard(
        required(root, "name").asText(),
        required(root, "version").asText(),
        InputSpec.rawGrey(required(input, "name").asText(), required(input, "width").asInt(),
            required(input, "height").asInt()),
        List.copyOf(classes));
    if (input.path("channels").asInt(1) != 1) {
      throw new IOException("model card asks for " + input.path("channels").asInt(1)
          + " channels; this worker feeds grey images only");
    }
    if (card.input.width() <= 0 || card.input.height() <= 0 || classes.isEmpty()) {
      throw new IOException("model card has no usable input size or class list");
    }
    return card;
  }

  private static JsonNode required(JsonNode node, String field) throws IOException {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      throw new IOException("model card lacks the field '" + field + "'");
    }
    return value;
  }
}
