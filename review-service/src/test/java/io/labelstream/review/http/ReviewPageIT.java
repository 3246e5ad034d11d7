package io.labelstream.review.http;

import static org.assertj.core.api.Assertions.assertThat;
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
import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.LabelSource;
import io.labelstream.schemas.avro.ReviewReason;
import io.labelstream.schemas.avro.ReviewRequest;
import io.labelstream.schemas.avro.ReviewResult;
import io.labelstream.testsupport.RequiredTool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The review and admin pages in a real headless Chromium, used with the keyboard only (no clicks), loaded through
 * {@link CspProxy}, which adds the Content-Security-Policy only if the service ever stopped sending its own, so the
 * pages are always tested under it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReviewPageIT {

  private static final List<String> CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
      "Shirt", "Sneaker", "Bag", "Ankle boot");
  /** Short, so the test sees heartbeats keep a frame that is looked at for longer than one lease. */
  private static final int LEASE_SECONDS = 9;
  private static final Path SCREENSHOTS = Path.of("target");

  @RegisterExtension
  static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  private static Path chromium;
  private static Path chromedriver;
  private static ReviewService review;
  private static CspProxy proxy;
  private static Client ada;
  private static Client bob;
  private static Client root;

  private WebDriver browser;
  private WebDriverWait wait;

  @BeforeAll
  static void start() throws IOException {
    // On a developer machine without Chromium the test is skipped; on CI (which installs it) it must run.
    chromium = RequiredTool.CHROMIUM.path();
    chromedriver = RequiredTool.CHROMEDRIVER.path();
    review = ReviewService.start(ReviewConfig.from(new Env(Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers(),
        "HTTP_HOST", "127.0.0.1",
        "REVIEW_PORT", "0",
        "REVIEW_LEASE_SECONDS", Integer.toString(LEASE_SECONDS),
        "REVIEW_TOKENS", "ada:ada-secret-token:reviewer,bob:bob-secret-token:reviewer,root:root-secret-token:admin"))));
    await().atMost(Duration.ofSeconds(30)).until(review::ready);
    proxy = CspProxy.inFrontOf(review.port());
    ada = new Client(review.port(), "ada-secret-token");
    bob = new Client(review.port(), "bob-secret-token");
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

  /** A fresh browser per test: its own sessionStorage, so each test signs in from scratch. */
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
  @Order(1)
  void shouldLetAReviewerLabelFramesWithTheKeyboardOnly() throws Exception {
    // 22 frames handed out in the order made (priority falls as the score rises); two are blind audits.
    List<ReviewRequest> requests = new ArrayList<>();
    for (int i = 0; i < 22; i++) {
      String frameId = ReviewFixtures.newFrameId();
      ReviewRequest request = ReviewFixtures.request(frameId, CLASSES.get(i % 10), 0.30 + 0.01 * i, i);
      requests.add(i == 6 || i == 15 ? audit(request) : request);
    }
    Map<String, ReviewRequest> byFrame = requests.stream()
        .collect(Collectors.toMap(ReviewRequest::getFrameId, Function.identity()));
    ReviewFixtures.produce(KAFKA.bootstrapServers(), requests.toArray(ReviewRequest[]::new));
    await().atMost(Duration.ofSeconds(20)).until(() -> ada.json(ada.get("/v1/stats")).get("queuedForReview").asInt() == 22);

    browser.get(page("/"));
    signIn("ada-secret-token");
    String first = nextFrame(null).orElseThrow();
    assertThat(first).isEqualTo(requests.get(0).getFrameId());
    js("window.sameDocument = true"); // gone if the page ever reloads

    // S skips the first frame: it goes behind every other frame for ada only, so bob would get it next.
    keys("s");
    String second = nextFrame(first).orElseThrow();
    assertThat(second).isEqualTo(requests.get(1).getFrameId());
    assertThat(bob.json(bob.get("/v1/tasks/peek")).get("taskId").asText()).isEqualTo(requests.get(0).getTaskId());

    // A frame looked at for longer than a lease stays the reviewer's: the page's heartbeats renew the lease.
    await().during(Duration.ofSeconds(LEASE_SECONDS + 2)).atMost(Duration.ofSeconds(LEASE_SECONDS + 10))
        .pollInterval(Duration.ofMillis(250))
        .until(() -> leaseSecondsLeft() > 0 && second.equals(text("frame-id")));

    Map<String, String> answered = new LinkedHashMap<>();
    List<String> sources = new ArrayList<>();
    String frame = second;
    for (int n = 0; frame != null; n++) {
      ReviewRequest request = byFrame.get(frame);
      boolean audit = request.getReason() == ReviewReason.AUDIT;
      assertFrameShownLarge();
      assertSuggestion(request, audit);
      sources.add(String.valueOf(js("return document.getElementById('frame').dataset.source")));
      if (n == 2) {
        screenshot("review-page.png");
      }
      if (audit && n < 10) {
        screenshot("review-page-no-suggestion.png");
      }
      if (n == 10) {
        // R gives the frame back and pauses; N claims again, and the frame kept its place at the head of the line.
        keys("r");
        wait.until(d -> text("status").startsWith("Released"));
        assertThat(browser.findElement(By.id("frame")).isDisplayed()).isFalse();
        keys("n");
        String released = frame;
        wait.until(d -> released.equals(text("frame-id")) && browser.findElement(By.id("frame")).isDisplayed());
      }
      String label;
      if (audit) {
        keys(Keys.ENTER); // nothing to accept on a frame without a suggestion: Enter must do nothing
        label = CLASSES.get(n % 10);
        keys(key(label));
      } else if (n % 4 == 0) {
        label = request.getPrediction().getLabel();
        keys(Keys.ENTER);
      } else {
        label = CLASSES.get((3 * n) % 10);
        keys(key(label));
      }
      answered.put(frame, label);
      frame = nextFrame(frame).orElse(null);
    }

    // The 21 other frames in hand-out order, then the skipped one, which came back last.
    List<String> expectedOrder = new ArrayList<>();
    requests.subList(1, 22).forEach(r -> expectedOrder.add(r.getFrameId()));
    expectedOrder.add(first);
    assertThat(answered.keySet()).containsExactlyElementsOf(expectedOrder);
    // Every frame after the first was loaded while the one before it was on screen.
    assertThat(sources).as("where each frame's image came from").containsOnly("prefetch");
    assertThat(text("done")).isEqualTo("22");
    wait.until(d -> "22".equals(text("answered")));
    assertThat(js("return window.sameDocument === true")).as("no page reload").isEqualTo(true);
    assertNoCspViolations();

    List<ReviewResult> results = TopicRecords.readAll(KAFKA.bootstrapServers(), Topics.REVIEW_RESULTS.name()).stream()
        .filter(r -> byFrame.containsKey(r.key()))
        .map(r -> Topics.REVIEW_RESULTS.valueSerde().deserializer().deserialize(Topics.REVIEW_RESULTS.name(), r.value()))
        .toList();
    assertThat(results).hasSize(22).allSatisfy(result -> assertThat(result.getReviewerId()).isEqualTo("ada"));
    assertThat(results.stream().collect(Collectors.toMap(ReviewResult::getFrameId, ReviewResult::getLabel)))
        .isEqualTo(answered);
    List<Label> labels = TopicRecords.readAll(KAFKA.bootstrapServers(), Topics.LABELS.name()).stream()
        .filter(r -> byFrame.containsKey(r.key()))
        .map(r -> Topics.LABELS.valueSerde().deserializer().deserialize(Topics.LABELS.name(), r.value()))
        .toList();
    assertThat(labels).hasSize(22).allSatisfy(label -> {
      assertThat(label.getSource()).isEqualTo(LabelSource.HUMAN);
      assertThat(label.getReviewerIds()).containsExactly("ada");
      assertThat(label.getLabel()).isEqualTo(answered.get(label.getFrameId()));
    });

    // Signing out is one Shift+Tab away from the frame, and forgets the token.
    new Actions(browser).keyDown(Keys.SHIFT).sendKeys(Keys.TAB).keyUp(Keys.SHIFT).perform();
    assertThat(browser.switchTo().activeElement().getAttribute("id")).isEqualTo("signout");
    keys(Keys.ENTER);
    wait.until(d -> d.findElement(By.id("signin-view")).isDisplayed());
    assertThat(js("return sessionStorage.getItem('labelstream.token')")).isNull();
  }

  @Test
  @Order(2)
  void shouldShowTheQueueTheReviewersAndTheFlagsToAnAdmin() throws Exception {
    // Something for the queue section: three frames, one of them leased to bob.
    List<ReviewRequest> requests = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      requests.add(ReviewFixtures.request(ReviewFixtures.newFrameId(), CLASSES.get(i), 0.5 + 0.01 * i, 40 + i));
    }
    ReviewFixtures.produce(KAFKA.bootstrapServers(), requests.toArray(ReviewRequest[]::new));
    await().atMost(Duration.ofSeconds(20)).until(() -> root.json(root.get("/v1/stats")).get("queuedForReview").asInt() >= 3);
    assertThat(bob.claim().statusCode()).isEqualTo(200);

    browser.get(page("/admin.html"));
    signIn("root-secret-token");
    awaitSectionsSettled();
    assertThat(text("who-name")).isEqualTo("root");
    assertThat(text("who-role")).isEqualTo("admin");
    assertThat(browser.findElement(By.id("not-admin")).isDisplayed()).isFalse();
    screenshot("admin-page.png");
    assertNoCspViolations();

    {
      assertThat(sectionState("queue")).isEqualTo("ok");
      // The page refreshes every few seconds and bob's lease may run out meanwhile: compare like with like.
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
        JsonNode queue = root.json(root.get("/v1/admin/queue"));
        assertThat(text("queue-open")).isEqualTo(queue.get("open").asText());
        assertThat(text("queue-leased")).isEqualTo(queue.get("leased").asText());
        assertThat(browser.findElements(By.cssSelector("#queue-table tbody tr"))).hasSize(queue.get("tasks").size());
      });
      assertThat(text("queue-table")).contains(requests.get(0).getPrediction().getLabel());
    }
    {
      assertThat(sectionState("reviewers")).isEqualTo("ok");
      JsonNode reviewers = root.json(root.get("/v1/admin/reviewers"));
      assertThat(browser.findElements(By.cssSelector("#reviewers-table tbody tr"))).hasSize(reviewers.size());
      JsonNode adaCounts = null;
      for (JsonNode reviewer : reviewers) {
        adaCounts = "ada".equals(reviewer.path("reviewer").asText()) ? reviewer : adaCounts;
      }
      assertThat(adaCounts).as("ada in /v1/admin/reviewers").isNotNull();
      assertThat(adaCounts.get("answered").asLong()).isEqualTo(22);
      WebElement adaRow = browser.findElement(By.xpath("//div[@id='reviewers-table']//tr[td[1]='ada']"));
      assertThat(adaRow.findElements(By.tagName("td")).get(2).getText()).isEqualTo(adaCounts.get("answered").asText());
    }
    {
      assertThat(sectionState("flags")).isEqualTo("ok");
      JsonNode flags = root.json(root.get("/v1/admin/flags"));
      assertThat(browser.findElements(By.cssSelector("#flags-table tbody tr"))).hasSize(flags.size());
      if (flags.isEmpty()) {
        assertThat(text("flags-state")).isEqualTo("No flags.");
      }
    }
  }

  @Test
  @Order(3)
  void shouldRefuseAReviewerTokenOnTheAdminPage() throws Exception {
    browser.get(page("/admin.html"));
    signIn("not-a-token-anyone-has");
    wait.until(d -> text("signin-error").equals("That token was not accepted."));
    new Actions(browser).keyDown(Keys.CONTROL).sendKeys("a").keyUp(Keys.CONTROL).sendKeys("ada-secret-token", Keys.ENTER)
        .perform();

    wait.until(d -> d.findElement(By.id("not-admin")).isDisplayed());
    assertThat(text("not-admin")).contains("ada", "reviewer", "for admins");
    awaitSectionsSettled();
    assertNoCspViolations();

    for (String section : List.of("queue", "reviewers", "flags")) {
      assertThat(ada.get("/v1/admin/" + section).statusCode()).isEqualTo(403);
      assertThat(sectionState(section)).isEqualTo("forbidden");
      assertThat(text(section + "-state")).startsWith("Refused (403)");
    }
  }

  // ---- Helpers ------------------------------------------------------------------------------------------------

  private static ReviewRequest audit(ReviewRequest request) {
    return ReviewRequest.newBuilder(request)
        .setTaskId(TaskIds.of(request.getFrameId(), ReviewReason.AUDIT))
        .setReason(ReviewReason.AUDIT)
        .build();
  }

  private String page(String path) {
    return "http://127.0.0.1:" + proxy.port() + path;
  }

  /** Types the token into the focused sign-in field and presses Enter, as a person would. */
  private void signIn(String token) {
    wait.until(d -> "token".equals(js("return document.activeElement && document.activeElement.id")));
    keys(token, Keys.ENTER);
  }

  /** Key presses sent to whatever has the focus: no element is clicked or targeted. */
  private void keys(CharSequence... keys) {
    new Actions(browser).sendKeys(keys).perform();
  }

  private static String key(String label) {
    return Integer.toString((CLASSES.indexOf(label) + 1) % 10);
  }

  /** The next frame on screen after {@code previous} (with its image loaded), or empty once nothing waits. */
  private Optional<String> nextFrame(String previous) {
    return wait.until(d -> {
      @SuppressWarnings("unchecked")
      Map<String, Object> view = (Map<String, Object>) js("""
          const img = document.getElementById('frame');
          return {
            frame: img.hidden ? null : document.getElementById('frame-id').textContent,
            loaded: img.complete && img.naturalWidth > 0,
            empty: !document.getElementById('empty').hidden,
            status: document.getElementById('status').textContent };""");
      Object frame = view.get("frame");
      if (frame != null && !frame.equals(previous) && Boolean.TRUE.equals(view.get("loaded"))) {
        return Optional.of((String) frame);
      }
      if (Boolean.TRUE.equals(view.get("empty")) && String.valueOf(view.get("status")).startsWith("Nothing waiting")) {
        return Optional.empty();
      }
      return null;
    });
  }

  private void assertFrameShownLarge() {
    WebElement img = browser.findElement(By.id("frame"));
    assertThat(img.getAttribute("src")).startsWith("blob:");
    assertThat(js("return document.getElementById('frame').naturalWidth")).isEqualTo(28L);
    assertThat(img.getCssValue("image-rendering")).isEqualTo("pixelated");
    int width = img.getSize().getWidth();
    assertThat(width).as("rendered width of a 28 px frame").isGreaterThanOrEqualTo(448);
    assertThat(width % 28).as("scaled by a whole multiple").isZero();
  }

  private void assertSuggestion(ReviewRequest request, boolean audit) {
    List<WebElement> suggested = browser.findElements(By.cssSelector("#classes button.suggested"));
    if (audit) {
      assertThat(suggested).isEmpty();
      assertThat(browser.findElement(By.id("suggestion-card")).isDisplayed()).isFalse();
      assertThat(browser.findElement(By.id("accept")).isDisplayed()).isFalse();
      assertThat(browser.findElement(By.tagName("body")).getText()).doesNotContainIgnoringCase("audit");
    } else {
      String label = request.getPrediction().getLabel();
      assertThat(text("suggestion")).isEqualTo(label);
      assertThat(suggested).singleElement().satisfies(button -> {
        assertThat(button.getAttribute("data-label")).isEqualTo(label);
        assertThat(button.getText()).startsWith(key(label));
      });
      assertThat(browser.findElement(By.id("accept")).isDisplayed()).isTrue();
    }
  }

  private long leaseSecondsLeft() {
    String[] mmss = text("lease").split(":");
    return mmss.length != 2 ? 0 : Long.parseLong(mmss[0]) * 60 + Long.parseLong(mmss[1]);
  }

  private void awaitSectionsSettled() {
    wait.until(d -> List.of("queue", "reviewers", "flags").stream().noneMatch(s -> "loading".equals(sectionState(s))));
  }

  private String sectionState(String section) {
    return browser.findElement(By.id(section)).getAttribute("data-state");
  }

  /** The browser console must not report a single Content-Security-Policy violation. */
  private void assertNoCspViolations() {
    List<String> violations = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
        .map(LogEntry::getMessage)
        .filter(message -> message.contains("Content Security Policy"))
        .toList();
    assertThat(violations).as("CSP violations in the browser console").isEmpty();
    // And the check can see one: an inline style, which the policy forbids, shows up in the same log.
    js("document.body.insertAdjacentHTML('beforeend', '<span style=\"color: red\"></span>')");
    await().atMost(Duration.ofSeconds(5)).until(() -> browser.manage().logs().get(LogType.BROWSER).getAll().stream()
        .anyMatch(entry -> entry.getMessage().contains("Content Security Policy")));
  }

  private String text(String id) {
    return String.valueOf(js("return document.getElementById(arguments[0]).textContent", id)).strip();
  }

  private Object js(String script, Object... args) {
    return ((JavascriptExecutor) browser).executeScript(script, args);
  }

  private void screenshot(String name) throws IOException {
    Files.createDirectories(SCREENSHOTS);
    Files.write(SCREENSHOTS.resolve(name), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
  }
}
