package io.labelstream.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.labelstream.kafka.embedded.TopicRecords;
import io.labelstream.schemas.Topics;
import io.labelstream.testsupport.CameraFrames;
import io.labelstream.schemas.avro.Frame;
import io.labelstream.schemas.avro.Prediction;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's own models end to end: the models of the shapes people bring (a torchvision-style NCHW RGB classifier
 * returning logits; an NHWC uint8 BGR classifier returning probabilities; the bundled grey ensemble) run through the
 * real worker on a real broker with one setting, LABELSTREAM_MODEL_DIR, and 1280x720 colour camera frames posted over
 * HTTP as JPEG and PNG. The colour models answer which of red, green or blue fills the frame: swapped channels, a
 * wrong layout or a missing normalisation gives wrong classes, so the answers show the whole path fed them right.
 */
class UserModelPipelineIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> COLOURS = List.of("red", "green", "blue");
  private static final Color[] PURE = {new Color(220, 30, 25), new Color(30, 200, 40), new Color(25, 40, 215)};
  private static final int FRAMES_PER_COLOUR = 4;
  private static final Path MODELS = Path.of(System.getProperty("labelstream.root"))
      .resolve("inference-service/src/test/resources/models");

  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir
  Path dataDir;

  @Test
  void shouldLabelCameraFramesWithATorchvisionStyleLogitsModel() throws Exception {
    assertColourModelLabelsFrames("colour-nchw-logits");
  }

  @Test
  void shouldLabelCameraFramesWithAnNhwcUint8BgrModel() throws Exception {
    assertColourModelLabelsFrames("colour-nhwc-uint8-bgr");
  }

  @Test
  void shouldFeedTheBundledGreyEnsembleColourCameraFramesAsItFedItsOwnSamples() throws Exception {
    List<SampleFrames.Sample> samples = SampleFrames.load(Path.of(System.getProperty("labelstream.root"))
        .resolve("model/samples")).subList(0, 40);
    try (AllInOne all = start(Map.of())) {
      Map<String, String> small = new HashMap<>();
      Map<String, String> large = new HashMap<>();
      for (int i = 0; i < samples.size(); i++) {
        byte[] original = samples.get(i).bytes();
        small.put(post(all, original, "image/png", "s" + i), "s" + i);
        large.put(post(all, jpeg(cameraSized(ImageIO.read(new java.io.ByteArrayInputStream(original)))), "image/jpeg",
            "l" + i), "s" + i);
      }
      Map<String, Prediction> predictions = predictions(all, samples.size() * 2);
      Map<String, Prediction> bySample = new HashMap<>();
      small.forEach((frameId, sample) -> bySample.put(sample, predictions.get(frameId)));
      int unambiguous = 0;
      for (Map.Entry<String, String> frame : large.entrySet()) {
        Prediction original = bySample.get(frame.getValue());
        if (original.getMaxProbability() >= 0.99) {
          unambiguous++;
          assertThat(predictions.get(frame.getKey()).getLabel()).as("sample %s at 1280x720", frame.getValue())
              .isEqualTo(original.getLabel());
        }
      }
      assertThat(unambiguous).isGreaterThan(samples.size() / 2);
      assertThat(frames(all).values()).allSatisfy(f -> assertThat(f.getChannels()).isIn(1, 3));
    }
  }

  private void assertColourModelLabelsFrames(String model) throws Exception {
    Path folder = Files.createDirectories(dataDir.resolve("model"));
    try (var files = Files.list(MODELS.resolve(model))) {
      for (Path file : files.toList()) {
        Files.copy(file, folder.resolve(file.getFileName()));
      }
    }
    Random random = new Random(14);
    try (AllInOne all = start(Map.of("LABELSTREAM_MODEL_DIR", folder.toString()))) {
      Map<String, String> truth = new HashMap<>();
      Map<String, byte[]> posted = new HashMap<>();
      for (int c = 0; c < COLOURS.size(); c++) {
        for (int i = 0; i < FRAMES_PER_COLOUR; i++) {
          BufferedImage frame = colourScene(PURE[c], random);
          boolean asJpeg = i % 2 == 0;
          byte[] image = asJpeg ? jpeg(frame) : png(frame);
          String frameId = post(all, image, asJpeg ? "image/jpeg" : "image/png", model + c + "-" + i);
          truth.put(frameId, COLOURS.get(c));
          posted.put(frameId, image);
        }
      }
      Map<String, Prediction> predictions = predictions(all, truth.size());
      truth.forEach((frameId, colour) -> assertThat(predictions.get(frameId).getLabel()).as(frameId).isEqualTo(colour));
      assertThat(predictions.values()).allSatisfy(p -> assertThat(p.getModelName()).isNotEqualTo("fashion-mnist-ensemble"));
      Map<String, Frame> frames = frames(all);
      assertThat(frames.values()).allSatisfy(f -> {
        assertThat(f.getWidth()).isEqualTo(1280);
        assertThat(f.getHeight()).isEqualTo(720);
        assertThat(f.getChannels()).isEqualTo(3);
      });
      // The review service took its classes from the same card: the one setting is enough.
      HttpResponse<String> config = http.send(HttpRequest.newBuilder(URI.create(all.reviewUrl() + "/v1/stats"))
          .header("Authorization", "Bearer root-secret-token").build(), HttpResponse.BodyHandlers.ofString());
      assertThat(JSON.readTree(config.body()).get("policy").get("perClass")).hasSize(COLOURS.size());
      // Without validation predictions the policy is closed: the worker asks people about every frame, and its review
      // requests point at the frame in frames.v1 instead of carrying the image. The page still shows the posted bytes.
      HttpResponse<String> claimed = await().atMost(Duration.ofSeconds(30)).until(() -> http.send(
          HttpRequest.newBuilder(URI.create(all.reviewUrl() + "/v1/tasks/claim"))
              .header("Authorization", "Bearer ada-secret-token").POST(HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.ofString()), r -> r.statusCode() == 200);
      var task = JSON.readTree(claimed.body());
      HttpResponse<byte[]> image = http.send(HttpRequest.newBuilder(URI.create(all.reviewUrl() + task.get("imageUrl").asText()))
          .header("Authorization", "Bearer ada-secret-token").build(), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(image.statusCode()).isEqualTo(200);
      assertThat(image.body()).isEqualTo(posted.get(task.get("frameId").asText()));
    }
  }

  private AllInOne start(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(Map.of(
        "LABELSTREAM_DATA_DIR", dataDir.resolve("data").toString(),
        "INGEST_PORT", "0", "INFERENCE_PORT", "0", "REVIEW_PORT", "0",
        "REVIEW_TOKENS", "ada:ada-secret-token:reviewer,root:root-secret-token:admin"));
    env.putAll(extra);
    return AllInOne.start(env);
  }

  private String post(AllInOne all, byte[] image, String type, String key) throws Exception {
    HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(URI.create(all.ingestUrl() + "/v1/frames"))
        .header("Content-Type", type).header("X-Device-Id", "it-camera").header("Idempotency-Key", key)
        .header("Authorization", "Bearer " + all.ingestToken())
        .POST(HttpRequest.BodyPublishers.ofByteArray(image)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    return JSON.readTree(accepted.body()).get("frameId").asText();
  }

  private Map<String, Prediction> predictions(AllInOne all, int expected) {
    await().atMost(Duration.ofMinutes(2)).until(() -> read(all, Topics.PREDICTIONS.name(), Prediction::getFrameId,
        b -> Topics.PREDICTIONS.valueSerde().deserializer().deserialize("", b)).size() >= expected);
    return read(all, Topics.PREDICTIONS.name(), Prediction::getFrameId,
        b -> Topics.PREDICTIONS.valueSerde().deserializer().deserialize("", b));
  }

  private Map<String, Frame> frames(AllInOne all) {
    return read(all, Topics.FRAMES.name(), Frame::getFrameId,
        b -> Topics.FRAMES.valueSerde().deserializer().deserialize("", b));
  }

  private static <V> Map<String, V> read(AllInOne all, String topic, Function<V, String> key, Function<byte[], V> value) {
    return TopicRecords.readAll(all.bootstrapServers(), topic).stream().map(r -> value.apply(r.value()))
        .collect(Collectors.toMap(key, v -> v, (a, b) -> b));
  }

  /** A 1280x720 frame mostly of one colour, with sensor noise and a few small objects of other colours. */
  private static BufferedImage colourScene(Color main, Random random) {
    BufferedImage image = new BufferedImage(1280, 720, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = image.createGraphics();
    g.setColor(main);
    g.fillRect(0, 0, 1280, 720);
    for (int i = 0; i < 6; i++) {
      g.setColor(new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256)));
      g.fillOval(random.nextInt(1200), random.nextInt(650), 40 + random.nextInt(80), 30 + random.nextInt(60));
    }
    g.dispose();
    for (int y = 0; y < 720; y += 3) {
      for (int x = 0; x < 1280; x += 3) {
        int rgb = image.getRGB(x, y);
        int n = random.nextInt(41) - 20;
        image.setRGB(x, y, (clamp(((rgb >> 16) & 0xFF) + n) << 16) | (clamp(((rgb >> 8) & 0xFF) + n) << 8)
            | clamp((rgb & 0xFF) + n));
      }
    }
    return image;
  }

  /**
   * The grey sample stretched smoothly to a camera's 1280x720 and stored as a colour frame with R = G = B. Scaled in
   * its own grey space and copied sample by sample: drawing a grey image onto an RGB one would convert Java's linear
   * grey to sRGB and brighten it.
   */
  private static BufferedImage cameraSized(BufferedImage sample) {
    BufferedImage grey = new BufferedImage(1280, 720, BufferedImage.TYPE_BYTE_GRAY);
    Graphics2D g = grey.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(sample, 0, 0, 1280, 720, null);
    g.dispose();
    BufferedImage image = new BufferedImage(1280, 720, BufferedImage.TYPE_3BYTE_BGR);
    for (int y = 0; y < 720; y++) {
      for (int x = 0; x < 1280; x++) {
        int v = grey.getRaster().getSample(x, y, 0);
        image.getRaster().setPixel(x, y, new int[] {v, v, v});
      }
    }
    return image;
  }

  private static int clamp(int v) {
    return Math.max(0, Math.min(255, v));
  }

  private static byte[] png(BufferedImage image) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }

  private static byte[] jpeg(BufferedImage image) throws IOException {
    return CameraFrames.jpeg(image, CameraFrames.QUALITY);
  }
}
