package io.labelstream.review.dataset;

import static io.labelstream.review.dataset.DatasetFixtures.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.labelstream.kafka.embedded.EmbeddedKafkaExtension;
import io.labelstream.platform.store.FileFrameStore;
import io.labelstream.review.HeadlessChrome;
import io.labelstream.review.ReviewFixtures;
import io.labelstream.review.ReviewFixtures.Client;
import io.labelstream.review.ReviewService;
import io.labelstream.review.dataset.StoredFrames.Sent;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.Box;
import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.LabelSource;
import io.labelstream.testsupport.CameraFrames;
import io.labelstream.testsupport.RequiredTool;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Level;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A detection model's datasets and statistics on a real broker, with real 640x480 JPEG frames in a filesystem frame
 * store: labels with boxes (a model's, a reviewer's that replaced a model's, a frame with nothing in it, one whose
 * image is gone from the store and one whose stored image was damaged) make a snapshot that counts boxes per class;
 * each export format carries the boxes, the COCO file passes a strict COCO check, the YOLO label files hold exactly the
 * boxes normalised by hand here, and every export is the same bytes the second time. {@code /v1/stats/classes} counts
 * boxes per class by source and frames, and the statistics page shows them.
 */
class DetectionDatasetIT {

  @RegisterExtension
  static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  private static final List<String> CLASSES = ReviewFixtures.BUNDLED_CLASSES;
  private static final int W = 640;
  private static final int H = 480;

  @TempDir
  Path storeDir;
  @TempDir
  Path modelDir;

