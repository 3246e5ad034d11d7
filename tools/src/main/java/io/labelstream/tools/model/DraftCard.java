package io.labelstream.tools.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.labelstream.inference.InferenceToolkit.Graph;
import io.labelstream.inference.InferenceToolkit.GraphPort;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The model card {@code ./labelstream model inspect} drafts from a graph's inputs and outputs: every field the graph
 * decides (names, layout, channels, size, element type, class count) filled in, every field only the model's
 * training knows (normalisation, colour order, resize, class names) filled with the most common choice and a note
 * saying it is a guess. A field nothing can be guessed for holds a {@link #TODO} text the worker refuses. A graph whose
 * single output looks like a detector's ({@code [N, 4+C, A]} as Ultralytics exports, or {@code [N, K, 6]}) gets a
 * detection card: format yolo or yolo-nms, letterbox with padValue 114, scale 1/255.
 *
 * @param card the card's JSON, in the field names of card version 2
 * @param notes what was guessed or left to do, one sentence each, for the person who edits the card
 */
record DraftCard(ObjectNode card, List<String> notes) {

  static final String TODO = "TODO";

  /** torchvision's (and timm's, and most exporters') normalisation: ImageNet's channel means and deviations. */
  private static final double[] IMAGENET_MEAN = {0.485, 0.456, 0.406};
  private static final double[] IMAGENET_STD = {0.229, 0.224, 0.225};

  /**
   * @param name the model's base name ({@code cams} for {@code cams.onnx})
   * @param classNames the names from {@code --labels}, or empty to write {@code class_0...}
   * @throws IllegalArgumentException when the names are not as many as the graph's classes
   */
  static DraftCard from(String name, Graph graph, Optional<List<String>> classNames) {
    Drafting drafting = new Drafting(new ObjectMapper().createObjectNode(), new ArrayList<>());
    drafting.draft(name, graph, classNames);
    return new DraftCard(drafting.card, List.copyOf(drafting.notes));
  }

  private record Drafting(ObjectNode card, List<String> notes) {

    void draft(String name, Graph graph, Optional<List<String>> classNames) {
      card.put("name", name);
      card.put("version", "1.0.0");
      notes.add("version is 1.0.0: set it to your release's version (it is stamped on every label).");
      card.put("description", "Drafted by ./labelstream model inspect; check every field before use.");
      Optional<Detector> detector = Detector.of(graph);
      card.put("task", detector.isPresent() ? "detection" : "classification");
      input(graph);
      Optional<Long> classes;
      if (detector.isPresent()) {
        detectionInput();
        classes = detectionOutput(detector.get());
      } else {
        classes = output(graph);
      }
      classNames(classes, classNames);
    }

    /**
     * A detector's input as Ultralytics feeds it: letterboxed with grey 114, RGB scaled to 0-1, no mean or std
     * (the same guess for any single-output YOLO-style graph; other exporters are edited by hand).
     */
    private void detectionInput() {
      ObjectNode input = (ObjectNode) card.get("input");
      if (!input.path("width").isNumber()) {
        return; // not an image input: the notes already say to fill it in
      }
      input.put("resize", "letterbox");
      input.put("padValue", 114);
      if (input.path("dtype").asText().equals("float32")) {
        input.put("scale", 1.0 / 255);
        input.remove(List.of("mean", "std"));
      }
      notes.removeIf(n -> n.startsWith("resize stretch is a guess") || n.startsWith("scale 1/255 with ImageNet"));
      notes.add("resize letterbox with padValue 114 and scale 1/255 (no mean or std) is how Ultralytics feeds its "
          + "detectors; use stretch if the model was trained on whole frames resized to its input.");
    }

    private Optional<Long> detectionOutput(Detector detector) {
      ObjectNode output = card.putObject("output");
      output.put("format", detector.format());
      output.put("name", detector.port().name());
      output.put("scoreThreshold", 0.25);
      output.put("iouThreshold", 0.45);
      output.put("maxDetections", 100);
      if (detector.format().equals("yolo")) {
        notes.add("output " + detector.port().name() + " " + detector.port().shapeText() + " read as Ultralytics' "
            + "raw yolo layout [N, 4+C, A] (cx, cy, w, h, then C class scores): " + detector.classes().orElseThrow()
            + " classes; the worker runs NMS with scoreThreshold and iouThreshold (docs/detection.md).");
      } else {
        notes.add("output " + detector.port().name() + " " + detector.port().shapeText() + " read as yolo-nms "
            + "[N, K, 6] (x1, y1, x2, y2, score, class; NMS inside the graph): the graph does not say how many "
            + "classes, so list classNames by hand.");
      }
      return detector.classes();
    }

    private void input(Graph graph) {
      ObjectNode input = card.putObject("input");
      List<GraphPort> images = graph.inputs().stream().filter(t -> t.rank() == 4).toList();
      if (graph.inputs().size() > 1) {
        notes.add("the graph has " + graph.inputs().size() + " inputs; the worker feeds one image input only.");
      }
      if (images.isEmpty()) {
        input.put("name", graph.inputs().isEmpty() ? TODO : graph.inputs().get(0).name());
        input.put("layout", TODO);
        notes.add("no input has the rank 4 of an image batch ([N,C,H,W] or [N,H,W,C]): fill in the input by hand.");
        return;
      }
      GraphPort image = images.get(0);
      input.put("name", image.name());
      boolean channelsFirst = isChannelCount(image.fixed(1));
      boolean channelsLast = isChannelCount(image.fixed(3));
      int height;
      int width;
      if (channelsFirst) {
        input.put("layout", "NCHW");
        input.put("channels", image.fixed(1).orElseThrow());
        height = 2;
        width = 3;
      } else if (channelsLast) {
        input.put("layout", "NHWC");
        input.put("channels", image.fixed(3).orElseThrow());
        height = 1;
        width = 2;
      } else {
        input.put("layout", TODO + ": NCHW or NHWC");
        input.put("channels", TODO + ": 1 or 3");
        notes.add("the input " + image.shapeText() + " has no fixed channel dimension of 1 or 3 at position 1 or 3: "
            + "set layout and channels by hand.");
        height = 2;
        width = 3;
      }
      boolean colour = !input.path("channels").isNumber() || input.path("channels").asInt() == 3;
      if (colour) {
        input.put("colorOrder", "RGB");
        notes.add("colorOrder RGB is a guess: models trained with OpenCV (cv2.imread) or Caffe usually want BGR.");
      }
      size(input, "width", image, width);
      size(input, "height", image, height);
      input.put("resize", "stretch");
      notes.add("resize stretch is a guess: keep it if the model was trained on whole frames resized to its input "
          + "(Resize((H, W))); use center-crop for ImageNet-style evaluation (Resize + CenterCrop, torchvision's "
          + "default); use letterbox (padValue, default 114) if it was trained on padded, aspect-kept images.");
      dtype(input, image, colour);
    }

    private void size(ObjectNode input, String field, GraphPort image, int dimension) {
      Optional<Long> fixed = image.fixed(dimension);
      if (fixed.isPresent()) {
        input.put(field, fixed.get());
      } else {
        input.put(field, TODO + ": the " + field + " in pixels the model was trained on");
        notes.add("the graph leaves the input " + field + " free (" + image.shapeText() + "): set " + field
            + " to the size the model was trained on.");
      }
    }

    private void dtype(ObjectNode input, GraphPort image, boolean colour) {
      switch (image.type()) {
        case "float" -> {
          input.put("dtype", "float32");
          input.put("scale", 1.0 / 255);
          ArrayNode mean = input.putArray("mean");
          ArrayNode std = input.putArray("std");
          if (colour) {
            for (int c = 0; c < 3; c++) {
              mean.add(IMAGENET_MEAN[c]);
              std.add(IMAGENET_STD[c]);
            }
            notes.add("scale 1/255 with ImageNet mean and std is an assumption to check: it is how torchvision and "
                + "timm models are fed; a model that normalises inside its graph wants scale 1, mean 0, std 1.");
          } else {
            mean.add(0.0);
            std.add(1.0);
            notes.add("scale 1/255 (grey 0-1) is an assumption to check: a model that normalises inside its graph "
                + "wants scale 1 (raw 0-255), as the bundled model does.");
          }
        }
        case "uint8" -> input.put("dtype", "uint8");
        default -> {
          input.put("dtype", TODO + ": float32 or uint8");
          notes.add("the input's element type is " + image.type() + "; the worker feeds float32 or uint8 only.");
        }
      }
    }

    /** The output section; returns the class count when the graph fixes it. */
    private Optional<Long> output(Graph graph) {
      ObjectNode output = card.putObject("output");
      List<GraphPort> perImage = graph.outputs().stream()
          .filter(t -> t.rank() == 2 && isFloat(t)).toList();
      if (perImage.isEmpty()) {
        output.put("name", TODO);
        output.put("kind", "logits");
        notes.add("no float output of shape [N, classes]: name the class scores' output by hand.");
        return Optional.empty();
      }
      GraphPort scores = perImage.get(0);
      if (perImage.size() > 1) {
        notes.add("several outputs of shape [N, C] (" + perImage.stream().map(GraphPort::name).toList()
            + "): " + scores.name() + " was taken; name the class scores' output if it is another.");
      }
      output.put("name", scores.name());
      String lower = scores.name().toLowerCase(Locale.ROOT);
      boolean probabilities = lower.contains("prob") || lower.contains("softmax");
      output.put("kind", probabilities ? "probabilities" : "logits");
      notes.add("output kind " + (probabilities ? "probabilities" : "logits") + " is a guess from the output's name '"
          + scores.name() + "': probabilities if the graph ends in a softmax (rows sum to 1), else logits.");
      Optional<Long> classes = scores.fixed(1);
      graph.outputs().stream()
          .filter(t -> t.rank() == 3 && isFloat(t) && t.fixed(2).equals(classes) && classes.isPresent())
          .findFirst()
          .ifPresent(members -> {
            output.putObject("members").put("name", members.name());
            notes.add("members " + members.name() + " " + members.shapeText() + " read as an ensemble's per-member "
                + "probabilities (mutual information is computed from them).");
          });
      return classes;
    }

    private void classNames(Optional<Long> classes, Optional<List<String>> given) {
      ArrayNode names = card.putArray("classNames");
      if (given.isPresent()) {
        if (classes.isPresent() && classes.get() != given.get().size()) {
          throw new IllegalArgumentException("the labels file names " + given.get().size() + " classes but the model "
              + "answers " + classes.get());
        }
        given.get().forEach(names::add);
        return;
      }
      if (classes.isPresent()) {
        for (long c = 0; c < classes.get(); c++) {
          names.add("class_" + c);
        }
        notes.add("classNames are placeholders class_0..class_" + (classes.get() - 1) + ": write your class names "
            + "in output order (or pass --labels FILE, one name per line).");
      } else {
        names.add(TODO + ": one name per class, in output order");
        notes.add("the graph does not fix the number of classes: list classNames by hand (or --labels FILE).");
      }
    }

    /**
     * A graph that answers in a detection layout: one float output of rank 3 shaped {@code [N, 4+C, A]} (more
     * anchors than rows, as Ultralytics exports) or {@code [N, K, 6]}.
     */
    private record Detector(String format, GraphPort port, Optional<Long> classes) {

      static Optional<Detector> of(Graph graph) {
        if (graph.outputs().size() != 1) {
          return Optional.empty();
        }
        GraphPort out = graph.outputs().get(0);
        if (out.rank() != 3 || !isFloat(out)) {
          return Optional.empty();
        }
        Optional<Long> rows = out.fixed(1);
        Optional<Long> anchors = out.fixed(2);
        if (rows.isPresent() && anchors.isPresent() && rows.get() > 4 && anchors.get() > rows.get()) {
          return Optional.of(new Detector("yolo", out, Optional.of(rows.get() - 4)));
        }
        if (anchors.isPresent() && anchors.get() == 6) {
          return Optional.of(new Detector("yolo-nms", out, Optional.empty()));
        }
        return Optional.empty();
      }
    }

    /** A float tensor of any precision ({@code float}, {@code float16}, {@code double}): class scores. */
    private static boolean isFloat(GraphPort port) {
      return port.type().startsWith("float") || port.type().equals("double");
    }

    private static boolean isChannelCount(Optional<Long> dimension) {
      return dimension.isPresent() && (dimension.get() == 1 || dimension.get() == 3);
    }
  }
}
