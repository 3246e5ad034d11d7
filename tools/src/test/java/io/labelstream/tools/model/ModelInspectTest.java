package io.labelstream.tools.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labelstream.inference.InferenceToolkit;
import io.labelstream.inference.InferenceToolkit.Graph;
import io.labelstream.inference.InferenceToolkit.GraphPort;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.model.ModelFolder;
import io.labelstream.platform.model.ModelIdentity;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./labelstream model inspect} on the bundled model's real graph, and drafts from other graph shapes. */
class ModelInspectTest {

  static final Path MODEL_DIR = Path.of(System.getProperty("labelstream.root", "..")).resolve("model");
  static final Path BUNDLED = MODEL_DIR.resolve("fashion-mnist-ensemble.onnx");

  @TempDir
  Path dir;

  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
  private final ByteArrayOutputStream errors = new ByteArrayOutputStream();

  @Test
  void shouldDraftACardTheWorkerLoadsFromTheBundledGraph() throws Exception {
    Path onnx = Files.copy(BUNDLED, dir.resolve("fashion.onnx"));

    assertThat(model("inspect", onnx.toString())).isZero();

    assertThat(printed()).contains("image", "float32", "[N, 1, 28, 28]", "mean_probs", "[N, 10]", "member_probs",
        "[N, 5, 10]");
    Path cardFile = dir.resolve("fashion.card.json");
    ModelIdentity identity = ModelIdentity.read(ModelFolder.of(onnx));
    assertThat(identity.name()).isEqualTo("fashion");
    assertThat(identity.task()).isEqualTo("classification");
    assertThat(identity.classNames()).hasSize(10).startsWith("class_0").endsWith("class_9");

    JsonNode json = new ObjectMapper().readTree(cardFile.toFile());
    assertThat(json.at("/input/layout").asText()).isEqualTo("NCHW");
    assertThat(json.at("/input/dtype").asText()).isEqualTo("float32");
    assertThat(json.at("/output/name").asText()).isEqualTo("mean_probs");
    assertThat(json.at("/output/kind").asText()).isEqualTo("probabilities");
    assertThat(json.at("/output/members/name").asText()).isEqualTo("member_probs");
    // The draft loads: the worker's own card parser accepts it (and checks it against this graph).
    try (InferenceToolkit loaded = InferenceToolkit.model(ModelFolder.of(onnx), new Env(Map.of()))) {
      assertThat(loaded.classNames()).isEqualTo(identity.classNames());
      assertThat(loaded.inputDescription()).startsWith("image NCHW 1ch 28x28 ");
    }
  }

  @Test
  void shouldLeaveAnExistingCardAloneUnlessForced() throws Exception {
    Path onnx = Files.copy(BUNDLED, dir.resolve("fashion.onnx"));
    Path card = Files.writeString(dir.resolve("fashion.card.json"), "{\"edited\": true}");

    assertThat(model("inspect", onnx.toString())).isZero();
    assertThat(printed()).contains("[N, 1, 28, 28]", "exists and was left as it is", "--force");
    assertThat(Files.readString(card)).isEqualTo("{\"edited\": true}");

    assertThat(model("inspect", onnx.toString(), "--force")).isZero();
    assertThat(Files.readString(card)).contains("\"classNames\"");
  }

  @Test
  void shouldNameTheClassesFromALabelsFileOfTheRightLength() throws Exception {
    Path onnx = Files.copy(BUNDLED, dir.resolve("fashion.onnx"));
    List<String> names = List.of("tee", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag",
        "boot");
    Path labels = Files.write(dir.resolve("names.txt"), names);
    Path wrong = Files.write(dir.resolve("three.txt"), names.subList(0, 3));
    Path elsewhere = dir.resolve("cards/draft.card.json");

    assertThat(model("inspect", onnx.toString(), "--labels", wrong.toString(), "--out", elsewhere.toString())).isEqualTo(1);
    assertThat(printed()).contains("names 3 classes but the model answers 10");

    assertThat(model("inspect", onnx.toString(), "--labels", labels.toString(), "--out", elsewhere.toString())).isZero();
    List<String> written = new ArrayList<>();
    new ObjectMapper().readTree(elsewhere.toFile()).get("classNames").forEach(n -> written.add(n.asText()));
    assertThat(written).isEqualTo(names);
    assertThat(dir.resolve("fashion.card.json")).doesNotExist();
  }