  @Test
  void shouldSnapshotExportAndCountTheBoxesOfADetectionModel() throws Exception {
    String bootstrap = KAFKA.bootstrapServers();
    StoredFrames.ensureTopics(bootstrap);
    FileFrameStore store = new FileFrameStore(storeDir);
    Map<String, Sent> frames = new HashMap<>();
    for (String name : List.of("a", "b", "c", "gone", "damaged")) {
      frames.put(name, StoredFrames.ingest(bootstrap, store, "scene-" + name,
          CameraFrames.streamJpeg(W, H, name.hashCode()), "image/jpeg", false));
    }
    Map<String, List<Box>> expected = new HashMap<>();
    expected.put("a", List.of(box(8, 12f, 40.5f, 96f, 80f, 0.91f), box(4, 300f, 200f, 120.25f, 240f, 0.88f)));
    expected.put("b", List.of(box(7, 20f, 30f, 60f, 40f, null), box(5, 500f, 400f, 139f, 79f, null)));
    expected.put("c", List.of());
    expected.put("gone", List.of(box(8, 0f, 0f, 640f, 480f, 0.97f)));
    expected.put("damaged", List.of(box(1, 100f, 100f, 50f, 50f, 0.9f)));
    for (String name : List.of("a", "c", "gone", "damaged")) {
      send(model(frames.get(name), expected.get(name)));
    }
    // b: the model's boxes, then a reviewer's, which replace them.
    send(model(frames.get("b"), List.of(box(7, 21f, 30f, 60f, 40f, 0.6f))));
    send(Label.newBuilder(model(frames.get("b"), expected.get("b"))).setSource(LabelSource.HUMAN).setConfidence(null)
        .setModelName(null).setModelVersion(null).setReviewerIds(List.of("ada"))
        .setTaskId("low-confidence-" + frames.get("b").frameId()).build());
    // A classifier's label from before the detector: not part of a detector's dataset.
    send(DatasetFixtures.model("classified-earlier", "Bag", 8, 0.99, Instant.now()));
    Files.delete(storeDir.resolve(frames.get("gone").ref().getKey()));
    Path damaged = storeDir.resolve(frames.get("damaged").ref().getKey());
    byte[] bytes = Files.readAllBytes(damaged);
    bytes[bytes.length / 2] ^= 0x55;
    Files.write(damaged, bytes);

    ReviewFixtures.userModel(modelDir, "fashion-detector", CLASSES, false);
    Path card = modelDir.resolve("fashion-detector.card.json");
    Files.writeString(card, Files.readString(card).replace("\"classification\"", "\"detection\""));
    try (ReviewService review = StoredFrames.startReview(bootstrap, storeDir,
        Map.of("LABELSTREAM_MODEL_DIR", modelDir.toString()))) {
      Client root = new Client(review.port(), ADMIN_TOKEN);
      await().atMost(Duration.ofSeconds(20)).until(() -> root.json(root.get("/v1/stats/classes")).get("total").asLong() == 5);

      JsonNode classes = root.json(root.get("/v1/stats/classes"));
      assertThat(classes.get("task").asText()).isEqualTo("detection");
      assertThat(classes.get("model").asLong()).as("frames the model labelled").isEqualTo(4);
      assertThat(classes.get("human").asLong()).as("frames people labelled").isEqualTo(1);
      assertThat(classes.get("boxes").toString()).isEqualTo("{\"total\":6,\"model\":4,\"human\":2}");
      assertThat(classes.get("classes")).hasSize(10);
      Map<String, String> perClass = new HashMap<>();
      classes.get("classes").forEach(r -> perClass.put(r.get("class").asText(),
          r.get("model").asLong() + "/" + r.get("human").asLong()));
      assertThat(perClass).containsEntry("Bag", "2/0").containsEntry("Coat", "1/0").containsEntry("Trouser", "1/0")
          .containsEntry("Sneaker", "0/1").containsEntry("Sandal", "0/1").containsEntry("Dress", "0/0");
      JsonNode accuracy = root.json(root.get("/v1/stats/accuracy"));
      assertThat(accuracy.get("task").asText()).isEqualTo("detection");
      assertThat(accuracy.get("classes")).hasSize(1);
      assertThat(accuracy.get("classes").get(0).get("class").asText()).isEqualTo("frame exactness");

      HttpResponse<String> created = root.post("/v1/datasets", null);
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      JsonNode snapshot = root.json(created);
      String id = snapshot.get("id").asText();
      assertThat(snapshot.get("task").asText()).isEqualTo("detection");
      assertThat(snapshot.get("formatVersion").asInt()).isEqualTo(2);
      assertThat(snapshot.get("total").asLong()).as("five frames; the classifier's label is left out").isEqualTo(5);
      assertThat(snapshot.get("countsBySource").toString()).isEqualTo("{\"HUMAN\":1,\"MODEL\":4}");
      assertThat(snapshot.get("boxes").asLong()).isEqualTo(6);
      assertThat(snapshot.get("countsByClass").get("Bag").asLong()).isEqualTo(2);
      assertThat(snapshot.get("countsByClass").get("Sandal").asLong()).isEqualTo(1);
      assertThat(snapshot.get("exports").has("yolo")).isTrue();
      assertThat(snapshot.get("exports").has("folders")).isFalse();

      byte[] jsonl = export(root, id, "jsonl");
      assertThat(DatasetFixtures.sha256(jsonl)).isEqualTo(snapshot.get("contentSha256").asText());
      List<JsonNode> lines = new ArrayList<>();
      for (String line : new String(jsonl, StandardCharsets.UTF_8).split("\n")) {
        lines.add(ReviewFixtures.JSON.readTree(line));
      }
      assertThat(lines).hasSize(5);
      JsonNode lineB = lines.stream().filter(l -> l.get("frameId").asText().equals(frames.get("b").frameId()))
          .findFirst().orElseThrow();
      assertThat(lineB.get("boxes").toString()).isEqualTo("[{\"label\":\"Sneaker\",\"classIndex\":7,\"x\":20.0,"
          + "\"y\":30.0,\"w\":60.0,\"h\":40.0,\"confidence\":null},{\"label\":\"Sandal\",\"classIndex\":5,\"x\":500.0,"
          + "\"y\":400.0,\"w\":139.0,\"h\":79.0,\"confidence\":null}]");
      assertThat(lineB.get("width").asInt()).isEqualTo(W);

      byte[] coco = export(root, id, "coco");
      JsonNode cocoJson = ReviewFixtures.JSON.readTree(coco);
      CocoCheck.Counts counts = CocoCheck.detection(cocoJson);
      assertThat(counts.images()).isEqualTo(5);
      assertThat(counts.annotations()).isEqualTo(6);
      assertThat(counts.categories()).isEqualTo(10);
      assertThat(counts.annotationsPerCategory()).containsEntry(8L, 2).containsEntry(4L, 1).containsEntry(7L, 1)
          .containsEntry(5L, 1).containsEntry(1L, 1).hasSize(5);
      Map<String, JsonNode> images = new HashMap<>();
      cocoJson.get("images").forEach(i -> images.put(i.get("labelstream").get("frameId").asText(), i));
      for (Map.Entry<String, Sent> frame : frames.entrySet()) {
        JsonNode image = images.get(frame.getValue().frameId());
        assertThat(image.get("file_name").asText()).isEqualTo(ExportNames.frameFile(frame.getValue().frameId()) + ".jpg");
        assertThat(counts.annotationsPerImage().getOrDefault(image.get("id").asLong(), 0))
            .as(frame.getKey()).isEqualTo(expected.get(frame.getKey()).size());
      }
      assertThat(images.get(frames.get("b").frameId()).get("labelstream").get("source").asText()).isEqualTo("HUMAN");
      long imageA = images.get(frames.get("a").frameId()).get("id").asLong();
      List<String> bboxesOfA = new ArrayList<>();
      cocoJson.get("annotations").forEach(a -> {
        if (a.get("image_id").asLong() == imageA) {
          bboxesOfA.add(a.get("bbox") + " " + a.get("score"));
        }
      });
      assertThat(bboxesOfA).containsExactly("[12.0,40.5,96.0,80.0] 0.91", "[300.0,200.0,120.25,240.0] 0.88");

      byte[] yolo = export(root, id, "yolo");
      Map<String, byte[]> entries = StoredFrames.unzip(yolo);
      JsonNode dataYaml = new YAMLMapper().readTree(entries.get("data.yaml"));
      assertThat(dataYaml.get("path").asText()).isEqualTo(id);
      assertThat(dataYaml.get("train").asText()).isEqualTo("images");
      assertThat(dataYaml.get("val").asText()).isEqualTo("images");
      assertThat(dataYaml.get("nc").asInt()).isEqualTo(10);
      for (int c = 0; c < CLASSES.size(); c++) {
        assertThat(dataYaml.get("names").get(String.valueOf(c)).asText()).isEqualTo(CLASSES.get(c));
      }
      for (Map.Entry<String, Sent> frame : frames.entrySet()) {
        String file = ExportNames.frameFile(frame.getValue().frameId());
        assertThat(new String(entries.get("labels/" + file + ".txt"), StandardCharsets.UTF_8)).as(frame.getKey())
            .isEqualTo(yoloLines(expected.get(frame.getKey())));
      }
      byte[] imageA2 = entries.get("images/" + ExportNames.frameFile(frames.get("a").frameId()) + ".jpg");
      assertThat(imageA2).isEqualTo(frames.get("a").image());
      assertThat(ImageIO.read(new ByteArrayInputStream(imageA2)).getWidth()).isEqualTo(W);
      assertThat(entries.get("images/" + ExportNames.frameFile(frames.get("c").frameId()) + ".jpg"))
          .isEqualTo(frames.get("c").image());
      assertThat(entries).doesNotContainKeys("images/" + ExportNames.frameFile(frames.get("gone").frameId()) + ".jpg",
          "images/" + ExportNames.frameFile(frames.get("damaged").frameId()) + ".jpg");
      assertThat(new String(entries.get(FoldersZip.MISSING), StandardCharsets.UTF_8))
          .isEqualTo(frames.get("gone").frameId() + "\n");
      assertThat(new String(entries.get(FoldersZip.REFUSED), StandardCharsets.UTF_8))
          .startsWith(frames.get("damaged").frameId() + "\tthe stored object does not match");
      assertThat(entries).hasSize(1 + 5 + 3 + 2);

      assertThat(export(root, id, "jsonl")).as("jsonl again").isEqualTo(jsonl);
      assertThat(export(root, id, "coco")).as("coco again").isEqualTo(coco);
      assertThat(export(root, id, "yolo")).as("yolo again").isEqualTo(yolo);

      HttpResponse<String> folders = root.get("/v1/datasets/" + id + "/export?format=folders");
      assertThat(folders.statusCode()).isEqualTo(400);
      assertThat(root.json(folders).get("error").asText()).isEqualTo("format_unsuited");
      assertThat(root.json(folders).get("message").asText()).contains("yolo");

      showsBoxesOnTheStatsPage(review.port());
    }
  }

