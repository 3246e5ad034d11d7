package io.labelstream.platform.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;

/**
 * What every service must agree on about the model, read from its card: its name and version (stamped on every
 * prediction and label) and its classes in output order (the review page's buttons, submit validation, statistics,
 * exports). The inference worker reads the rest of the card (how to feed and read the graph) itself.
 *
 * @param task {@code classification} (version 1 cards, and v2 cards that say so) or {@code detection}
 * @param classNames from the card's {@code classNames}, or its {@code labelsFile} (one name per line, beside the card)
 */
public record ModelIdentity(String name, String version, String task, List<String> classNames) {

  public static final String CLASSIFICATION = "classification";
  public static final String DETECTION = "detection";

  /** Reads the identity from the card's JSON; {@code folder} finds a labels file the card names. */
  public static ModelIdentity read(ModelFolder folder) throws IOException {
    return parse(new ObjectMapper().readTree(folder.card()), folder);
  }

  /** The identity in a card already parsed (by a reader that needs the rest of it too). */
  public static ModelIdentity parse(JsonNode card, ModelFolder folder) throws IOException {
    String task = card.path("task").asText(CLASSIFICATION);
    if (!task.equals(CLASSIFICATION) && !task.equals(DETECTION)) {
      throw new IOException("model card field 'task' is '" + task + "'; expected classification or detection");
    }
    return new ModelIdentity(text(card, "name"), text(card, "version"), task, classNames(card, folder));
  }

  private static List<String> classNames(JsonNode card, ModelFolder folder) throws IOException {
    List<String> names = new ArrayList<>();
    JsonNode listed = card.get("classNames");
    if (listed != null && !listed.isNull()) {
      if (!listed.isArray()) {
        throw new IOException("model card field 'classNames' must be a list of names");
      }
      listed.forEach(node -> names.add(node.asText()));
    } else if (card.hasNonNull("labelsFile")) {
      String file = card.get("labelsFile").asText();
      Optional<byte[]> labels = folder.sibling(file);
      if (labels.isEmpty()) {
        throw new IOException("model card field 'labelsFile' names " + file + ", which is not beside the card");
      }
      new String(labels.get(), StandardCharsets.UTF_8).lines().map(String::strip).filter(l -> !l.isEmpty())
          .forEach(names::add);
    } else {
      throw new IOException("model card lacks the field 'classNames' (or 'labelsFile')");
    }
    if (names.isEmpty()) {
      throw new IOException("model card field 'classNames' lists no class");
    }
    if (new HashSet<>(names).size() != names.size() || names.stream().anyMatch(String::isBlank)) {
      throw new IOException("model card field 'classNames' has a blank or repeated name: " + names);
    }
    return List.copyOf(names);
  }

  private static String text(JsonNode card, String field) throws IOException {
    JsonNode value = card.get(field);
    if (value == null || value.isNull() || value.asText().isBlank()) {
      throw new IOException("model card lacks the field '" + field + "'");
    }
    return value.asText();
  }
}
