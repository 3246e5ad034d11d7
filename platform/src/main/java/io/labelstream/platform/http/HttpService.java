package io.labelstream.platform.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.json.JavalinJackson;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side every service shares: JSON with ISO-8601 instants, {@code /healthz} ({@link LivenessCheck}),
 * {@code /readyz} ({@link ReadinessCheck}),
 * {@code /metrics}, request timing by route, and error answers as {@link ApiError} bodies.
 */
public final class HttpService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(HttpService.class);

  private final Javalin app;
  private final String name;

  private HttpService(String name, Javalin app) {
    this.name = name;
    this.app = app;
  }

  /**
   * Starts a server on {@code settings.host():settings.port()} (port 0 picks a free one).
   *
   * @param routes registers the service's own endpoints
   * @param maxRequestBytes largest request body Jetty will read
   */
  public static HttpService start(String name, HttpSettings settings, long maxRequestBytes,
      PrometheusMeterRegistry registry, List<ReadinessCheck> readiness, Consumer<Javalin> routes,
      Consumer<JavalinConfig> extraConfig) {
    return start(name, settings, maxRequestBytes, registry, readiness, List.of(), routes, extraConfig);
  }

  /**
   * As above, with the parts whose death {@code /healthz} reports (503, naming them): a service whose only work
   * happens on its own threads is of no use once they stopped, however well its HTTP side still answers.
   */
  public static HttpService start(String name, HttpSettings settings, long maxRequestBytes,
      PrometheusMeterRegistry registry, List<ReadinessCheck> readiness, List<LivenessCheck> liveness,
      Consumer<Javalin> routes, Consumer<JavalinConfig> extraConfig) {
    // Built once: per request only the tags are looked up.
    Meter.MeterProvider<Timer> requests = Timer.builder("http.server.requests")
        .description("HTTP requests by route, method and status")
        .withRegistry(registry);
    Javalin app = Javalin.create(config -> {
      // Stopping closes the port at once but answers the requests in flight first (ingest answers only after
      // Kafka's ack; HttpServiceStopTest shows it); the shutdown grace bounds that wait.
      config.jetty.modifyServer(server -> server.setStopTimeout(settings.shutdownGrace().toMillis()));
      config.showJavalinBanner = false;
      config.http.maxRequestSize = maxRequestBytes;
      config.jsonMapper(new JavalinJackson(objectMapper(), false));
      config.requestLogger.http((ctx, ms) -> requests
          .withTags("method", ctx.method().name(), "route", route(ctx), "status", Integer.toString(ctx.statusCode()))
          .record((long) (ms * 1_000_000), TimeUnit.NANOSECONDS));
      extraConfig.accept(config);
    });

    // A declared body over the limit is refused before any handler reads it (and could mistake it for bad input).
    app.before(ctx -> {
      if (ctx.contentLength() > maxRequestBytes) {
        throw new ApiException(413, "payload_too_large", "the request body is larger than this service accepts ("
            + maxRequestBytes + " bytes)");
      }
    });
    app.get("/healthz", ctx -> health(ctx, name, liveness));
    app.get("/readyz", ctx -> {
      Map<String, Boolean> checks = new LinkedHashMap<>();
      readiness.forEach(check -> checks.put(check.name(), check.ready()));
      boolean ready = checks.values().stream().allMatch(Boolean::booleanValue);
      List<String> notReady = checks.entrySet().stream().filter(e -> !e.getValue()).map(Map.Entry::getKey).toList();
      ctx.status(ready ? 200 : 503).json(Map.of("ready", ready, "service", name, "checks", checks, "notReady", notReady));
    });
    app.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape()));

    app.exception(ApiException.class, (e, ctx) -> answer(ctx, e));
    // One answer for every Kafka failure a handler lets through: the broker went away, a write timed out, the
    // producer was fenced. Nothing the request asked for has been done, so the client may simply try again.
    app.exception(KafkaException.class, (e, ctx) -> {
      LOG.warn("{}: Kafka failed {} {}: {}", name, ctx.method(), ctx.path(), e.toString());
      answer(ctx, ApiException.kafkaUnavailable(
          "Kafka could not complete " + ctx.method() + " " + ctx.path() + ": " + e.getMessage()));
    });
    app.exception(Exception.class, (e, ctx) -> {
      LOG.error("{}: unhandled error on {} {}", name, ctx.method(), ctx.path(), e);
      ctx.status(500).json(new ApiError("internal_error", "the service failed to handle this request; see its log"));
    });
    app.error(404, ctx -> {
      if (ctx.result() == null || ctx.result().isEmpty() || "Not Found".equals(ctx.result())) {
        ctx.json(new ApiError("not_found", "no such resource: " + ctx.method() + " " + ctx.path()));
      }
    });
    app.error(413, ctx -> {
      if (ctx.result() == null || !ctx.result().startsWith("{")) {
        ctx.json(new ApiError("payload_too_large", "the request body is larger than this service accepts"));
      }
    });

    routes.accept(app);
    app.start(settings.host(), settings.port());
    LOG.info("{} listening on http://{}:{}", name, settings.host(), app.port());
    return new HttpService(name, app);
  }

  private static void health(io.javalin.http.Context ctx, String name, List<LivenessCheck> liveness) {
    if (liveness.isEmpty()) {
      ctx.json(Map.of("status", "up", "service", name));
      return;
    }
    Map<String, Boolean> checks = new LinkedHashMap<>();
    liveness.forEach(check -> checks.put(check.name(), check.alive()));
    List<String> dead = checks.entrySet().stream().filter(e -> !e.getValue()).map(Map.Entry::getKey).toList();
    ctx.status(dead.isEmpty() ? 200 : 503)
        .json(Map.of("status", dead.isEmpty() ? "up" : "down", "service", name, "checks", checks, "dead", dead));
  }

  /** The route pattern for metrics; requests answered before reaching an endpoint (401, 404) share one tag. */
  private static void answer(io.javalin.http.Context ctx, ApiException e) {
    if (e.retryAfterSeconds() != null) {
      ctx.header("Retry-After", Integer.toString(e.retryAfterSeconds()));
    }
    ctx.status(e.status()).json(e.body());
  }

  private static String route(io.javalin.http.Context ctx) {
    try {
      String path = ctx.endpointHandlerPath();
      return path.isEmpty() ? "unmatched" : path;
    } catch (IllegalStateException answeredBeforeEndpoint) {
      return "unmatched";
    }
  }

  public static ObjectMapper objectMapper() {
    return new ObjectMapper()
        .registerModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
  }

  public int port() {
    return app.port();
  }

  /** Stops taking requests and waits (up to the shutdown grace) for those in flight to be answered. */
  @Override
  public void close() {
    LOG.info("{}: stopping HTTP server", name);
    app.stop();
  }
}
