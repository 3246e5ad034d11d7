package io.labelstream.inference.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labelstream.inference.InferenceService;
import io.labelstream.inference.config.InferenceConfig;
import io.labelstream.inference.detection.BoxDecoder;
import io.labelstream.inference.detection.Detections;
import io.labelstream.inference.detection.FrameBox;
import io.labelstream.schemas.boxes.FrameScore;
import io.labelstream.inference.image.FrameDecoder;
import io.labelstream.inference.model.ModelCard;
import io.labelstream.inference.model.OnnxModel;
import io.labelstream.inference.model.SessionSettings;
import io.labelstream.kafka.embedded.EmbeddedKafkaExtension;
import io.labelstream.kafka.embedded.TopicRecords;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.kafka.KafkaClients;
import io.labelstream.platform.model.ModelFolder;
import io.labelstream.schemas.FleetFrameProducer;
import io.labelstream.schemas.PolicyThresholds;
import io.labelstream.schemas.Topic;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.AccuracyBound;
import io.labelstream.schemas.avro.Box;
import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.LabelSource;
import io.labelstream.schemas.avro.Policy;
import io.labelstream.schemas.avro.Prediction;
import io.labelstream.schemas.avro.ReviewReason;
import io.labelstream.schemas.avro.ReviewRequest;
import io.labelstream.schemas.avro.Route;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A detection model through the real worker on a real broker: real JPEG scenes in, predictions, MODEL labels and
 * review requests out, each carrying the boxes in frame pixels. The worker's boxes are held to the same frames run in
 * this process (decode, letterbox, ONNX Runtime, box decoding) and, for the scene torch decoded, to torch's boxes.
 *
 * <p>The detector is {@link #MODEL}: the yolo11n-shaped test model; point it at the bundled detector
 * ({@code ../model/fashion-detector.onnx}, its card beside it) once it lands.
 */
class DetectionWorkerIT {

  /** The detector under test: the one line to change for the bundled one, {@code ../model/fashion-detector.onnx}. */
  static final Path MODEL = Path.of("src/test/resources/detection/yolo11n");
  private static final Path YOLO11N = Path.of("src/test/resources/detection/yolo11n");

  @RegisterExtension
  static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  private static InferenceService inference;
  private static FleetFrameProducer fleet;
  private static ModelCard card;
  /** In-process answers for each scene: what the worker must write. */
  private static final Map<String, Detections> EXPECTED = new HashMap<>();
  private static final Map<String, byte[]> SCENES = new HashMap<>();

  @BeforeAll
  static void start() throws Exception {
    try (OnnxModel model = OnnxModel.load(ModelFolder.of(MODEL), SessionSettings.defaults())) {
      card = model.card();
      FrameDecoder decoder = new FrameDecoder(card.input());
      BoxDecoder boxes = new BoxDecoder(card.detection(), card.classNames().size(), card.input().width(),
          card.input().height());
      Random random = new Random(15);
      for (int i = 0; i < 12; i++) {
        SCENES.put("scene-" + i, jpegScene(random));
      }
      SCENES.put("reference-png", Files.readAllBytes(YOLO11N.resolve("scene-640x480.png")));
      for (Map.Entry<String, byte[]> scene : SCENES.entrySet()) {
        FrameDecoder.Fitted fitted = decoder.decodeFitted(scene.getValue());
        EXPECTED.put(scene.getKey(), boxes.decode(model.detect(List.of(fitted.tensor()))[0], fitted.placement()));
      }
    }
    inference = InferenceService.start(InferenceConfig.from(new Env(Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers(),
        "HTTP_HOST", "127.0.0.1",
        "INFERENCE_PORT", "0",
        "LABELSTREAM_MODEL_DIR", MODEL.toAbsolutePath().toString(),
        "INFERENCE_POLICY_WAIT_SECONDS", "1",
        "INFERENCE_AUDIT_RATE", "0.3"))));
    fleet = new FleetFrameProducer(Map.of("bootstrap.servers", KAFKA.bootstrapServers()));
  }

  @AfterAll
  static void stop() {
    if (fleet != null) {
      fleet.close();
    }
    if (inference != null) {
      inference.close();
    }
  }

  @Test
  void shouldReviewEveryFrameBeforeAPolicyThenRouteOnTheFrameScoreWithBoxesInFramePixels() throws Exception {
    // Before any policy: closed, every frame goes to people, its request carrying the model's boxes.
    Map<String, String> before = send("before");
    await().atMost(Duration.ofSeconds(90)).until(() -> predictions(before).size() == before.size());
    for (Prediction p : predictions(before).values()) {
      assertThat(p.getRoute()).isEqualTo(Route.REVIEW);
      assertThat(p.getThreshold()).isEqualTo(PolicyThresholds.CLOSED);
      assertDetectionPrediction(p, EXPECTED.get(before.get(p.getFrameId())));
    }
    assertThat(records(Topics.LABELS)).noneMatch(l -> before.containsKey(l.getFrameId()));
    Map<String, ReviewRequest> requests = requests(before);
    assertThat(requests).hasSize(before.size());
    requests.values().forEach(r -> {
      assertThat(r.getReason()).isEqualTo(ReviewReason.LOW_CONFIDENCE);
      assertThat(r.getPrediction().getBoxes()).isEqualTo(predictions(before).get(r.getFrameId()).getBoxes());
      assertThat(r.getPriority()).isCloseTo(1.0 - r.getPrediction().getScore(), within(1e-12));
    });

    // A policy of the wrong length (one threshold per class) is ignored; the worker keeps running, still closed.
    publishPolicy(new ArrayList<>(java.util.Collections.nCopies(card.classNames().size(), 0.0)));
    // The policy that counts: one threshold, between the scenes' frame scores, so both routes are taken.
    double threshold = thresholdBetweenScores();
    publishPolicy(List.of(threshold));
    await().atMost(Duration.ofSeconds(30)).until(() -> inference.hasPolicy());

    Map<String, String> after = send("after");
    await().atMost(Duration.ofSeconds(90)).until(() -> predictions(after).size() == after.size());
    Map<String, Prediction> predicted = predictions(after);
    Map<String, Label> labels = new HashMap<>();
    records(Topics.LABELS).stream().filter(l -> after.containsKey(l.getFrameId()))
        .forEach(l -> labels.put(l.getFrameId(), l));
    Map<String, ReviewRequest> reviews = requests(after);
    int modelLabelled = 0;
    for (Prediction p : predicted.values()) {
      Detections expected = EXPECTED.get(after.get(p.getFrameId()));
      assertDetectionPrediction(p, expected);
      assertThat(p.getThreshold()).isEqualTo(threshold);
      boolean confident = p.getScore() >= threshold;
      assertThat(p.getRoute()).isEqualTo(confident ? Route.MODEL_LABEL : Route.REVIEW);
      if (confident) {
        modelLabelled++;
        Label label = labels.get(p.getFrameId());
        assertThat(label).as("the MODEL label of %s", p.getFrameId()).isNotNull();
        assertThat(label.getSource()).isEqualTo(LabelSource.MODEL);
        assertThat(label.getLabel()).isEmpty();
        assertThat(label.getClassIndex()).isEqualTo(-1);
        assertThat(label.getConfidence()).isEqualTo(p.getScore());
        assertThat(label.getBoxes()).isEqualTo(p.getBoxes());
        assertThat(label.getWidth()).isEqualTo(640);
        assertThat(label.getHeight()).isEqualTo(480);
        assertThat(reviews.containsKey(p.getFrameId())).isEqualTo(p.getAudited());
        if (p.getAudited()) {
          assertThat(reviews.get(p.getFrameId()).getReason()).isEqualTo(ReviewReason.AUDIT);
          assertThat(reviews.get(p.getFrameId()).getPrediction().getBoxes()).isEqualTo(p.getBoxes());
        }
      } else {
        assertThat(labels).doesNotContainKey(p.getFrameId());
        assertThat(reviews.get(p.getFrameId()).getReason()).isEqualTo(ReviewReason.LOW_CONFIDENCE);
        assertThat(reviews.get(p.getFrameId()).getPrediction().getBoxes()).isEqualTo(p.getBoxes());
      }
    }
    assertThat(modelLabelled).isBetween(1, after.size() - 1);
  }

  @Test
  void shouldWriteTheBoxesTorchFoundOnTheReferenceScene() throws Exception {
    assumeThat(MODEL).as("the Python reference was computed for the yolo11n test model").isEqualTo(YOLO11N);
    String frameId = fleet.send("cam-ref", null, "reference-" + System.nanoTime(), "image/png",
        SCENES.get("reference-png"), 640, 480);
    await().atMost(Duration.ofSeconds(90)).until(() -> predictions(Map.of(frameId, "")).size() == 1);
    Prediction p = predictions(Map.of(frameId, "")).get(frameId);
    JsonNode torch = new ObjectMapper().readTree(YOLO11N.resolve("expected.json").toFile());
    assertThat(p.getBoxes()).hasSize(torch.get("boxes").size());
    for (int i = 0; i < p.getBoxes().size(); i++) {
      Box box = p.getBoxes().get(i);
      JsonNode e = torch.get("boxes").get(i);
      assertThat(box.getClassIndex()).isEqualTo(e.get("classIndex").asInt());
      assertThat(box.getLabel()).isEqualTo(card.classNames().get(e.get("classIndex").asInt()));
      // Frame pixels as floats (Avro): a float's resolution at 640 is 6e-5.
      assertThat((double) box.getX()).isCloseTo(e.get("x").asDouble(), within(1e-3));
      assertThat((double) box.getY()).isCloseTo(e.get("y").asDouble(), within(1e-3));
      assertThat((double) box.getW()).isCloseTo(e.get("w").asDouble(), within(1e-3));
      assertThat((double) box.getH()).isCloseTo(e.get("h").asDouble(), within(1e-3));
    }
    assertThat(p.getScore() / torch.get("frameScore").asDouble()).isCloseTo(1.0, within(1e-4));
  }

  /**
   * A threshold halfway (geometrically) between two distinct frame scores near the scenes' median, so that both
   * routes are taken and no score sits on it.
   */
  private static double thresholdBetweenScores() {
    double[] scores = EXPECTED.values().stream().mapToDouble(d -> frameScore(d).score()).distinct().sorted().toArray();
    assertThat(scores.length).as("the scenes' distinct frame scores").isGreaterThan(1);
    int upper = Math.max(1, scores.length / 2);
    return Math.sqrt(scores[upper - 1] * scores[upper]);
  }

  private static FrameScore frameScore(Detections detections) {
    return detections.frameScore(card.detection().limits().scoreThreshold());
  }

  /** A prediction of a detection frame as docs/detection.md says, with exactly the in-process boxes. */
  private static void assertDetectionPrediction(Prediction p, Detections expected) {
    assertThat(p.getLabel()).isEqualTo("frame");
    assertThat(p.getClassIndex()).isZero();
    assertThat(p.getTopK()).isEmpty();
    assertThat(p.getWidth()).isEqualTo(640);
    assertThat(p.getHeight()).isEqualTo(480);
    // The same frames in this process: equal up to a batched run's rounding (the worker may batch frames together).
    FrameScore score = frameScore(expected);
    assertThat(p.getScore()).isCloseTo(score.score(), within(1e-5 * score.score()));
    assertThat(p.getMaxProbability()).isEqualTo(p.getScore());
    assertThat(p.getMargin()).isCloseTo(score.margin(), within(1e-5));
    assertThat(p.getMutualInformation()).isNull();
    assertThat(p.getBoxes()).hasSize(expected.boxes().size());
    for (int i = 0; i < expected.boxes().size(); i++) {
      FrameBox e = expected.boxes().get(i);
      Box box = p.getBoxes().get(i);
      assertThat(box.getClassIndex()).isEqualTo(e.classIndex());
      assertThat(box.getLabel()).isEqualTo(card.classNames().get(e.classIndex()));
      assertThat((double) box.getConfidence()).isCloseTo(e.score(), within(1e-5));
      assertThat((double) box.getX()).isCloseTo(e.x(), within(1e-3));
      assertThat((double) box.getY()).isCloseTo(e.y(), within(1e-3));
      assertThat((double) box.getW()).isCloseTo(e.w(), within(1e-3));
      assertThat((double) box.getH()).isCloseTo(e.h(), within(1e-3));
      assertThat(box.getX() + box.getW()).isLessThanOrEqualTo(640f);
      assertThat(box.getY() + box.getH()).isLessThanOrEqualTo(480f);
      assertThat(box.getX()).isGreaterThanOrEqualTo(0f);
      assertThat(box.getY()).isGreaterThanOrEqualTo(0f);
      assertThat(box.getConfidence()).isGreaterThanOrEqualTo((float) card.detection().limits().scoreThreshold());
    }
    assertThat(p.getBoxes()).extracting(Box::getConfidence).isSortedAccordingTo((a, b) -> Float.compare(b, a));
  }

  /** Every scene once; frameId to scene name. */
  private static Map<String, String> send(String prefix) throws InterruptedException {
    Map<String, String> sent = new HashMap<>();
    for (Map.Entry<String, byte[]> scene : SCENES.entrySet()) {
      boolean png = scene.getKey().endsWith("png");
      sent.put(fleet.send("cam-" + prefix, null, prefix + "-" + scene.getKey(), png ? "image/png" : "image/jpeg",
          scene.getValue(), 640, 480), scene.getKey());
    }
    return sent;
  }

  /** A 640x480 JPEG: a gradient with a few flat-coloured rectangles, some cut by the border. */
  private static byte[] jpegScene(Random random) throws Exception {
    BufferedImage image = new BufferedImage(640, 480, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setPaint(new java.awt.GradientPaint(0, 0, new Color(random.nextInt(256), random.nextInt(256), 90), 640, 480,
        new Color(random.nextInt(256), 40, random.nextInt(256))));
    g.fillRect(0, 0, 640, 480);
    for (int i = 0; i < 2 + random.nextInt(7); i++) {
      g.setColor(new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256)));
      g.fillRect(random.nextInt(680) - 40, random.nextInt(520) - 40, 40 + random.nextInt(200), 40 + random.nextInt(180));
    }
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "jpeg", out);
    return out.toByteArray();
  }

  private static void publishPolicy(List<Double> thresholds) throws Exception {
    AccuracyBound bound = new AccuracyBound(0.995, 0.99, 0L, 1.0, 0.99);
    Policy policy = Policy.newBuilder()
        .setModelName(card.name())
        .setModelVersion(card.version())
        .setThresholds(new ArrayList<>(thresholds))
        .setOverall(bound)
        .setPerClass(new ArrayList<>(java.util.Collections.nCopies(thresholds.size(), bound)))
        .setTarget(0.99).setConfidence(0.95).setClassTarget(0.97).setValidationTrusted(true)
        .setFramesSeen(0).setAudits(0).setAuditsAnswered(0).setComputedAt(Instant.now())
        .build();
    try (KafkaProducer<String, Policy> producer = new KafkaProducer<>(
        KafkaClients.at(KAFKA.bootstrapServers(), "test", null).producer("policy"),
        Topics.POLICY.keySerde().serializer(), Topics.POLICY.valueSerde().serializer())) {
      producer.send(new ProducerRecord<>(Topics.POLICY.name(), policy.getModelName(), policy)).get();
    }
  }

  private static Map<String, Prediction> predictions(Map<String, String> ids) {
    Map<String, Prediction> out = new HashMap<>();
    records(Topics.PREDICTIONS).stream().filter(p -> ids.containsKey(p.getFrameId()))
        .forEach(p -> out.put(p.getFrameId(), p));
    return out;
  }

  private static Map<String, ReviewRequest> requests(Map<String, String> ids) {
    Map<String, ReviewRequest> out = new HashMap<>();
    records(Topics.REVIEW_REQUESTS).stream().filter(r -> ids.containsKey(r.getFrameId()))
        .forEach(r -> out.put(r.getFrameId(), r));
    return out;
  }

  private static <V> List<V> records(Topic<String, V> topic) {
    return TopicRecords.readAll(KAFKA.bootstrapServers(), topic.name()).stream()
        .map(r -> topic.valueSerde().deserializer().deserialize(topic.name(), r.value()))
        .toList();
  }
}