  @Test
  void shouldReadTheLayoutOfAChannelsLastUint8GraphAndLeaveFreeSizesToDo() {
    Graph graph = new Graph(
        List.of(new GraphPort("pixels", "uint8", new long[] {-1, -1, -1, 3}, List.of("batch", "height", "width", ""))),
        List.of(new GraphPort("logits", "float", new long[] {-1, 4}, List.of("batch", ""))));

    DraftCard draft = DraftCard.from("cams", graph, Optional.empty());

    JsonNode card = draft.card();
    assertThat(card.at("/input/layout").asText()).isEqualTo("NHWC");
    assertThat(card.at("/input/channels").asInt()).isEqualTo(3);
    assertThat(card.at("/input/colorOrder").asText()).isEqualTo("RGB");
    assertThat(card.at("/input/dtype").asText()).isEqualTo("uint8");
    assertThat(card.at("/input/scale").isMissingNode()).isTrue();
    assertThat(card.at("/input/width").asText()).startsWith(DraftCard.TODO);
    assertThat(card.at("/input/height").asText()).startsWith(DraftCard.TODO);
    assertThat(card.at("/output/kind").asText()).isEqualTo("logits");
    assertThat(card.at("/output/members").isMissingNode()).isTrue();
    assertThat(card.at("/classNames").size()).isEqualTo(4);
    assertThat(draft.notes()).anyMatch(n -> n.contains("input width free")).anyMatch(n -> n.contains("BGR"));
  }

  @Test
  void shouldGuessImageNetNormalisationForAFloatColourGraph() {
    Graph graph = new Graph(
        List.of(new GraphPort("input", "float", new long[] {-1, 3, 224, 224}, List.of("batch", "", "", ""))),
        List.of(new GraphPort("logits", "float", new long[] {-1, 1000}, List.of("batch", ""))));

    JsonNode card = DraftCard.from("mobilenet", graph, Optional.empty()).card();

    assertThat(card.at("/input/layout").asText()).isEqualTo("NCHW");
    assertThat(card.at("/input/width").asInt()).isEqualTo(224);
    assertThat(card.at("/input/scale").asDouble()).isEqualTo(1.0 / 255);
    assertThat(card.at("/input/mean/0").asDouble()).isEqualTo(0.485);
    assertThat(card.at("/input/std/2").asDouble()).isEqualTo(0.225);
    assertThat(card.at("/classNames").size()).isEqualTo(1000);
  }

  @Test
  void shouldDraftADetectionCardTheWorkerLoadsForAYolo11nAsUltralyticsExportsIt() throws Exception {
    Path onnx = Files.copy(Path.of("../inference-service/src/test/resources/detection/yolo11n/yolo11n.onnx"),
        dir.resolve("yolo11n.onnx"));

    assertThat(model("inspect", onnx.toString())).isZero();

    JsonNode card = new ObjectMapper().readTree(dir.resolve("yolo11n.card.json").toFile());
    assertThat(card.at("/task").asText()).isEqualTo("detection");
    assertThat(card.at("/input/name").asText()).isEqualTo("images");
    assertThat(card.at("/input/resize").asText()).isEqualTo("letterbox");
    assertThat(card.at("/input/padValue").asInt()).isEqualTo(114);
    assertThat(card.at("/input/scale").asDouble()).isEqualTo(1.0 / 255);
    assertThat(card.at("/input/mean").isMissingNode()).isTrue();
    assertThat(card.at("/output/format").asText()).isEqualTo("yolo");
    assertThat(card.at("/output/name").asText()).isEqualTo("output0");
    assertThat(card.at("/classNames").size()).isEqualTo(80);
    assertThat(printed()).contains("Ultralytics' raw yolo layout").doesNotContain("resize stretch is a guess");
    try (InferenceToolkit loaded = InferenceToolkit.model(ModelFolder.of(onnx), new Env(Map.of()))) {
      assertThat(loaded.detects()).isTrue();
    }
  }

  @Test
  void shouldDraftAYoloNmsCardLeavingTheClassesToDo() {
    Graph graph = new Graph(
        List.of(new GraphPort("images", "float", new long[] {1, 3, 640, 640}, List.of("", "", "", ""))),
        List.of(new GraphPort("output0", "float", new long[] {1, 300, 6}, List.of("", "", ""))));

    DraftCard draft = DraftCard.from("yolo26n", graph, Optional.empty());

    assertThat(draft.card().at("/task").asText()).isEqualTo("detection");
    assertThat(draft.card().at("/output/format").asText()).isEqualTo("yolo-nms");
    assertThat(draft.card().at("/classNames/0").asText()).startsWith(DraftCard.TODO);
  }

  private int model(String... args) {
    printed.reset();
    return ModelCommand.run(new Env(Map.of()), args, new PrintStream(printed, true, StandardCharsets.UTF_8),
        new PrintStream(errors, true, StandardCharsets.UTF_8));
  }

  private String printed() {
    return printed.toString(StandardCharsets.UTF_8) + errors.toString(StandardCharsets.UTF_8);
  }
}
