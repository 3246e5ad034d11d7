package io.labelstream.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labelstream.schemas.avro.Box;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the detection ITs share: the all-in-one launch with the bundled detector (the task picks
 * model/fashion-detector.onnx through LABELSTREAM_MODEL_DIR) and the sample scenes' true boxes read from scenes.json
 * on their own, not through the launcher's loader.
 */
final class DetectionLaunch {

  static final Path ROOT = Path.of(System.getProperty("labelstream.root"));
  static final Path SAMPLES = ROOT.resolve("model/samples");
  private static final ObjectMapper JSON = new ObjectMapper();

  private DetectionLaunch() {}

  /** The services' environment for {@code --task detection} on ephemeral ports, with {@code settings} added. */
  static Map<String, String> environment(Path dataDir, Map<String, String> settings) {
    Map<String, String> env = new HashMap<>(Map.of(
        "LABELSTREAM_DATA_DIR", dataDir.resolve("data").toString(),
        "LABELSTREAM_SAMPLES", SAMPLES.toString(),
        "INGEST_PORT", "0", "INFERENCE_PORT", "0", "REVIEW_PORT", "0",
        "REVIEW_TOKENS", "root:root-secret-token:admin"));
    env.putAll(settings);
    LaunchTask.Launch launch = LaunchTask.resolve(env, Optional.of(LaunchTask.DETECTION), ROOT);
    assertThat(launch.environment().get("LABELSTREAM_MODEL_DIR"))
        .isEqualTo(ROOT.resolve("model/fashion-detector.onnx").toAbsolutePath().normalize().toString());
    return launch.environment();
  }

  /** The true boxes of each image in scenes.json, in its order, their classes by name in the card's (else -1). */
  static List<List<Box>> truthFromScenesJson(List<String> classes) throws Exception {
    JsonNode coco = JSON.readTree(SAMPLES.resolve("scenes/scenes.json").toFile());
    Map<Integer, String> nameOf = new HashMap<>();
    coco.get("categories").forEach(c -> nameOf.put(c.get("id").asInt(), c.get("name").asText()));
    Map<Integer, List<Box>> byImage = new HashMap<>();
    for (JsonNode a : coco.get("annotations")) {
      JsonNode b = a.get("bbox");
      String name = nameOf.get(a.get("category_id").asInt());
      byImage.computeIfAbsent(a.get("image_id").asInt(), i -> new ArrayList<>()).add(Box.newBuilder()
          .setLabel(name).setClassIndex(classes.indexOf(name)).setX(b.get(0).floatValue())
          .setY(b.get(1).floatValue()).setW(b.get(2).floatValue()).setH(b.get(3).floatValue()).build());
    }
    List<List<Box>> truth = new ArrayList<>();
    coco.get("images").forEach(image -> truth.add(byImage.getOrDefault(image.get("id").asInt(), List.of())));
    return truth;
  }
}
