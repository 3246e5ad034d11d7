package io.labelstream.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labelstream.schemas.avro.Box;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Scenes with their true boxes: a folder of JPEG frames and {@code scenes.json} (COCO object detection), as
 * {@code model/scenes.py} writes them: the bundled sample scenes for the detector ({@code model/samples/scenes}) and
 * the scenes {@code evaluate --task detection --e2e} posts. In the order the file lists them.
 */
public final class SampleScenes {

  /** The folder below the sample folder (LABELSTREAM_SAMPLES) that holds the scenes. */
  public static final String FOLDER = "scenes";
  public static final String ANNOTATIONS = "scenes.json";

  /** A true box: its class by name (COCO's category), x/y top-left and w/h in frame pixels. */
  public record TrueBox(String className, double x, double y, double w, double h) {}

  /** One scene: its image file, size and true boxes. */
  public record Scene(Path file, int width, int height, List<TrueBox> boxes) {

    public Scene {
      boxes = List.copyOf(boxes);
    }

    public byte[] bytes() throws IOException {
      return Files.readAllBytes(file);
    }

    /** The true boxes in the card's classes; a class the card lacks gets index -1 and so never matches. */
    public List<Box> truth(List<String> classes) {
      List<Box> truth = new ArrayList<>();
      for (TrueBox t : boxes) {
        truth.add(Box.newBuilder().setLabel(t.className()).setClassIndex(classes.indexOf(t.className()))
            .setX((float) t.x()).setY((float) t.y()).setW((float) t.w()).setH((float) t.h()).setConfidence(null)
            .build());
      }
      return truth;
    }

    public String contentType() {
      String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
      return name.endsWith(".png") ? "image/png" : "image/jpeg";
    }
  }

  private SampleScenes() {}

  /** The scenes in {@code samples}/scenes (or in {@code samples} itself when it holds scenes.json). */
  public static List<Scene> load(Path samples) throws IOException {
    Path dir = Files.isRegularFile(samples.resolve(ANNOTATIONS)) ? samples : samples.resolve(FOLDER);
    Path annotations = dir.resolve(ANNOTATIONS);
    if (!Files.isRegularFile(annotations)) {
      throw new IOException("no sample scenes at " + dir.toAbsolutePath().normalize() + " (" + ANNOTATIONS
          + " missing); set LABELSTREAM_SAMPLES to the folder that holds " + FOLDER + "/" + ANNOTATIONS);
    }
    JsonNode coco = new ObjectMapper().readTree(annotations.toFile());
    Map<Integer, String> categories = new HashMap<>();
    coco.path("categories").forEach(c -> categories.put(c.get("id").asInt(), c.get("name").asText()));
    Map<Integer, List<TrueBox>> boxesByImage = new HashMap<>();
    for (JsonNode a : coco.path("annotations")) {
      String name = categories.get(a.get("category_id").asInt());
      if (name == null) {
        throw new IOException(annotations + ": annotation " + a.path("id") + " has category_id "
            + a.get("category_id") + ", which is not among its categories");
      }
      JsonNode bbox = a.get("bbox");
      boxesByImage.computeIfAbsent(a.get("image_id").asInt(), i -> new ArrayList<>()).add(new TrueBox(name,
          bbox.get(0).asDouble(), bbox.get(1).asDouble(), bbox.get(2).asDouble(), bbox.get(3).asDouble()));
    }
    List<Scene> scenes = new ArrayList<>();
    for (JsonNode image : coco.path("images")) {
      Path file = dir.resolve(image.get("file_name").asText());
      if (!Files.isRegularFile(file)) {
        throw new IOException(annotations + " lists " + file.getFileName() + ", which is not in " + dir);
      }
      scenes.add(new Scene(file, image.get("width").asInt(), image.get("height").asInt(),
          boxesByImage.getOrDefault(image.get("id").asInt(), List.of())));
    }
    if (scenes.isEmpty()) {
      throw new IOException(annotations + " lists no images");
    }
    return scenes;
  }
}
