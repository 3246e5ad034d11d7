package io.labelstream.review.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.labelstream.kafka.embedded.EmbeddedKafkaExtension;
import io.labelstream.kafka.embedded.TopicRecords;
import io.labelstream.platform.config.Env;
import io.labelstream.review.HeadlessChrome;
import io.labelstream.review.ReviewFixtures;
import io.labelstream.review.ReviewFixtures.Client;
import io.labelstream.review.ReviewService;
import io.labelstream.review.config.ReviewConfig;
import io.labelstream.schemas.TaskIds;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.Box;
import io.labelstream.schemas.avro.Prediction;
import io.labelstream.schemas.avro.ReviewReason;
import io.labelstream.schemas.avro.ReviewRequest;
import io.labelstream.schemas.avro.ReviewResult;
import io.labelstream.testsupport.RequiredTool;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.interactions.WheelInput.ScrollOrigin;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The review page's box editor in a real headless Chromium, driven by real mouse and keyboard events (WebDriver
 * actions: the browser's own input pipeline, never calls into the page's script), against a review service on a
 * detection model's card and a real Kafka broker. The page's script is only read: where the frame is drawn (its
 * {@code data-view}), to aim the pointer, and the texts a reviewer reads.
 */
class BoxReviewPageIT {

  private static final List<String> CLASSES = ReviewFixtures.BUNDLED_CLASSES;
  private static final int WIDTH = 640;
  private static final int HEIGHT = 480;
  /** How far a box may land from where the pointer aimed: screen pixels are bigger than frame pixels here. */
  private static final double PX = 2.0;

  @RegisterExtension
  static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  @TempDir
  static Path modelFolder;

  private static Path chromium;
  private static Path chromedriver;
  private static ReviewService review;
  private static CspProxy proxy;
  private static Client ada;
  private static Client root;

  private WebDriver browser;
  private WebDriverWait wait;

