package io.labelstream.review.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labelstream.kafka.embedded.EmbeddedKafkaExtension;
import io.labelstream.platform.config.Env;
import io.labelstream.review.ReviewFixtures;
import io.labelstream.review.ReviewFixtures.Client;
import io.labelstream.review.ReviewService;
import io.labelstream.review.config.ReviewConfig;
import io.labelstream.schemas.avro.ReviewRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The review page in a real headless Chromium: sign in, see the frame and the suggestion, label with the keyboard. */
class ReviewPageIT {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  @RegisterExtension
  static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  private static ReviewService review;
  private static WebDriver browser;

  @BeforeAll
  static void start() {
    boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    // On a developer machine without Chromium the test is skipped; in CI (which installs it) it must run.
    if (System.getenv("CI") == null) {
      Assumptions.assumeTrue(present, "Chromium and chromedriver are not installed (apt-get install chromium chromium-driver)");
    }
    review = ReviewService.start(ReviewConfig.from(new Env(Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers(),
        "HTTP_HOST", "127.0.0.1",
        "REVIEW_PORT", "0",
        "REVIEW_TOKENS", "ada:ada-secret-token:reviewer"))));
    await().atMost(Duration.ofSeconds(30)).until(review::ready);
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync");
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build();
    browser = new ChromeDriver(service, options);
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (review != null) {
      review.close();
    }
  }

  @Test
  void shouldLetAReviewerLabelTheNextFrameWithTheKeyboardOnly() throws Exception {
    String frameId = ReviewFixtures.newFrameId();
    ReviewRequest request = ReviewFixtures.request(frameId, "Coat", 0.6, 30);
    ReviewFixtures.produce(KAFKA.bootstrapServers(), request);
    Client api = new Client(review.port(), "ada-secret-token");
    await().atMost(Duration.ofSeconds(20)).until(() -> api.json(api.get("/v1/stats")).get("queuedForReview").asInt() == 1);

    browser.get("http://127.0.0.1:" + review.port() + "/");
    browser.findElement(By.id("token")).sendKeys("ada-secret-token", Keys.ENTER);

    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
    wait.until(ExpectedConditions.textToBe(By.id("suggestion"), "Coat"));
    wait.until(d -> (Boolean) ((JavascriptExecutor) d).executeScript(
        "const i = document.getElementById('frame'); return i.complete && i.naturalWidth === 28;"));
    assertThat(browser.findElement(By.cssSelector("button.suggested")).getText()).isEqualTo("5 Coat");

    // Key 3 is the third class, Pullover: a correction, made without the mouse.
    browser.findElement(By.tagName("body")).sendKeys("3");

    wait.until(ExpectedConditions.textToBe(By.id("done"), "1"));
    await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/v1/labels/" + frameId).statusCode() == 200);
    assertThat(api.json(api.get("/v1/labels/" + frameId)).get("label").asText()).isEqualTo("Pullover");
    assertThat(api.json(api.get("/v1/labels/" + frameId)).get("source").asText()).isEqualTo("HUMAN");
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "Nothing waiting"));
  }
}
