package io.labelstream.review;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labelstream.platform.kafka.KafkaClients;
import io.labelstream.schemas.TaskIds;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.Box;
import io.labelstream.schemas.avro.ClassProbability;
import io.labelstream.schemas.avro.Prediction;
import io.labelstream.schemas.avro.ReviewReason;
import io.labelstream.schemas.avro.ReviewRequest;
import io.labelstream.schemas.avro.Route;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Review requests as the inference worker writes them, and a small client for the review API. */
public final class ReviewFixtures {

  public static final ObjectMapper JSON = new ObjectMapper();

  /** The bundled model's classes, as its card lists them: what a review service without LABELSTREAM_MODEL_DIR uses. */
  public static final List<String> BUNDLED_CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
      "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private ReviewFixtures() {}

  public static byte[] samplePng(int index) {
    try {
      return Files.readAllBytes(Path.of(System.getProperty("labelstream.root", "..")).resolve(
          String.format("model/samples/test-%05d.png", index)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static ReviewRequest request(String frameId, String suggestion, double score, int sample) {
    return request(frameId, "fashion-mnist-ensemble", 4, suggestion, score, sample);
  }

  /** A review request for a prediction of the named model's class {@code classIndex}. */
  public static ReviewRequest request(String frameId, String modelName, int classIndex, String suggestion, double score,
      int sample) {
    Prediction prediction = Prediction.newBuilder()
        .setFrameId(frameId).setModelName(modelName).setModelVersion("test")
        .setClassIndex(classIndex).setLabel(suggestion)
        .setTopK(List.of(new ClassProbability(classIndex, suggestion, score)))
        .setMaxProbability(score).setMargin(score / 2).setEntropy(1.0).setMutualInformation(0.1)
        .setScore(score).setThreshold(0.9).setRoute(Route.REVIEW).setPredictedAt(Instant.now())
        .build();
    return ReviewRequest.newBuilder()
        .setTaskId(TaskIds.of(frameId, ReviewReason.LOW_CONFIDENCE))
        .setFrameId(frameId).setReason(ReviewReason.LOW_CONFIDENCE).setPriority(1 - score)
        .setPrediction(prediction).setContentType("image/png").setImage(ByteBuffer.wrap(samplePng(sample)))
        .setRequestedAt(Instant.now())
        .build();
  }

  /**
   * Whether a review service started in a JVM of its own answers {@code /readyz} with 200; fails when that JVM has
   * exited.
   */
  public static boolean readyInOwnJvm(Process service, int port) {
    if (!service.isAlive()) {
      throw new AssertionError("the review service in its own JVM exited with " + service.exitValue());
    }
    try {
      return new Client(port, null).get("/readyz").statusCode() == 200;
    } catch (Exception notListeningYet) {
      return false;
    }
  }

  public static String newFrameId() {
    return UUID.randomUUID().toString();
  }

  /**
   * Settings of a test's own producer: the services' (acks=all, idempotent, frame-sized requests), with one request
   * in flight because a test writes to topics created a moment ago.
   */
  public static Map<String, Object> producerConfig(String bootstrapServers) {
    return KafkaClients.at(bootstrapServers, "test", null).producerOneInFlight("fixtures");
  }

  public static void produce(String bootstrapServers, ReviewRequest... requests) throws Exception {
    try (KafkaProducer<String, ReviewRequest> producer = new KafkaProducer<>(producerConfig(bootstrapServers),
        Topics.REVIEW_REQUESTS.keySerde().serializer(), Topics.REVIEW_REQUESTS.valueSerde().serializer())) {
      for (ReviewRequest request : requests) {
        producer.send(new ProducerRecord<>(Topics.REVIEW_REQUESTS.name(), request.getFrameId(), request)).get();
      }
    }
  }

  /** A client of one review service acting as one reviewer. */
  public record Client(int port, String token) {

    public HttpResponse<String> post(String path, String json) throws Exception {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .POST(json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
      if (token != null) {
        request.header("Authorization", "Bearer " + token);
      }
      if (json != null) {
        request.header("Content-Type", "application/json");
      }
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<byte[]> getBytes(String path) throws Exception {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
      if (token != null) {
        request.header("Authorization", "Bearer " + token);
      }
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    public HttpResponse<String> get(String path) throws Exception {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
      if (token != null) {
        request.header("Authorization", "Bearer " + token);
      }
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> claim() throws Exception {
      return post("/v1/tasks/claim", null);
    }

    public HttpResponse<String> submit(String taskId, String label) throws Exception {
      return post("/v1/tasks/" + taskId + "/submit", "{\"label\":\"" + label + "\"}");
    }

    public JsonNode json(HttpResponse<String> response) throws IOException {
      return JSON.readTree(response.body());
    }
  }

  /**
   * Writes a user's model folder as a review service sees it: a placeholder {@code <name>.onnx} (review never runs
   * the model), a version 2 card naming {@code classes}, and, when asked, validation predictions.
   */
  public static Path userModel(Path folder, String name, List<String> classes, boolean withValidation)
      throws IOException {
    Files.write(folder.resolve(name + ".onnx"), new byte[] {0x08, 0x07});
    String names = classes.stream().map(c -> "\"" + c + "\"").collect(java.util.stream.Collectors.joining(", "));
    Files.writeString(folder.resolve(name + ".card.json"), "{\"name\": \"" + name + "\", \"version\": \"1.0.0\", "
        + "\"task\": \"classification\", \"input\": {\"name\": \"input\", \"layout\": \"NCHW\", \"channels\": 3, "
        + "\"colorOrder\": \"RGB\", \"width\": 32, \"height\": 32, \"resize\": \"stretch\", \"dtype\": \"float32\"}, "
        + "\"output\": {\"name\": \"logits\", \"kind\": \"logits\"}, \"classNames\": [" + names + "]}\n");
    if (withValidation) {
      StringBuilder csv = new StringBuilder("index,label,predicted,score\n");
      for (int i = 0; i < 1000; i++) {
        csv.append(i).append(',').append(i % classes.size()).append(',').append(i % classes.size()).append(",0.999\n");
      }
      Files.writeString(folder.resolve(name + ".validation.csv"), csv);
    }
    return folder;
  }

  /**
   * Writes a detection model's folder as a review service sees it: a placeholder {@code <name>.onnx} and a card v2
   * with {@code "task": "detection"} naming {@code classes} (review reads only the card's identity).
   */
  public static Path detectionModel(Path folder, String name, List<String> classes) throws IOException {
    Files.write(folder.resolve(name + ".onnx"), new byte[] {0x08, 0x07});
    String names = classes.stream().map(c -> "\"" + c + "\"").collect(java.util.stream.Collectors.joining(", "));
    Files.writeString(folder.resolve(name + ".card.json"), "{\"cardVersion\": 2, \"name\": \"" + name + "\", "
        + "\"version\": \"1.0.0\", \"task\": \"detection\", \"input\": {\"name\": \"images\", \"layout\": "
        + "\"NCHW\", \"channels\": 3, \"colorOrder\": \"RGB\", \"width\": 640, \"height\": 640, \"resize\": "
        + "\"letterbox\", \"dtype\": \"float32\"}, \"output\": {\"format\": \"yolo\", \"name\": \"output0\"}, "
        + "\"classNames\": [" + names + "]}\n");
    return folder;
  }

  /** A JPEG scene of {@code width} x {@code height} with a few coloured shapes: a real frame for a detection task. */
  public static byte[] sceneJpeg(int width, int height, int seed) {
    java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(width, height,
        java.awt.image.BufferedImage.TYPE_INT_RGB);
    java.awt.Graphics2D g = image.createGraphics();
    java.util.Random random = new java.util.Random(seed);
    g.setColor(new java.awt.Color(random.nextInt(0xffffff)));
    g.fillRect(0, 0, width, height);
    for (int i = 0; i < 4; i++) {
      g.setColor(new java.awt.Color(random.nextInt(0xffffff)));
      g.fillRect(random.nextInt(width / 2), random.nextInt(height / 2), 40 + random.nextInt(150), 40 + random.nextInt(150));
    }
    g.dispose();
    try {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      javax.imageio.ImageIO.write(image, "jpg", out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A box as a detection model or a person gives it. */
  public static Box box(String label, float x, float y, float w, float h, Float confidence) {
    return Box.newBuilder().setLabel(label).setClassIndex(BUNDLED_CLASSES.indexOf(label)).setX(x).setY(y).setW(w)
        .setH(h).setConfidence(confidence).build();
  }

  /**
   * A review request for a detection model's prediction of {@code boxes} in a {@code width} x {@code height} JPEG, as
   * the worker writes it: one routing class ("frame", index 0), the frame score as its score.
   */
  public static ReviewRequest detectionRequest(String frameId, String modelName, ReviewReason reason, List<Box> boxes,
      double score, byte[] jpeg, int width, int height) {
    Prediction prediction = Prediction.newBuilder()
        .setFrameId(frameId).setModelName(modelName).setModelVersion("1.0.0")
        .setClassIndex(0).setLabel("frame").setTopK(List.of())
        .setMaxProbability(score).setMargin(0).setEntropy(0)
        .setScore(score).setThreshold(0.9).setRoute(reason == ReviewReason.AUDIT ? Route.MODEL_LABEL : Route.REVIEW)
        .setAudited(reason == ReviewReason.AUDIT).setPredictedAt(Instant.now())
        .setBoxes(boxes).setWidth(width).setHeight(height)
        .build();
    return ReviewRequest.newBuilder()
        .setTaskId(TaskIds.of(frameId, reason))
        .setFrameId(frameId).setReason(reason).setPriority(1 - score)
        .setPrediction(prediction).setContentType("image/jpeg").setImage(ByteBuffer.wrap(jpeg))
        .setRequestedAt(Instant.now())
        .build();
  }
}