  /** The statistics page in a headless Chromium (skipped without one, except on CI). */
  private static void showsBoxesOnTheStatsPage(int port) {
    Path chromium = RequiredTool.CHROMIUM.path();
    Path chromedriver = RequiredTool.CHROMEDRIVER.path();
    WebDriver browser = HeadlessChrome.open(chromium, chromedriver, 1100, 2600);
    try {
      WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
      browser.get("http://127.0.0.1:" + port + "/stats");
      browser.findElement(By.id("token")).sendKeys(ADMIN_TOKEN, Keys.ENTER);
      wait.until(ExpectedConditions.attributeToBe(By.id("charts"), "data-state", "ready"));

      assertThat(browser.findElement(By.id("classes-title")).getText()).isEqualTo("Boxes per class");
      assertThat(browser.findElement(By.id("classes-note")).getText()).contains("5 frames", "6 boxes");
      assertThat(browser.findElements(By.cssSelector("#classes-chart g.bar"))).hasSize(5);
      assertThat(browser.findElements(By.cssSelector("#classes-chart g.bar[data-class='Bag'] rect.model"))).hasSize(1);
      assertThat(browser.findElements(By.cssSelector("#classes-chart g.bar[data-class='Sandal'] rect.human"))).hasSize(1);
      assertThat(browser.findElement(By.id("accuracy-title")).getText()).isEqualTo("Frame exactness of model labels");
      assertThat(browser.findElements(By.cssSelector("#accuracy-chart g.bar"))).hasSize(1);
      assertThat(browser.findElements(By.cssSelector("#accuracy-chart g.bar[data-class='frame exactness']"))).hasSize(1);
      assertThat(browser.findElements(By.cssSelector("#accuracy-chart line.class-target"))).isEmpty();
      assertThat(browser.findElement(By.id("class-target-legend")).isDisplayed()).isFalse();
      List<String> problems = new ArrayList<>();
      for (LogEntry entry : browser.manage().logs().get(LogType.BROWSER)) {
        if (entry.getLevel().intValue() >= Level.WARNING.intValue()) {
          problems.add(entry.getMessage());
        }
      }
      assertThat(problems).isEmpty();
    } finally {
      browser.quit();
    }
  }

