package io.labelstream.inference.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labelstream.platform.model.ModelFolder;
import io.labelstream.platform.model.ModelIdentity;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The parts of a model card the worker needs to feed the model and read its answers. The card is the JSON file beside
 * the .onnx; see {@code model/README.md} and docs/bring-your-own-model.md.
 *
 * <p>Two versions exist. A version 2 card has an {@code output} section (and usually {@code task}) and says how to
 * feed any image classifier: {@code input{name, layout, channels, colorOrder, width, height, resize, padValue, dtype,
 * scale, mean, std}}, {@code output{name, kind, members{name}}}, optional {@code testTimeAugmentation}. A card with
 * neither {@code output} nor {@code task} is version 1 (the bundled ensemble's): raw grey float input and the
 * {@code mean_probs}/{@code member_probs} outputs, whatever else its {@code input} section says. Either version may
 * declare {@code testTimeAugmentation}.
 *
 * @param input how to feed the graph one image
 * @param output which graph outputs hold the answer, and in what form
 * @param classNames class names in output order (from {@code classNames} or {@code labelsFile})
 * @param testTimeAugmentation extra views of each image the model also runs on, averaged with the original
 * @param detection a detection model's output layout ({@code "task": "detection"}); null for a classifier, whose
 *     {@code output} says how to read its class scores. A detection card has no {@code output} spec: null.
 */
public record ModelCard(String name, String version, InputSpec input, OutputSpec output, List<String> classNames,
    List<TestTimeAugmentation> testTimeAugmentation, DetectionOutput detection) {

  /** A classifier's card. */
  public ModelCard(String name, String version, InputSpec input, OutputSpec output, List<String> classNames,
      List<TestTimeAugmentation> testTimeAugmentation) {
    this(name, version, input, output, classNames, testTimeAugmentation, null);
  }

  /** A view of the image whose answer is averaged with the original's (a cheap ensemble). */
  public enum TestTimeAugmentation {
    /** The image mirrored left to right. */
    HORIZONTAL_FLIP("horizontal-flip");

    private final String cardName;

    TestTimeAugmentation(String cardName) {
      this.cardName = cardName;
    }

    @Override
    public String toString() {
      return cardName;
    }
  }

  /** Largest input side accepted: far above any classifier's, low enough that a typo cannot exhaust memory. */
  static final int MAX_SIDE = 8192;

  public ModelCard {
    classNames = List.copyOf(classNames);
    testTimeAugmentation = List.copyOf(testTimeAugmentation);
  }

  /** True for a detection model: its answer is boxes ({@link #detection()}), not class scores. */
  public boolean detects() {
    return detection != null;
  }

  /**
   * How many thresholds a routing policy for this model has: one per class for a classifier, one for the frame score
   * of a detection model.
   */
  public int policySize() {
    return detects() ? 1 : classNames.size();
  }

  /** True when each image is also run mirrored left to right. */
  public boolean flipsHorizontally() {
    return testTimeAugmentation.contains(TestTimeAugmentation.HORIZONTAL_FLIP);
  }

  /**
   * Reads the card of the model in {@code folder}.
   *
   * @throws ModelCardException naming the field that is missing or invalid
   */
  public static ModelCard read(ModelFolder folder) throws IOException {
    JsonNode root = json(folder.card());
    ModelIdentity identity;
    try {
      identity = ModelIdentity.parse(root, folder);
    } catch (IOException e) {
      throw new ModelCardException(e.getMessage());
    }
    return parse(root, identity);
  }

  /** Parses a card whose identity (name, version, task, classes) was read already. */
  static ModelCard parse(JsonNode root, ModelIdentity identity) throws ModelCardException {
    JsonNode input = required(root, "input", "input");
    if (identity.task().equals(ModelIdentity.DETECTION)) {
      return detectionCard(root, input, identity);
    }
    if (isVersion1(root)) {
      int channels = input.path("channels").asInt(1);
      if (channels != 1) {
        throw new ModelCardException("model card field 'input.channels' is " + channels + " in a version 1 card "
            + "(no 'output' section), which feeds grey images only; describe the model with a version 2 card");
      }
      InputSpec grey = InputSpec.rawGrey(text(input, "input.name"), side(input, "width"), side(input, "height"));
      return new ModelCard(identity.name(), identity.version(), grey, OutputSpec.bundledEnsemble(),
          identity.classNames(), augmentations(root));
    }
    return new ModelCard(identity.name(), identity.version(), inputSpec(input), outputSpec(root),
        identity.classNames(), augmentations(root));
  }

  /**
   * A detection card: a classifier's input section, fitted by letterbox or stretch only (a centre crop would cut
   * objects off), and a detection output section ({@link DetectionCard}).
   */
  private static ModelCard detectionCard(JsonNode root, JsonNode input, ModelIdentity identity)
      throws ModelCardException {
    InputSpec spec = inputSpec(input);
    if (spec.resize() == InputSpec.Resize.CENTER_CROP) {
      throw new ModelCardException("model card field 'input.resize' is center-crop in a detection card; a centre "
          + "crop would cut objects off: use letterbox (as Ultralytics trains) or stretch");
    }
    if (!augmentations(root).isEmpty()) {
      throw new ModelCardException("model card field 'testTimeAugmentation' is set in a detection card; "
          + "test-time augmentation averages class scores and is for classifiers only");
    }
    return new ModelCard(identity.name(), identity.version(), spec, null, identity.classNames(), List.of(),
        DetectionCard.output(root));
  }

  /** A version 1 card predates the {@code output} section and the {@code task} field. */
  static boolean isVersion1(JsonNode root) {
    return !root.has("output") && !root.has("task");
  }

  private static InputSpec inputSpec(JsonNode input) throws ModelCardException {
    InputSpec.Layout layout = choice(input, "layout", InputSpec.Layout.class, null, "NCHW or NHWC");
    int channels = integer(input, "channels", null);
    if (channels != 1 && channels != 3) {
      throw new ModelCardException("model card field 'input.channels' is " + channels + "; expected 1 or 3");
    }
    InputSpec.ColorOrder order = choice(input, "colorOrder", InputSpec.ColorOrder.class, InputSpec.ColorOrder.RGB,
        "RGB or BGR");
    InputSpec.Resize resize = choice(input, "resize", InputSpec.Resize.class, InputSpec.Resize.STRETCH,
        "stretch, letterbox or center-crop");
    int padValue = integer(input, "padValue", InputSpec.DEFAULT_PAD_VALUE);
    if (padValue < 0 || padValue > 255) {
      throw new ModelCardException("model card field 'input.padValue' is " + padValue + "; expected a pixel value 0-255");
    }
    InputSpec.DType dtype = choice(input, "dtype", InputSpec.DType.class, InputSpec.DType.FLOAT32, "float32 or uint8");
    if (dtype == InputSpec.DType.UINT8) {
      for (String normalisation : List.of("scale", "mean", "std")) {
        if (input.has(normalisation)) {
          throw new ModelCardException("model card field 'input." + normalisation + "' is set but 'input.dtype' is "
              + "uint8, which feeds the raw pixel bytes; remove it or use float32");
        }
      }
    }
    float scale = (float) number(input, "scale", 1.0);
    float[] mean = perChannel(input, "mean", channels, 0f);
    float[] std = perChannel(input, "std", channels, 1f);
    for (float s : std) {
      if (s == 0f || !Float.isFinite(s)) {
        throw new ModelCardException("model card field 'input.std' is " + Arrays.toString(std)
            + "; every value must be a non-zero number");
      }
    }
    return new InputSpec(text(input, "input.name"), layout, channels, order, side(input, "width"),
        side(input, "height"), resize, padValue, dtype, scale, mean, std);
  }

  private static OutputSpec outputSpec(JsonNode root) throws ModelCardException {
    JsonNode output = required(root, "output", "output");
    OutputSpec.Kind kind = choice(output, "kind", OutputSpec.Kind.class, null, "probabilities or logits",
        "output");
    String members = null;
    JsonNode memberSection = output.get("members");
    if (memberSection != null && !memberSection.isNull()) {
      members = text(memberSection, "output.members.name");
    }
    return new OutputSpec(text(output, "output.name"), kind, members);
  }

  private static List<TestTimeAugmentation> augmentations(JsonNode root) throws ModelCardException {
    JsonNode listed = root.get("testTimeAugmentation");
    if (listed == null || listed.isNull()) {
      return List.of();
    }
    if (!listed.isArray()) {
      throw new ModelCardException("model card field 'testTimeAugmentation' must be a list, e.g. [\"horizontal-flip\"]");
    }
    List<TestTimeAugmentation> augmentations = new ArrayList<>();
    for (JsonNode node : listed) {
      TestTimeAugmentation found = Arrays.stream(TestTimeAugmentation.values())
          .filter(a -> a.cardName.equals(node.asText())).findFirst()
          .orElseThrow(() -> new ModelCardException("model card field 'testTimeAugmentation' lists '" + node.asText()
              + "'; expected horizontal-flip"));
      if (!augmentations.contains(found)) {
        augmentations.add(found);
      }
    }
    return augmentations;
  }

  private static JsonNode json(byte[] card) throws ModelCardException {
    try {
      JsonNode root = new ObjectMapper().readTree(card);
      if (root == null || !root.isObject()) {
        throw new ModelCardException("the model card is not a JSON object");
      }
      return root;
    } catch (ModelCardException e) {
      throw e;
    } catch (JsonProcessingException e) {
      throw new ModelCardException("the model card is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ModelCardException("the model card cannot be read: " + e.getMessage());
    }
  }

  private static JsonNode required(JsonNode node, String field, String path) throws ModelCardException {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      throw new ModelCardException("model card lacks the field '" + path + "'");
    }
    return value;
  }

  /** A required text field; {@code path} is its full name, its last part the key in {@code node}. */
  private static String text(JsonNode node, String path) throws ModelCardException {
    JsonNode value = required(node, path.substring(path.lastIndexOf('.') + 1), path);
    if (!value.isTextual() || value.asText().isBlank()) {
      throw new ModelCardException("model card field '" + path + "' is " + value + "; expected a name");
    }
    return value.asText();
  }

  private static int side(JsonNode input, String field) throws ModelCardException {
    int value = integer(input, field, null);
    if (value <= 0 || value > MAX_SIDE) {
      throw new ModelCardException("model card field 'input." + field + "' is " + value + "; expected 1 to " + MAX_SIDE);
    }
    return value;
  }

  private static int integer(JsonNode input, String field, Integer fallback) throws ModelCardException {
    JsonNode value = input.get(field);
    if (value == null || value.isNull()) {
      if (fallback == null) {
        throw new ModelCardException("model card lacks the field 'input." + field + "'");
      }
      return fallback;
    }
    if (!value.isIntegralNumber() || !value.canConvertToInt()) {
      throw new ModelCardException("model card field 'input." + field + "' is " + value + "; expected a whole number");
    }
    return value.asInt();
  }

  private static double number(JsonNode input, String field, double fallback) throws ModelCardException {
    JsonNode value = input.get(field);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (!value.isNumber() || !Double.isFinite(value.asDouble())) {
      throw new ModelCardException("model card field 'input." + field + "' is " + value + "; expected a number");
    }
    return value.asDouble();
  }

  /** A per-channel list; one value is taken for every channel. */
  private static float[] perChannel(JsonNode input, String field, int channels, float fallback)
      throws ModelCardException {
    float[] values = new float[channels];
    JsonNode listed = input.get(field);
    if (listed == null || listed.isNull()) {
      Arrays.fill(values, fallback);
      return values;
    }
    if (listed.isNumber()) {
      Arrays.fill(values, (float) listed.asDouble());
      return values;
    }
    if (!listed.isArray() || (listed.size() != channels && listed.size() != 1)) {
      throw new ModelCardException("model card field 'input." + field + "' is " + listed + "; expected " + channels
          + " number" + (channels == 1 ? "" : "s") + ", one per channel");
    }
    for (int c = 0; c < channels; c++) {
      JsonNode v = listed.get(listed.size() == 1 ? 0 : c);
      if (!v.isNumber()) {
        throw new ModelCardException("model card field 'input." + field + "' is " + listed + "; expected numbers");
      }
      values[c] = (float) v.asDouble();
    }
    return values;
  }

  private static <E extends Enum<E>> E choice(JsonNode node, String field, Class<E> type, E fallback, String expected)
      throws ModelCardException {
    return choice(node, field, type, fallback, expected, "input");
  }

  /** An enum field written as its card spelling: upper or lower case, '-' for '_' ({@code center-crop}). */
  private static <E extends Enum<E>> E choice(JsonNode node, String field, Class<E> type, E fallback, String expected,
      String section) throws ModelCardException {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      if (fallback == null) {
        throw new ModelCardException("model card lacks the field '" + section + "." + field + "'; expected " + expected);
      }
      return fallback;
    }
    String written = value.asText();
    String constant = written.strip().toUpperCase(Locale.ROOT).replace('-', '_');
    for (E candidate : type.getEnumConstants()) {
      if (candidate.name().equals(constant)) {
        return candidate;
      }
    }
    throw new ModelCardException("model card field '" + section + "." + field + "' is '" + written + "'; expected "
        + expected);
  }
}
