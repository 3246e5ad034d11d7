package io.labelstream.review.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labelstream.kafka.embedded.EmbeddedKafkaExtension;
import io.labelstream.kafka.embedded.TopicRecords;
import io.labelstream.platform.config.Env;
import io.labelstream.review.HeadlessChrome;
import io.labelstream.review.ReviewFixtures;
import io.labelstream.review.ReviewFixtures.Client;
import io.labelstream.review.ReviewService;
import io.labelstream.review.config.ReviewConfig;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.ReviewRequest;
import io.labelstream.schemas.avro.ReviewResult;
import io.labelstream.testsupport.RequiredTool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The review page in a real headless Chromium for user models of 3 and of 15 classes: the buttons are the card's
 * classes, the digit keys choose the first ten (1–9, 0) and no two classes share a key, and the hints name the keys
 * the model has.
 */
class UserModelPageIT {

  @RegisterExtension
  static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  private static Path chromium;
  private static Path chromedriver;

  @TempDir
  Path folder;

  private ReviewService review;
  private CspProxy proxy;
  private WebDriver browser;
  private WebDriverWait wait;

  @BeforeAll
  static void findChromium() {
    // On a developer machine without Chromium the test is skipped; on CI (which installs it) it must run.
    chromium = RequiredTool.CHROMIUM.path();
    chromedriver = RequiredTool.CHROMEDRIVER.path();
  }

  @AfterEach
  void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (proxy != null) {
      proxy.close();
    }
    if (review != null) {
      review.close();
    }
  }

  @Test
  void shouldOfferThreeClassesWithKeysOneToThree() throws Exception {
    List<String> classes = List.of("red", "green", "blue");
    String frameId = showOneFrame("colours", classes);

    assertThat(buttonNames()).isEqualTo(classes);
    assertThat(shortcuts()).containsExactly("1", "2", "3");
    assertThat(text(browser.findElement(By.cssSelector("#keys .class-keys")))).isEqualTo("1–3");
    screenshot("review-page-3-classes.png");

    keys("4"); // no fourth class: nothing happens
    keys("3");

    assertThat(answerFor(frameId)).isEqualTo("blue");
  }

  @Test
  void shouldOfferFifteenClassesWithDigitKeysForTheFirstTenOnly() throws Exception {
    List<String> classes = IntStream.rangeClosed(1, 15).mapToObj(i -> "kind-" + i).toList();
    String frameId = showOneFrame("kinds", classes);

    assertThat(buttonNames()).isEqualTo(classes);
    assertThat(shortcuts()).containsExactly("1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "", "", "", "", "");
    assertThat(text(browser.findElement(By.cssSelector("#keys .class-keys")))).isEqualTo("1–0");
    screenshot("review-page-15-classes.png");

    keys("0"); // the tenth class, not the first of the second ten

    assertThat(answerFor(frameId)).isEqualTo("kind-10");
  }

  /** Starts review on a user model of these classes, queues one frame and shows it to a signed-in reviewer. */
  private String showOneFrame(String model, List<String> classes) throws Exception {
    ReviewFixtures.userModel(folder, model, classes, false);
    review = ReviewService.start(ReviewConfig.from(new Env(Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers(),
        "HTTP_HOST", "127.0.0.1",
        "REVIEW_PORT", "0",
        "LABELSTREAM_MODEL_DIR", folder.toString(),
        "REVIEW_TOKENS", "ada:ada-secret-token:reviewer"))));
    await().atMost(Duration.ofSeconds(30)).until(review::ready);
    proxy = CspProxy.inFrontOf(review.port());
    Client ada = new Client(review.port(), "ada-secret-token");
    String frameId = ReviewFixtures.newFrameId();
    ReviewRequest request = ReviewFixtures.request(frameId, model, 1, classes.get(1), 0.6, 5);
    ReviewFixtures.produce(KAFKA.bootstrapServers(), request);
    await().atMost(Duration.ofSeconds(20)).until(() -> ada.json(ada.get("/v1/tasks/peek")).path("taskId").asText(""),
        request.getTaskId()::equals);

    openBrowser();
    browser.get("http://127.0.0.1:" + proxy.port() + "/");
    wait.until(d -> "token".equals(js("return document.activeElement && document.activeElement.id")));
    keys("ada-secret-token", Keys.ENTER);
    wait.until(d -> frameId.equals(text(d.findElement(By.id("frame-id"))))
        && d.findElements(By.cssSelector("#classes button")).size() == classes.size());
    return frameId;
  }

  private void openBrowser() {
    browser = HeadlessChrome.open(chromium, chromedriver, 1280, 900);
    wait = new WebDriverWait(browser, Duration.ofSeconds(20));
  }

  private List<String> buttonNames() {
    return browser.findElements(By.cssSelector("#classes button")).stream().map(b -> b.getAttribute("data-label")).toList();
  }

  private List<String> shortcuts() {
    return browser.findElements(By.cssSelector("#classes button")).stream()
        .map(b -> b.getAttribute("aria-keyshortcuts") == null ? "" : b.getAttribute("aria-keyshortcuts")).toList();
  }

  private String answerFor(String frameId) {
    return await().atMost(Duration.ofSeconds(20)).until(() -> TopicRecords.readAll(KAFKA.bootstrapServers(),
            Topics.REVIEW_RESULTS.name()).stream().filter(r -> frameId.equals(r.key()))
        .map(r -> Topics.REVIEW_RESULTS.valueSerde().deserializer().deserialize(r.topic(), r.value()))
        .map(ReviewResult::getLabel).findFirst().orElse(null), label -> label != null);
  }

  private void keys(CharSequence... keys) {
    new Actions(browser).sendKeys(keys).perform();
  }

  private static String text(WebElement element) {
    return element.getText().strip();
  }

  private Object js(String script) {
    return ((JavascriptExecutor) browser).executeScript(script);
  }

  private void screenshot(String name) throws IOException {
    Files.createDirectories(Path.of("target"));
    Files.write(Path.of("target").resolve(name), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
  }
}