  /** YOLO lines worked out here from the boxes (none of these leave the frame): centre and size over 640 x 480. */
  private static String yoloLines(List<Box> boxes) {
    StringBuilder out = new StringBuilder();
    for (Box b : boxes) {
      out.append(String.format(Locale.ROOT, "%d %.6f %.6f %.6f %.6f\n", b.getClassIndex(),
          (b.getX() + b.getW() / 2.0) / W, (b.getY() + b.getH() / 2.0) / H, b.getW() / (double) W,
          b.getH() / (double) H));
    }
    return out.toString();
  }

  private static byte[] export(Client root, String datasetId, String format) throws Exception {
    HttpResponse<byte[]> response = root.getBytes("/v1/datasets/" + datasetId + "/export?format=" + format);
    assertThat(response.statusCode()).as(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(200);
    return response.body();
  }

  private static Box box(int classIndex, float x, float y, float w, float h, Float confidence) {
    return new Box(CLASSES.get(classIndex), classIndex, x, y, w, h, confidence);
  }

  private static Label model(Sent frame, List<Box> boxes) {
    return Label.newBuilder().setFrameId(frame.frameId()).setLabel("").setClassIndex(-1).setSource(LabelSource.MODEL)
        .setConfidence(0.95).setModelName("fashion-detector").setModelVersion("1.0.0").setLabelledAt(Instant.now())
        .setImageRef(frame.ref()).setWidth(W).setHeight(H).setBoxes(boxes).build();
  }

  private void send(Label label) throws Exception {
    StoredFrames.send(KAFKA.bootstrapServers(), Topics.LABELS.name(), label.getFrameId(), label);
  }
}
