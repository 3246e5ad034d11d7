package io.labelstream.platform.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labelstream.schemas.avro.Box;
import io.labelstream.schemas.boxes.BoxMatching;
import io.labelstream.schemas.boxes.FrameScore;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * A detector's replay file ({@code <model>.validation.jsonl}, {@code <model>.test.jsonl}: one scene a line, its true
 * boxes and the model's candidate boxes after NMS) read as the routing sees a frame: its frame score
 * ({@link FrameScore}, over the candidates and their class certainty) and whether the boxes the model would label
 * are exact ({@link BoxMatching} of the truth against the candidates at or above the card's
 * {@code output.scoreThreshold}, the boxes the worker puts on a model label). The review service reads the validation
 * file as the policy's evidence and {@code ./labelstream evaluate --task detection} replays the test file; both read
 * it here, so they cannot disagree about which frames were exact.
 *
 * @param scoreThreshold the card's {@code output.scoreThreshold}: boxes at or above it are the model's boxes
 * @param frameExactnessTarget the card's {@code frameExactnessTarget}, the frame exactness the model can honestly
 *     be held to, when the card states one
 */
public record DetectionReplay(double scoreThreshold, OptionalDouble frameExactnessTarget) {

  /** The card's default {@code output.scoreThreshold} (docs/detection.md). */
  public static final double DEFAULT_SCORE_THRESHOLD = 0.25;

  /** One scene as the routing sees it. */
  public record Frame(int scene, double score, boolean exact) {}

  /** The replay rules of this model, from its card. */
  public static DetectionReplay of(ModelFolder model) throws IOException {
    return of(new ObjectMapper().readTree(model.card()));
  }

  /** The replay rules of a card already parsed. */
  public static DetectionReplay of(JsonNode card) throws IOException {
    JsonNode threshold = card.path("output").path("scoreThreshold");
    double cut = threshold.isMissingNode() || threshold.isNull() ? DEFAULT_SCORE_THRESHOLD : threshold.asDouble(-1);
    if (!(cut > 0 && cut < 1)) {
      throw new IOException("model card field 'output.scoreThreshold' is " + threshold + "; expected a score in (0, 1)");
    }
    JsonNode target = card.path("frameExactnessTarget");
    if (target.isMissingNode() || target.isNull()) {
      return new DetectionReplay(cut, OptionalDouble.empty());
    }
    if (!target.isNumber() || !(target.asDouble() > 0 && target.asDouble() < 1)) {
      throw new IOException("model card field 'frameExactnessTarget' is " + target + "; expected a share in (0, 1)");
    }
    return new DetectionReplay(cut, OptionalDouble.of(target.asDouble()));
  }

  /**
   * Reads a replay file.
   *
   * @throws IOException naming the line that is not a scene
   */
  public List<Frame> read(byte[] jsonl) throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<Frame> frames = new ArrayList<>();
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(new ByteArrayInputStream(jsonl),
        StandardCharsets.UTF_8))) {
      String line;
      int number = 0;
      while ((line = reader.readLine()) != null) {
        number++;
        if (line.isBlank()) {
          continue;
        }
        try {
          frames.add(frame(json.readTree(line)));
        } catch (IOException | RuntimeException e) {
          throw new IOException("line " + number + " of the replay file is not a scene: " + e.getMessage(), e);
        }
      }
    }
    return frames;
  }

  /** One line of a replay file. */
  public Frame frame(JsonNode scene) throws IOException {
    List<Box> truth = boxes(scene, "truth", false);
    List<Candidate> candidates = candidates(scene);
    List<Box> labelled = candidates.stream().map(Candidate::box).filter(b -> b.getConfidence() >= scoreThreshold)
        .toList();
    double score = FrameScore.of(candidates, c -> c.box().getConfidence(), Candidate::classCertainty, scoreThreshold)
        .score();
    return new Frame(scene.path("scene").asInt(), score, BoxMatching.match(truth, labelled).exact());
  }

  /** A candidate box with its class certainty ({@link FrameScore}). */
  private record Candidate(Box box, double classCertainty) {}

  /**
   * The line's candidates, each with its {@code classCertainty}: 1 for a candidate without one (an output that gives
   * only the winning class).
   */
  private static List<Candidate> candidates(JsonNode scene) throws IOException {
    List<Box> boxes = boxes(scene, "candidates", true);
    List<Candidate> candidates = new ArrayList<>(boxes.size());
    for (int i = 0; i < boxes.size(); i++) {
      JsonNode value = scene.get("candidates").get(i).get("classCertainty");
      if (value != null && !(value.isNumber() && value.asDouble() > 0 && value.asDouble() <= 1)) {
        throw new IOException("a candidate's 'classCertainty' is " + value + "; expected a number in (0, 1]");
      }
      candidates.add(new Candidate(boxes.get(i), value == null ? 1.0 : value.asDouble()));
    }
    return candidates;
  }

  private static List<Box> boxes(JsonNode scene, String field, boolean scored) throws IOException {
    JsonNode list = scene.get(field);
    if (list == null || !list.isArray()) {
      throw new IOException("no '" + field + "' list");
    }
    List<Box> boxes = new ArrayList<>(list.size());
    for (JsonNode b : list) {
      for (String f : scored ? List.of("classIndex", "x", "y", "w", "h", "score") : List.of("classIndex", "x", "y", "w", "h")) {
        if (!b.path(f).isNumber()) {
          throw new IOException("a box of '" + field + "' has no number '" + f + "'");
        }
      }
      int classIndex = b.get("classIndex").asInt();
      boxes.add(new Box(Integer.toString(classIndex), classIndex, (float) b.get("x").asDouble(),
          (float) b.get("y").asDouble(), (float) b.get("w").asDouble(), (float) b.get("h").asDouble(),
          scored ? (float) b.get("score").asDouble() : null));
    }
    return boxes;
  }
}
