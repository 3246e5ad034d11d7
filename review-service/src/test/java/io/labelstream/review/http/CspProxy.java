package io.labelstream.review.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Test helper: a loopback proxy in front of the review service that adds the pages' Content-Security-Policy to
 * every answer the service sent without one. The browser tests load the pages through it, so they run under the
 * policy even before the service sends it itself; once it does, its own header passes through unchanged.
 */
final class CspProxy implements AutoCloseable {

  /** The policy the review service is to send with its pages. */
  static final String POLICY = "default-src 'self'; img-src 'self' blob: data:; object-src 'none'; "
      + "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

  /**
   * Headers about one connection, which a proxy must not pass on (the JDK client refuses to set some), and Date,
   * which the proxy's own server sets.
   */
  private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "content-length", "transfer-encoding",
      "te", "trailer", "upgrade", "expect", "host", "proxy-connection", "date");

  private final HttpServer server;
  private final ExecutorService executor;
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final URI target;

  private CspProxy(int targetPort) throws IOException {
    this.target = URI.create("http://127.0.0.1:" + targetPort);
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    // The page makes calls in parallel (an image prefetch while a claim runs): one thread each.
    this.executor = Executors.newFixedThreadPool(8);
    server.setExecutor(executor);
    server.createContext("/", this::forward);
    server.start();
  }

  static CspProxy inFrontOf(int targetPort) throws IOException {
    return new CspProxy(targetPort);
  }

  int port() {
    return server.getAddress().getPort();
  }

  private void forward(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      HttpRequest.Builder request = HttpRequest.newBuilder(target.resolve(exchange.getRequestURI().toString()))
          .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofByteArray(body));
      exchange.getRequestHeaders().forEach((name, values) -> {
        if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
          values.forEach(value -> request.header(name, value));
        }
      });
      HttpResponse<byte[]> response;
      try {
        response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        exchange.sendResponseHeaders(502, -1);
        return;
      }
      response.headers().map().forEach((name, values) -> {
        if (!name.startsWith(":") && !HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
          exchange.getResponseHeaders().put(name, values);
        }
      });
      if (response.headers().firstValue("Content-Security-Policy").isEmpty()) {
        exchange.getResponseHeaders().set("Content-Security-Policy", POLICY);
      }
      byte[] answer = response.body();
      boolean noBody = answer.length == 0 || response.statusCode() == 204 || response.statusCode() == 304
          || "HEAD".equals(exchange.getRequestMethod());
      exchange.sendResponseHeaders(response.statusCode(), noBody ? -1 : answer.length);
      if (!noBody) {
        exchange.getResponseBody().write(answer);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