  @BeforeAll
  static void start() throws IOException {
    // On a developer machine without Chromium the test is skipped; on CI (which installs it) it must run.
    chromium = RequiredTool.CHROMIUM.path();
    chromedriver = RequiredTool.CHROMEDRIVER.path();
    writeDetectorCard(modelFolder);
    review = ReviewService.start(ReviewConfig.from(new Env(Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers(),
        "HTTP_HOST", "127.0.0.1",
        "REVIEW_PORT", "0",
        "LABELSTREAM_MODEL_DIR", modelFolder.toString(),
        "REVIEW_TOKENS", "ada:ada-secret-token:reviewer,root:root-secret-token:admin"))));
    await().atMost(Duration.ofSeconds(30)).until(review::ready);
    proxy = CspProxy.inFrontOf(review.port());
    ada = new Client(review.port(), "ada-secret-token");
    root = new Client(review.port(), "root-secret-token");
  }

  @AfterAll
  static void stop() {
    if (proxy != null) {
      proxy.close();
    }
    if (review != null) {
      review.close();
    }
  }

  @BeforeEach
  void openBrowser() {
    browser = HeadlessChrome.open(chromium, chromedriver, 1280, 900);
    wait = new WebDriverWait(browser, Duration.ofSeconds(20));
  }

  @AfterEach
  void closeBrowser() {
    if (browser != null) {
      browser.quit();
    }
  }

  @Test
  void shouldDrawMoveResizeRelabelAndDeleteBoxesWithMouseAndKeys() throws Exception {
    String frameId = ReviewFixtures.newFrameId();
    queue(request(frameId, ReviewReason.LOW_CONFIDENCE, List.of(
        box("Bag", 100, 100, 120, 80, 0.91f),
        box("Sneaker", 300, 200, 100, 60, 0.55f),
        box("Coat", 450, 50, 120, 150, 0.40f),
        box("Trouser", 500, 350, 80, 100, 0.30f))));
    openTask(frameId);
    assertThat(text("boxes-title")).isEqualTo("Model suggests");
    assertThat(text("boxes-count")).startsWith("4 boxes");
    assertThat(text("accept-text")).isEqualTo("Accept boxes");
    assertThat(displayed("suggestion-card")).isFalse();
    assertThat(displayed("box-keys")).isTrue();
    assertThat(displayed("keys")).isFalse();
    String fitted = view();

    // A drag on empty frame draws a box of the first class (none used yet); 3 makes it the third class.
    drag(40, 300, 160, 420);
    assertSelected("Box 5 of 5: T-shirt/top", 40, 300, 120, 120);
    keys("3");
    assertThat(text("box-status")).startsWith("Box 5 of 5: Pullover");
    // A click without a drag draws nothing.
    drag(20, 20, 20, 20);
    assertThat(text("boxes-count")).isEqualTo("5 boxes.");

    // The bag's body dragged by (40, 30): moved.
    drag(160, 140, 200, 170);
    assertSelected("Box 1 of 5: Bag", 140, 130, 120, 80);
    // A click selects the sneaker; its bottom-right handle dragged by (20, 30): resized.
    drag(350, 230, 350, 230);
    assertThat(text("box-status")).startsWith("Box 2 of 5: Sneaker");
    drag(400, 260, 420, 290);
    assertSelected("Box 2 of 5: Sneaker", 300, 200, 120, 90);
    // The coat clicked and relabelled with 6.
    drag(510, 120, 510, 120);
    keys("6");
    assertSelected("Box 3 of 5: Sandal", 450, 50, 120, 150);

    // Escape deselects; Tab walks the boxes in order; Delete removes the fourth, the trousers.
    keys(Keys.ESCAPE);
    assertThat(text("box-status")).startsWith("No box selected");
    keys(Keys.TAB, Keys.TAB, Keys.TAB, Keys.TAB);
    assertThat(text("box-status")).startsWith("Box 4 of 5: Trouser");
    keys(Keys.DELETE);
    assertThat(text("boxes-count")).isEqualTo("4 boxes.");

    // Keys nudge the first box: 2 px right, 10 down (Shift), and Alt+arrows move its right edge 3 px out.
    js("window.sameDocument = true"); // Alt+Left must not be the browser's Back
    keys(Keys.TAB);
    assertThat(text("box-status")).startsWith("Box 1 of 4: Bag");
    double[] bag = selected();
    keys(Keys.ARROW_RIGHT, Keys.ARROW_RIGHT);
    new Actions(browser).keyDown(Keys.SHIFT).sendKeys(Keys.ARROW_DOWN).keyUp(Keys.SHIFT).perform();
    new Actions(browser).keyDown(Keys.ALT).sendKeys(Keys.ARROW_RIGHT, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT,
        Keys.ARROW_RIGHT, Keys.ARROW_LEFT).keyUp(Keys.ALT).perform();
    assertThat(selected()).containsExactly(new double[] {bag[0] + 2, bag[1] + 10, bag[2] + 3, bag[3]}, within(0.051));
    assertThat(js("return window.sameDocument === true")).isEqualTo(true);

    // The wheel zooms around the pointer (that frame point stays put); a drag in the zoomed view moves the sneaker
    // by 10 frame px; F fits the frame again.
    double[] before = onScreen(360, 245);
    new Actions(browser).scrollFromOrigin(ScrollOrigin.fromViewport((int) before[0], (int) before[1]), 0, -300).perform();
    wait.until(d -> !view().equals(fitted));
    assertThat(scale()).isGreaterThan(1.5 * Double.parseDouble(fitted.split(" ")[0]));
    double[] after = onScreen(360, 245);
    assertThat(after[0]).isCloseTo(before[0], within(1.5));
    assertThat(after[1]).isCloseTo(before[1], within(1.5));
    double[] sneaker = selectedAfter(() -> drag(360, 245, 360, 245));
    drag(360, 245, 370, 245);
    assertThat(text("box-status")).startsWith("Box 2 of 4: Sneaker");
    assertThat(selected()).containsExactly(new double[] {sneaker[0] + 10, sneaker[1], sneaker[2], sneaker[3]},
        within(0.5));
    keys("f");
    wait.until(d -> view().equals(fitted));

    Path shot = screenshot("review-page-boxes.png");
    System.out.println("Box editor screenshot: " + shot.toAbsolutePath());
    assertThat(text("accept-text")).isEqualTo("Submit boxes");
    keys(Keys.ENTER);
    // Saved, and the page went on to ask for the next frame (none waits, so its status says that at once).
    wait.until(d -> text("done").equals("1"));

    JsonNode label = await().atMost(Duration.ofSeconds(20)).until(() -> {
      HttpResponse<String> res = root.get("/v1/labels/" + frameId);
      return res.statusCode() == 200 ? root.json(res) : null;
    }, node -> node != null);
    assertThat(label.get("width").asInt()).isEqualTo(WIDTH);
    assertThat(label.get("height").asInt()).isEqualTo(HEIGHT);
    Map<String, JsonNode> boxes = byLabel(label.get("boxes"));
    assertThat(boxes.keySet()).containsExactlyInAnyOrder("Bag", "Sneaker", "Sandal", "Pullover");
    assertBox(boxes.get("Bag"), 142, 140, 123, 80);
    assertBox(boxes.get("Sneaker"), 310, 200, 120, 90);
    assertBox(boxes.get("Sandal"), 450, 50, 120, 150);
    assertBox(boxes.get("Pullover"), 40, 300, 120, 120);
    assertNoCspViolations();
  }

  @Test
  void shouldShowNoBoxesOnABlindAuditAndSubmitOnlyTheBoxesDrawn() throws Exception {
    String frameId = ReviewFixtures.newFrameId();
    ReviewRequest audit = request(frameId, ReviewReason.AUDIT, List.of(
        box("Bag", 100, 100, 120, 80, 0.97f), box("Coat", 450, 50, 120, 150, 0.96f)));
    queue(audit);
    openTask(frameId);

    assertThat(text("boxes-title")).isEqualTo("No suggestion");
    assertThat(text("boxes-count")).isEqualTo("No boxes. Drag on the frame to draw one.");
    assertThat(text("accept-text")).isEqualTo("Submit boxes");
    assertThat(browser.findElement(By.tagName("body")).getText())
        .doesNotContainIgnoringCase("audit").doesNotContain("%");
    Path shot = screenshot("review-page-boxes-blind.png");
    System.out.println("Blind audit screenshot: " + shot.toAbsolutePath());

    // Enter with nothing drawn asks first: a stray key must not save "nothing to label".
    keys(Keys.ENTER);
    wait.until(d -> text("status").startsWith("No boxes drawn. Press Enter again"));
    assertThat(text("frame-id")).isEqualTo(frameId);

    keys("9"); // the class of the next box drawn
    drag(98, 102, 222, 178);
    drag(440, 60, 560, 200);
    keys("5");
    assertThat(text("boxes-count")).isEqualTo("2 boxes.");
    assertThat(text("box-status")).startsWith("Box 2 of 2: Coat");

    // Tab past the last box leaves the frame for the buttons; Shift+Tab comes back, and walks the boxes backwards.
    keys(Keys.TAB);
    assertThat(activeElement()).isEqualTo("BUTTON " + CLASSES.get(0));
    assertThat(text("box-status")).startsWith("No box selected");
    shiftTab();
    assertThat(activeElement()).isEqualTo("CANVAS boxes");
    shiftTab();
    assertThat(text("box-status")).startsWith("Box 2 of 2: Coat");
    shiftTab();
    assertThat(text("box-status")).startsWith("Box 1 of 2: Bag");
    assertThat(activeElement()).isEqualTo("CANVAS boxes");
    keys(Keys.ENTER);
    wait.until(d -> text("done").equals("1"));

    ReviewResult result = await().atMost(Duration.ofSeconds(20)).until(() -> TopicRecords.readAll(
            KAFKA.bootstrapServers(), Topics.REVIEW_RESULTS.name()).stream()
        .filter(r -> frameId.equals(r.key()))
        .map(r -> Topics.REVIEW_RESULTS.valueSerde().deserializer().deserialize(r.topic(), r.value()))
        .findFirst().orElse(null), r -> r != null);
    assertThat(result.getTaskId()).isEqualTo(audit.getTaskId());
    assertThat(result.getBoxes()).extracting(Box::getLabel).containsExactly("Bag", "Coat");
    assertThat(result.getBoxes()).allSatisfy(b -> assertThat(b.getConfidence()).isNull());
    Box bag = result.getBoxes().get(0);
    assertThat(new double[] {bag.getX(), bag.getY(), bag.getW(), bag.getH()})
        .containsExactly(new double[] {98, 102, 124, 76}, within(PX));
    Box coat = result.getBoxes().get(1);
    assertThat(new double[] {coat.getX(), coat.getY(), coat.getW(), coat.getH()})
        .containsExactly(new double[] {440, 60, 120, 140}, within(PX));
    assertNoCspViolations();
  }

  // ---- The task ------------------------------------------------------------------------------------------------

  /** A detection model's card, as the review service reads it: only its identity (name, task, classes) matters. */
  private static void writeDetectorCard(Path folder) throws IOException {
    Files.write(folder.resolve("detector.onnx"), new byte[] {0x08, 0x07});
    String names = CLASSES.stream().map(c -> "\"" + c + "\"").collect(Collectors.joining(", "));
    Files.writeString(folder.resolve("detector.card.json"), "{\"name\": \"detector\", \"version\": \"1.0.0\", "
        + "\"task\": \"detection\", \"input\": {\"name\": \"images\", \"layout\": \"NCHW\", \"channels\": 3, "
        + "\"colorOrder\": \"RGB\", \"width\": 640, \"height\": 640, \"resize\": \"letterbox\", \"dtype\": \"float32\"}, "
        + "\"output\": {\"format\": \"yolo\", \"name\": \"output0\"}, \"classNames\": [" + names + "]}\n");
  }

  private static Box box(String label, float x, float y, float w, float h, Float confidence) {
    return Box.newBuilder().setLabel(label).setClassIndex(CLASSES.indexOf(label)).setX(x).setY(y).setW(w).setH(h)
        .setConfidence(confidence).build();
  }

  /** A detection frame's review request as the inference worker writes it: frame score, boxes, frame size. */
  private static ReviewRequest request(String frameId, ReviewReason reason, List<Box> boxes) throws IOException {
    ReviewRequest base = ReviewFixtures.request(frameId, "detector", 0, "frame", 0.4, 0);
    Prediction prediction = Prediction.newBuilder(base.getPrediction())
        .setTopK(List.of()).setBoxes(boxes).setWidth(WIDTH).setHeight(HEIGHT).build();
    return ReviewRequest.newBuilder(base)
        .setTaskId(TaskIds.of(frameId, reason)).setReason(reason)
        .setPrediction(prediction).setContentType("image/png").setImage(ByteBuffer.wrap(scene(boxes)))
        .build();
  }

  /** A 640x480 scene with a coloured block where each box is, so the screenshot shows what the boxes are about. */
  private static byte[] scene(List<Box> boxes) throws IOException {
    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setPaint(new GradientPaint(0, 0, new Color(40, 76, 140), 0, HEIGHT, new Color(156, 80, 64)));
    g.fillRect(0, 0, WIDTH, HEIGHT);
    Color[] colours = {new Color(200, 60, 60), new Color(60, 200, 60), new Color(220, 200, 60), new Color(60, 60, 220)};
    for (int i = 0; i < boxes.size(); i++) {
      Box b = boxes.get(i);
      g.setColor(colours[i % colours.length]);
      g.fillRect(Math.round(b.getX()), Math.round(b.getY()), Math.round(b.getW()), Math.round(b.getH()));
    }
    g.dispose();
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(image, "png", png);
    return png.toByteArray();
  }

  private static void queue(ReviewRequest request) throws Exception {
    ReviewFixtures.produce(KAFKA.bootstrapServers(), request);
    await().atMost(Duration.ofSeconds(20)).until(() -> ada.json(ada.get("/v1/tasks/peek")).path("taskId").asText(""),
        request.getTaskId()::equals);
  }

  /** Signs ada in and waits for the frame in the box editor, its image loaded. */
  private void openTask(String frameId) {
    browser.get("http://127.0.0.1:" + proxy.port() + "/");
    wait.until(d -> "token".equals(js("return document.activeElement && document.activeElement.id")));
    keys("ada-secret-token", Keys.ENTER);
    new WebDriverWait(browser, Duration.ofSeconds(20)).withMessage(() -> "the frame in the box editor; the page shows " + js("""
        return {frame: document.getElementById('frame-id').textContent, status: document.getElementById('status').textContent,
          canvas: !document.getElementById('boxes').hidden, focus: document.activeElement.id,
          loaded: document.getElementById('frame').complete};""") + ", the log: " + browser.manage().logs().get(LogType.BROWSER)
        .getAll().stream().map(LogEntry::getMessage).toList())
        .until(d -> frameId.equals(text("frame-id")) && Boolean.TRUE.equals(js("""
        const img = document.getElementById('frame');
        return img.complete && img.naturalWidth > 0 && !document.getElementById('boxes').hidden
          && document.activeElement.id === 'boxes';""")));
  }

  // ---- The pointer and the keys --------------------------------------------------------------------------------

  /** Presses the mouse at frame point (x1, y1), moves to (x2, y2) in two steps and lets go, as a hand would. */
  private void drag(double x1, double y1, double x2, double y2) {
    waitUntilStill(x1, y1);
    double[] from = onScreen(x1, y1);
    double[] to = onScreen(x2, y2);
    new Actions(browser)
        .moveToLocation((int) Math.round(from[0]), (int) Math.round(from[1]))
        .clickAndHold()
        .moveToLocation((int) Math.round((from[0] + to[0]) / 2), (int) Math.round((from[1] + to[1]) / 2))
        .moveToLocation((int) Math.round(to[0]), (int) Math.round(to[1]))
        .release()
        .perform();
  }

  /**
   * Waits until frame pixel (x, y) stays put on screen for 150 ms. A key just pressed may still move the canvas (a
   * status line re-lays the page out and the editor refits): on a busy CI machine a drag computed before that started
   * a few pixels off (a box drawn from x 104.8 for 98).
   */
  private void waitUntilStill(double x, double y) {
    double[] was = onScreen(x, y);
    for (int i = 0; i < 40; i++) {
      try {
        Thread.sleep(150);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
      double[] now = onScreen(x, y);
      if (Arrays.equals(was, now)) {
        return;
      }
      was = now;
    }
    throw new AssertionError("frame pixel " + x + ", " + y + " kept moving on screen");
  }

  /** Where frame pixel (x, y) is in the window now, from the canvas's place and the editor's view. */
  private double[] onScreen(double x, double y) {
    @SuppressWarnings("unchecked")
    Map<String, Object> place = (Map<String, Object>) js("""
        const c = document.getElementById('boxes');
        const r = c.getBoundingClientRect();
        return {left: r.left, top: r.top, view: c.dataset.view};""");
    String[] view = String.valueOf(place.get("view")).split(" ");
    double scale = Double.parseDouble(view[0]);
    return new double[] {
        ((Number) place.get("left")).doubleValue() + Double.parseDouble(view[1]) + x * scale,
        ((Number) place.get("top")).doubleValue() + Double.parseDouble(view[2]) + y * scale};
  }

  /** The selected box as the page states it (frame pixels, to 0.1 px): x, y, w, h. */
  private double[] selected() {
    Matcher m = Pattern.compile("at ([\\d.]+), ([\\d.]+), ([\\d.]+) × ([\\d.]+) px")
        .matcher(text("box-status"));
    assertThat(m.find()).as(text("box-status")).isTrue();
    return new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3)),
        Double.parseDouble(m.group(4))};
  }

  private double[] selectedAfter(Runnable action) {
    action.run();
    return selected();
  }

  private void assertSelected(String which, double x, double y, double w, double h) {
    assertThat(text("box-status")).startsWith(which + " at ");
    assertThat(selected()).containsExactly(new double[] {x, y, w, h}, within(PX));
  }

  private String view() {
    return String.valueOf(js("return document.getElementById('boxes').dataset.view"));
  }

  private double scale() {
    return Double.parseDouble(view().split(" ")[0]);
  }

  private void shiftTab() {
    new Actions(browser).keyDown(Keys.SHIFT).sendKeys(Keys.TAB).keyUp(Keys.SHIFT).perform();
  }

  /** The focused element: its tag and its id, or for a class button its class. */
  private String activeElement() {
    return String.valueOf(js("""
        const e = document.activeElement;
        return e.tagName + ' ' + (e.dataset.label || e.id);"""));
  }

  private void keys(CharSequence... keys) {
    new Actions(browser).sendKeys(keys).perform();
  }

  // ---- Reading the page and the label ---------------------------------------------------------------------------

  private static Map<String, JsonNode> byLabel(JsonNode boxes) {
    List<JsonNode> list = new ArrayList<>();
    boxes.forEach(list::add);
    assertThat(list.stream().map(b -> b.get("label").asText()).distinct()).hasSameSizeAs(list);
    return list.stream().collect(Collectors.toMap(b -> b.get("label").asText(), b -> b));
  }

  private static void assertBox(JsonNode box, double x, double y, double w, double h) {
    assertThat(new double[] {box.get("x").asDouble(), box.get("y").asDouble(), box.get("w").asDouble(),
        box.get("h").asDouble()}).as(box.toString()).containsExactly(new double[] {x, y, w, h}, within(PX));
  }

  private boolean displayed(String id) {
    return browser.findElement(By.id(id)).isDisplayed();
  }

  private String text(String id) {
    return String.valueOf(js("return document.getElementById(arguments[0]).textContent", id)).strip();
  }

  private Object js(String script, Object... args) {
    return ((JavascriptExecutor) browser).executeScript(script, args);
  }

  /** The browser console must not report a single Content-Security-Policy violation. */
  private void assertNoCspViolations() {
    List<String> violations = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
        .map(LogEntry::getMessage)
        .filter(message -> message.contains("Content Security Policy"))
        .toList();
    assertThat(violations).as("CSP violations in the browser console").isEmpty();
  }

  private Path screenshot(String name) throws IOException {
    Path target = Path.of("target");
    Files.createDirectories(target);
    Path file = target.resolve(name);
    Files.write(file, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    return file;
  }
}
