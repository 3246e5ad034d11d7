package io.labelstream.platform.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labelstream.platform.metrics.Metrics;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A stopping service answers the requests it has already taken, then takes no more. */
class HttpServiceStopTest {

  private final HttpClient client = HttpClient.newHttpClient();

  /** Asynchronous, like ingest: the answer waits for Kafka's acknowledgement, not on a request thread. */
  @Test
  void shouldAnswerARequestInFlightWhenStoppedAndThenRefuseNewOnes() throws Exception {
    CountDownLatch inHandler = new CountDownLatch(1);
    CompletableFuture<String> acknowledged = new CompletableFuture<>();
    HttpService http = HttpService.start("test", new HttpSettings("127.0.0.1", 0, Duration.ofSeconds(30)), 1024,
        Metrics.registry("test"), List.of(), app -> app.get("/slow", ctx -> {
          inHandler.countDown();
          ctx.future(() -> acknowledged.thenAccept(ctx::result));
        }), config -> { });
    URI base = URI.create("http://127.0.0.1:" + http.port());

    CompletableFuture<HttpResponse<String>> inFlight = client.sendAsync(
        HttpRequest.newBuilder(base.resolve("/slow")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(inHandler.await(30, TimeUnit.SECONDS)).isTrue();
    Thread stopper = new Thread(http::close);
    stopper.start();
    // Stopping has begun while the request is still being handled; only then let it finish.
    Thread.sleep(500);
    assertThat(stopper.isAlive()).as("stop waits for the request in flight").isTrue();
    acknowledged.complete("done");
    stopper.join(30_000);

    HttpResponse<String> answer = inFlight.get(30, TimeUnit.SECONDS);
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).isEqualTo("done");
    assertThat(stopper.isAlive()).isFalse();
    assertThatThrownBy(() -> client.send(HttpRequest.newBuilder(base.resolve("/healthz")).build(),
        HttpResponse.BodyHandlers.ofString())).isInstanceOf(ConnectException.class);
  }
}
