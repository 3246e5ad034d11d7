package io.labelstream.review.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.labelstream.kafka.embedded.EmbeddedKafkaExtension;
import io.labelstream.platform.config.Env;
import io.labelstream.review.ReviewFixtures;
import io.labelstream.review.ReviewFixtures.Client;
import io.labelstream.review.ReviewService;
import io.labelstream.review.config.ReviewConfig;
import io.labelstream.testsupport.RawHttp;
import io.labelstream.testsupport.RawHttp.Answer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every security rule of the review service, on a running service: who may call what, headers, limits, logs. */
class SecurityIT {

  private static final String ADA_TOKEN = "ada-secret-token-7f3e";
  private static final String ROOT_TOKEN = "root-secret-token-91c2";
  private static final String WRONG_TOKEN = "guessed-token-0000";

  @RegisterExtension
  static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();
  private static PrintStream originalErr;
  private static ReviewService review;
  private static Client ada;
  private static Client root;
  private static Client anonymous;

  @BeforeAll
  static void start() {
    // The service logs (slf4j-simple) to System.err: keep a copy of everything it writes from start-up on.
    originalErr = System.err;
    System.setErr(new PrintStream(new Tee(originalErr, LOG), true, StandardCharsets.UTF_8));
    review = ReviewService.start(ReviewConfig.from(new Env(Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers(),
        "HTTP_HOST", "127.0.0.1",
        "REVIEW_PORT", "0",
        "REVIEW_TOKENS", "ada:" + ADA_TOKEN + ":reviewer,root:" + ROOT_TOKEN + ":admin"))));
    await().atMost(Duration.ofSeconds(60)).until(review::ready);
    ada = new Client(review.port(), ADA_TOKEN);
    root = new Client(review.port(), ROOT_TOKEN);
    anonymous = new Client(review.port(), null);
  }

  @AfterAll
  static void stop() {
    review.close();
    System.setErr(originalErr);
  }

  @Test
  void shouldAnswer401ToEveryApiCallWithoutAValidToken() throws Exception {
    List<String> gets = List.of("/v1/me", "/v1/stats", "/v1/tasks/peek", "/v1/labels/f-1", "/v1/frames/f-1/image",
        "/v1/admin/queue", "/v1/admin/reviewers", "/v1/datasets", "/v1/no-such-endpoint");
    List<String> posts = List.of("/v1/tasks/claim", "/v1/tasks/t-1/submit", "/v1/tasks/t-1/heartbeat",
        "/v1/tasks/t-1/release", "/v1/tasks/t-1/skip", "/v1/datasets");
    Client forger = new Client(review.port(), WRONG_TOKEN);
    for (Client caller : List.of(anonymous, forger)) {
      for (String path : gets) {
        assertError(caller.get(path), 401, "unauthorized", "GET " + path);
      }
      for (String path : posts) {
        assertError(caller.post(path, "{}"), 401, "unauthorized", "POST " + path);
      }
    }
  }

  @Test
  void shouldKeepAdminEndpointsFromReviewers() throws Exception {
    for (String path : List.of("/v1/labels/f-1", "/v1/frames/f-1/history")) {
      assertError(ada.get(path), 403, "forbidden", "reviewer GET " + path);
    }
    for (String path : List.of("/v1/admin/queue", "/v1/admin/reviewers", "/v1/admin/flags", "/v1/admin/gold",
        "/v1/datasets", "/v1/stats/classes", "/v1/stats/agreement", "/v1/stats/accuracy")) {
      assertError(ada.get(path), 403, "forbidden", "reviewer GET " + path);
      assertThat(root.get(path).statusCode()).as("admin GET " + path).isEqualTo(200);
    }
    assertError(ada.post("/v1/datasets", null), 403, "forbidden", "reviewer POST /v1/datasets");
    assertError(ada.post("/v1/admin/gold", null), 403, "forbidden", "reviewer POST /v1/admin/gold");
  }

  @Test
  void shouldTellAReviewerWhatTheAdminEndpointNeeds() throws Exception {
    // Route roles are the only admin check; each area keeps the message it always gave.
    assertThat(message(ada.get("/v1/stats/classes"))).isEqualTo("the statistics need an admin token");
    assertThat(message(ada.get("/v1/datasets"))).isEqualTo("this needs an admin token");
    assertThat(message(ada.post("/v1/datasets", null))).isEqualTo("this needs an admin token");
    assertThat(message(ada.get("/v1/admin/queue"))).isEqualTo("this needs an admin token");
  }

  @Test
  void shouldAnswerAnUnknownPathUnderAnAdminAreaAs404ToAnyoneSignedIn() throws Exception {
    // Admin-only applies to endpoints that exist: a signed-in reviewer asking for one that does not gets the 404 of
    // any unknown path (as under /v1/admin/ always), not a 403 that suggests it exists. Without a token it is 401.
    for (String path : List.of("/v1/stats/no-such-chart", "/v1/admin/no-such-view", "/v1/datasets/ds-1/no-such-thing")) {
      assertThat(ada.get(path).statusCode()).as("reviewer GET " + path).isEqualTo(404);
      assertThat(root.get(path).statusCode()).as("admin GET " + path).isEqualTo(404);
      assertError(anonymous.get(path), 401, "unauthorized", "anonymous GET " + path);
    }
  }

  private static String message(HttpResponse<String> response) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
    return ReviewFixtures.JSON.readTree(response.body()).get("message").asText();
  }

  @Test
  void shouldSendSecurityHeadersOnPagesAndApi() throws Exception {
    for (HttpResponse<String> response : List.of(anonymous.get("/"), ada.get("/v1/me"), anonymous.get("/v1/me"))) {
      assertThat(response.headers().firstValue("Content-Security-Policy")).hasValue(PageSecurityPolicy.CONTENT_SECURITY_POLICY);
      assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
      assertThat(response.headers().firstValue("X-Frame-Options")).hasValue("DENY");
    }
    assertThat(PageSecurityPolicy.CONTENT_SECURITY_POLICY).startsWith("default-src 'self'").doesNotContain("unsafe-inline")
        .doesNotContain("*").doesNotContain("http");
  }

  @Test
  void shouldRefuseARequestBodyOverTheLimit() throws Exception {
    String big = "{\"label\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}";

    HttpResponse<String> response = ada.post("/v1/tasks/t-1/submit", big);

    assertError(response, 413, "payload_too_large", "declared body over the limit");
    assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(response.headers().firstValue("X-Frame-Options")).hasValue("DENY");
    assertThat(response.headers().firstValue("Content-Security-Policy")).isPresent();
  }

  @Test
  void shouldRefuseAChunkedBodyOverTheLimitInsteadOfReadingItAll() throws Exception {
    // Chunked, the body declares no length: without a limit on what is read, a reviewer could fill the heap.
    byte[] body = ("{\"label\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}").getBytes(StandardCharsets.US_ASCII);

    Answer answer = RawHttp.sendChunked(review.port(), "POST", "/v1/tasks/t-1/submit", body,
        "Authorization: Bearer " + ADA_TOKEN, "Content-Type: application/json");

    assertJsonErrorWithSecurityHeaders(answer, 413, "payload_too_large");
  }

  @Test
  void shouldAnswerRequestsJettyRefusesItselfWithJsonAndTheSecurityHeaders() throws Exception {
    String[] padding = new String[64];
    for (int i = 0; i < padding.length; i++) {
      padding[i] = "X-Padding-" + i + ": " + "b".repeat(1000);
    }
    Map<String, Answer> attacks = new LinkedHashMap<>();
    attacks.put("400 garbled request line", RawHttp.send(review.port(),
        "GET /v1/me HTTP/1.1 smuggled\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)));
    attacks.put("400 control character", RawHttp.send(review.port(), "GET", "/v1/me",
        "Authorization: Bearer " + ADA_TOKEN + "\u0001"));
    attacks.put("414 20 KB URI", RawHttp.send(review.port(), "GET", "/v1/me?q=" + "a".repeat(20 * 1024)));
    attacks.put("431 64 KB of headers", RawHttp.send(review.port(), "GET", "/v1/me", padding));

    attacks.forEach((attack, answer) -> assertJsonErrorWithSecurityHeaders(answer,
        Integer.parseInt(attack.substring(0, 3)), null));
  }

  @Test
  void shouldAnswerAnUnknownPageWithAJson404EvenToABrowser() throws Exception {
    Answer answer = RawHttp.send(review.port(), "GET", "/no-such-page.html", "Accept: text/html");

    assertJsonErrorWithSecurityHeaders(answer, 404, "not_found");
  }

  @Test
  void shouldServeNothingOutsideItsOwnPagesForPathsThatClimbOut() throws Exception {
    for (String path : List.of("/../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2f..%2fetc%2fpasswd",
        "/public/../../../../etc/passwd")) {
      String answer = rawGet(path);
      assertThat(answer).as(path).doesNotContain("root:x:0:0").doesNotStartWith("HTTP/1.1 200");
    }
  }

  @Test
  void shouldNeverWriteATokenToTheLog() throws Exception {
    ada.get("/v1/me");
    root.get("/v1/admin/queue");
    new Client(review.port(), WRONG_TOKEN).get("/v1/me");
    anonymous.post("/v1/tasks/claim", null);

    String log = LOG.toString(StandardCharsets.UTF_8);
    assertThat(log).as("the captured log").contains("starting review with").contains("ada");
    assertThat(log).doesNotContain(ADA_TOKEN).doesNotContain(ROOT_TOKEN).doesNotContain(WRONG_TOKEN);
  }

  /** Sends the path exactly as written (HTTP clients normalise dot segments away). */
  private static String rawGet(String path) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", review.port())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static void assertError(HttpResponse<String> response, int status, String code, String what) throws Exception {
    assertThat(response.statusCode()).as(what + ": " + response.body()).isEqualTo(status);
    assertThat(ReviewFixtures.JSON.readTree(response.body()).get("error").asText()).as(what).isEqualTo(code);
  }

  /** {@code code} null: any code, as long as the body is an error. */
  private static void assertJsonErrorWithSecurityHeaders(Answer answer, int status, String code) {
    assertThat(answer.status()).as(answer.statusLine() + " " + answer.body()).isEqualTo(status);
    assertThat(answer.header("Content-Type")).as(answer.body()).startsWith("application/json");
    try {
      JsonNode body = ReviewFixtures.JSON.readTree(answer.body());
      assertThat(body.get("error").asText()).isEqualTo(code == null ? body.get("error").asText() : code).isNotBlank();
      assertThat(body.get("message").asText()).isNotBlank();
    } catch (IOException notJson) {
      throw new AssertionError("not JSON: " + answer.body(), notJson);
    }
    assertThat(answer.header("X-Content-Type-Options")).as(answer.statusLine()).isEqualTo("nosniff");
    assertThat(answer.header("X-Frame-Options")).as(answer.statusLine()).isEqualTo("DENY");
    assertThat(answer.header("Referrer-Policy")).as(answer.statusLine()).isEqualTo("no-referrer");
    assertThat(answer.header("Content-Security-Policy")).as(answer.statusLine()).contains("frame-ancestors 'none'");
  }

  /** Writes to two streams. */
  private static final class Tee extends OutputStream {
    private final OutputStream first;
    private final OutputStream second;

    Tee(OutputStream first, OutputStream second) {
      this.first = first;
      this.second = second;
    }

    @Override
    public void write(int b) throws java.io.IOException {
      first.write(b);
      second.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws java.io.IOException {
      first.write(b, off, len);
      synchronized (second) {
        second.write(b, off, len);
      }
    }
  }
}
