package io.labelstream.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import io.labelstream.schemas.avro.Box;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code ./labelstream demo --task detection}: posts each sample scene once as a JPEG, as a camera would, waits until
 * every frame is model-labelled or waiting for people, and reads each frame's prediction and label back through the
 * review service's admin API (a frame's history), to set them against the scenes' true boxes.
 *
 * <p>Each scene is posted once: the 64 scenes are all the ground truth there is, and posting them again would only
 * repeat the same predictions, not add evidence.
 */
final class DetectionDemo {

  private DetectionDemo() {}

  /** What the model did with one frame, as the review service's history shows it. */
  record FrameOutcome(String frameId, SampleScenes.Scene scene, List<Box> predicted, boolean reviewRequested,
      List<Box> modelLabel) {

    boolean modelLabelled() {
      return modelLabel != null;
    }
  }

  /**
   * Posts the scenes and sums up what became of them.
   *
   * @param pinned INFERENCE_ROUTING_THRESHOLD when set, for the summary to say the policy was not followed
   */
  static DetectionSummary run(DemoClient client, List<SampleScenes.Scene> scenes, Optional<Double> pinned)
      throws Exception {
    client.awaitReviewReady();
    long seenBefore = client.framesSeen();
    List<String> frameIds = new ArrayList<>();
    long started = System.nanoTime();
    for (int i = 0; i < scenes.size(); i++) {
      SampleScenes.Scene scene = scenes.get(i);
      frameIds.add(client.post(scene.bytes(), scene.contentType(), scene.file().getFileName().toString()));
      if ((i + 1) % 16 == 0 || i + 1 == scenes.size()) {
        System.out.printf("\rposted %d/%d scenes", i + 1, scenes.size());
      }
    }
    double postSeconds = (System.nanoTime() - started) / 1e9;
    System.out.printf("%nwaiting for the detector to route them…%n");
    client.awaitRouted(seenBefore, scenes.size());
    List<String> classes = client.all().reviewConfig().modelIdentity().classNames();
    List<FrameOutcome> outcomes = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    for (int i = 0; i < frameIds.size(); i++) {
      outcomes.add(awaitOutcome(client, frameIds.get(i), scenes.get(i), classes, deadline));
    }
    double routedSeconds = (System.nanoTime() - started) / 1e9;
    return DetectionSummary.of(client.all().reviewConfig().modelIdentity(), outcomes,
        DetectionSummary.Policy.of(accuracy(client), pinned), postSeconds, routedSeconds);
  }

  private static JsonNode accuracy(DemoClient client) throws Exception {
    HttpResponse<String> response = client.get("/v1/stats/accuracy");
    if (response.statusCode() != 200) {
      throw new IOException("the policy's figures (GET /v1/stats/accuracy) answered " + response.statusCode() + " "
          + response.body() + "; the demo reads them with an admin token");
    }
    return DemoClient.JSON.readTree(response.body());
  }

  /**
   * The frame once the review service has its prediction and either its MODEL label or its review request: the
   * worker writes them in one transaction, but the service reads them from different topics.
   */
  private static FrameOutcome awaitOutcome(DemoClient client, String frameId, SampleScenes.Scene scene,
      List<String> classes, long deadline) throws Exception {
    while (true) {
      HttpResponse<String> response = client.get("/v1/frames/" + frameId + "/history");
      if (response.statusCode() == 200) {
        FrameOutcome outcome = outcome(DemoClient.JSON.readTree(response.body()), scene, classes);
        if (outcome != null) {
          return outcome;
        }
      } else if (response.statusCode() != 404) {
        throw new IOException("the history of frame " + frameId + " answered " + response.statusCode() + " "
            + response.body());
      }
      if (System.nanoTime() > deadline) {
        throw new IOException("frame " + frameId + " was neither model-labelled nor sent to review in time; see the log");
      }
      Thread.sleep(100);
    }
  }

  /** The outcome the history shows, or null while it lacks the prediction or what the prediction decided. */
  private static FrameOutcome outcome(JsonNode history, SampleScenes.Scene scene, List<String> classes) {
    JsonNode prediction = null;
    JsonNode modelLabel = null;
    boolean reviewRequested = false;
    for (JsonNode event : history.path("events")) {
      switch (event.path("type").asText()) {
        case "prediction" -> prediction = event;
        case "label" -> modelLabel = "MODEL".equals(event.path("source").asText()) ? event : null;
        case "review_requested" -> reviewRequested |= !"AUDIT".equals(event.path("reason").asText());
        default -> { }
      }
    }
    if (prediction == null) {
      return null;
    }
    boolean routedToModel = "MODEL_LABEL".equals(prediction.path("route").asText());
    if (routedToModel ? modelLabel == null : !reviewRequested) {
      return null;
    }
    return new FrameOutcome(history.path("frameId").asText(), scene, boxes(prediction.path("boxes"), classes),
        reviewRequested, routedToModel ? boxes(modelLabel.path("boxes"), classes) : null);
  }

  /** Boxes as the API shows them ({@code label}, x, y, w, h, confidence), their class index from the card. */
  static List<Box> boxes(JsonNode json, List<String> classes) {
    List<Box> boxes = new ArrayList<>();
    for (JsonNode b : json) {
      String label = b.path("label").asText();
      boxes.add(Box.newBuilder().setLabel(label).setClassIndex(classes.indexOf(label))
          .setX((float) b.path("x").asDouble()).setY((float) b.path("y").asDouble())
          .setW((float) b.path("w").asDouble()).setH((float) b.path("h").asDouble())
          .setConfidence(b.hasNonNull("confidence") ? (float) b.get("confidence").asDouble() : null).build());
    }
    return boxes;
  }
}
