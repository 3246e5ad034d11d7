package io.labelstream.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.labelstream.platform.metrics.Metrics;
import io.labelstream.testsupport.RawHttp;
import io.labelstream.testsupport.RawHttp.Answer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Requests an attacker sends rather than a client library: whatever part of the stack refuses them (Jetty's parser,
 * Javalin's router, the JSON mapper), the answer is the documented {@code {"error", "message"}} JSON and carries the
 * security headers. Sent over raw sockets, because HTTP clients refuse to send most of them.
 */
class HostileRequestTest {

  private static final int MAX_BODY_BYTES = 1024;

  private HttpService http;

  @BeforeEach
  void start() {
    http = HttpService.start("test", new HttpSettings("127.0.0.1", 0, Duration.ofSeconds(5)), MAX_BODY_BYTES,
        Metrics.registry("test"), List.of(), app -> {
          app.post("/echo", ctx -> ctx.json(ctx.bodyAsClass(JsonNode.class)));
          app.get("/broken", ctx -> {
            throw new IllegalStateException("a bug");
          });
        }, config -> { });
  }

  @AfterEach
  void stop() {
    http.close();
  }

  @Test
  void shouldAnswerAGarbledRequestLineWithAJsonErrorAndTheSecurityHeaders() throws Exception {
    Answer answer = RawHttp.send(http.port(), "GET /healthz HTTP/1.1 smuggled\r\nHost: 127.0.0.1\r\n\r\n"
        .getBytes(StandardCharsets.ISO_8859_1));

    assertJsonError(answer, 400, "bad_request");
  }

  @Test
  void shouldAnswerARequestLineThatIsNotHttpWithAJsonError() throws Exception {
    Answer answer = RawHttp.send(http.port(), "\u0016\u0003\u0001 hello\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));

    assertJsonError(answer, 400, "bad_request");
  }

  @Test
  void shouldAnswerControlCharactersInAHeaderWithAJsonError() throws Exception {
    Answer answer = RawHttp.send(http.port(), "GET", "/healthz", "X-Device-Id: car\u0001\u0007one");

    assertJsonError(answer, 400, "bad_request");
  }

  @Test
  void shouldAnswerA20KilobyteUriWithAJson414() throws Exception {
    Answer answer = RawHttp.send(http.port(), "GET", "/healthz?q=" + "a".repeat(20 * 1024));

    assertJsonError(answer, 414, "uri_too_long");
  }

  @Test
  void shouldAnswer64KilobytesOfHeadersWithAJson431() throws Exception {
    String[] headers = new String[64];
    for (int i = 0; i < headers.length; i++) {
      headers[i] = "X-Padding-" + i + ": " + "b".repeat(1000);
    }

    Answer answer = RawHttp.send(http.port(), "GET", "/healthz", headers);

    assertJsonError(answer, 431, "headers_too_large");
  }

  @Test
  void shouldAnswerAnUnknownPathWithAJson404EvenToABrowser() throws Exception {
    for (String accept : List.of("*/*", "text/html,application/xhtml+xml", "application/json")) {
      Answer answer = RawHttp.send(http.port(), "GET", "/no/such/path", "Accept: " + accept);

      assertJsonError(answer, 404, "not_found");
      assertThat(answer.body()).as(accept).contains("GET /no/such/path");
    }
  }

  @Test
  void shouldAnswerAWebSocketUpgradeToNowhereWithAJson404() throws Exception {
    // Refused by Jetty's sendError inside the servlet, so answered through the error handler, not Javalin.
    Answer answer = RawHttp.send(http.port(), "GET", "/healthz", "Upgrade: websocket", "Connection: Upgrade",
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13");

    assertJsonError(answer, 404, "not_found");
  }

  @Test
  void shouldAnswerAMethodNoEndpointTakesWithAJsonError() throws Exception {
    Answer answer = RawHttp.send(http.port(), "DELETE", "/healthz");

    assertJsonError(answer, 404, "not_found");
  }

  @Test
  void shouldAnswerAChunkedBodyOverTheLimitWithAJson413InsteadOfReadingItAll() throws Exception {
    byte[] body = ("{\"label\":\"" + "x".repeat(MAX_BODY_BYTES * 4) + "\"}").getBytes(StandardCharsets.US_ASCII);

    Answer answer = RawHttp.sendChunked(http.port(), "POST", "/echo", body, "Content-Type: application/json");

    assertJsonError(answer, 413, "payload_too_large");
  }

  @Test
  void shouldCountEachBodyOnItsOwnOnAConnectionKeptAlive() throws Exception {
    // The limit is per request: bodies that add up to more than it over one connection are all taken.
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    String json = "{\"label\":\"" + "x".repeat(MAX_BODY_BYTES / 2) + "\"}";
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> answer = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port()
          + "/echo")).POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());

      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    }
  }

  @Test
  void shouldAnswerADeclaredBodyOverTheLimitWithAJson413() throws Exception {
    Answer answer = RawHttp.sendBody(http.port(), "POST", "/echo", new byte[MAX_BODY_BYTES + 1],
        "Content-Type: application/json");

    assertJsonError(answer, 413, "payload_too_large");
  }

  @Test
  void shouldRefuseAJsonBodyThatNamesAKeyTwice() throws Exception {
    // A proxy or validator may take the first "label", the service the last: one body, two meanings.
    Answer answer = post("{\"label\":\"Coat\",\"label\":\"Sandal\"}");

    assertJsonError(answer, 400, "invalid_json");
    assertThat(answer.body()).contains("label");
  }

  @Test
  void shouldRefuseAJsonBodyWithTrailingGarbage() throws Exception {
    for (String body : List.of("{\"label\":\"Coat\"} trailing", "{\"label\":\"Coat\"}{\"label\":\"Sandal\"}",
        "{\"label\":\"Coat\"}]")) {
      assertJsonError(post(body), 400, "invalid_json");
    }
  }

  @Test
  void shouldStillEchoAStrictJsonBody() throws Exception {
    Answer answer = post("{\"label\":\"Coat\",\"nested\":{\"label\":\"Sandal\"}}");

    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    assertThat(HttpService.objectMapper().readTree(answer.body()).get("label").asText()).isEqualTo("Coat");
    assertSecurityHeaders(answer);
  }

  @Test
  void shouldAnswerAHandlerBugWithAJson500AndTheSecurityHeaders() throws Exception {
    assertJsonError(RawHttp.send(http.port(), "GET", "/broken"), 500, "internal_error");
  }

  @Test
  void shouldSendTheSecurityHeadersOnEveryOrdinaryAnswer() throws Exception {
    for (String path : List.of("/healthz", "/readyz", "/metrics")) {
      Answer answer = RawHttp.send(http.port(), "GET", path);

      assertThat(answer.status()).as(path).isEqualTo(200);
      assertSecurityHeaders(answer);
    }
  }

  private Answer post(String json) throws Exception {
    return RawHttp.sendBody(http.port(), "POST", "/echo", json.getBytes(StandardCharsets.UTF_8),
        "Content-Type: application/json");
  }

  private static void assertJsonError(Answer answer, int status, String code) throws Exception {
    assertThat(answer.status()).as(answer.statusLine() + " " + answer.body()).isEqualTo(status);
    assertThat(answer.header("Content-Type")).as(answer.body()).startsWith("application/json");
    JsonNode body = HttpService.objectMapper().readTree(answer.body());
    assertThat(body.get("error").asText()).isEqualTo(code);
    assertThat(body.get("message").asText()).isNotBlank();
    assertSecurityHeaders(answer);
  }

  private static void assertSecurityHeaders(Answer answer) {
    assertThat(answer.header("X-Content-Type-Options")).as(answer.statusLine()).isEqualTo("nosniff");
    assertThat(answer.header("X-Frame-Options")).as(answer.statusLine()).isEqualTo("DENY");
    assertThat(answer.header("Referrer-Policy")).as(answer.statusLine()).isEqualTo("no-referrer");
    assertThat(answer.header("Content-Security-Policy")).as(answer.statusLine()).contains("frame-ancestors 'none'");
  }
}
