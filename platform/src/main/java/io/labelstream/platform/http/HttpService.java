package io.labelstream.platform.http;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.common.KafkaException;
import org.eclipse.jetty.server.HttpConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side every service shares: JSON with ISO-8601 instants, {@code /healthz} ({@link LivenessCheck}),
 * {@code /readyz} ({@link ReadinessCheck}),
 * {@code /metrics} (only with the bearer token when {@link MetricsToken} asks for one), request timing by route, and the answers to hostile or broken requests: every error, whoever
 * makes it (a handler, Javalin's router, Jetty's parser), is an {@link ApiError} body, every answer carries the
 * {@link SecurityHeaders}, request bodies are limited however they are sent, and JSON bodies are read strictly.
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
      // Jetty answers some requests itself (its parser refused them, or they failed outside Javalin): JSON too.
      JsonErrorHandler errors = new JsonErrorHandler();
      config.jetty.modifyServer(server -> server.setErrorHandler(errors));
      config.jetty.modifyServletContextHandler(context -> context.setErrorHandler(errors));
      config.jetty.modifyHttpConfiguration(http -> http.addCustomizer(everyRequest(maxRequestBytes)));
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
      Map<String, Object> body = new LinkedHashMap<>(Map.of("ready", ready, "service", name, "checks", checks,
          "notReady", notReady));
      Map<String, Object> details = new LinkedHashMap<>();
      readiness.forEach(check -> {
        if (!check.detail().isEmpty()) {
          details.put(check.name(), check.detail());
        }
      });
      if (!details.isEmpty()) {
        body.put("details", details);
      }
      ctx.status(ready ? 200 : 503).json(body);
    });
    app.get("/metrics", ctx -> {
      if (!settings.metricsToken().admits(ctx.header("Authorization"))) {
        ctx.header("WWW-Authenticate", "Bearer");
        throw new ApiException(401, "unauthorized", "/metrics needs Authorization: Bearer <METRICS_TOKEN>");
      }
      ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape());
    });

    app.exception(ApiException.class, (e, ctx) -> e.answer(ctx));
    // Javalin's own refusals (no endpoint for the path, a declared body over maxRequestSize) as ApiError bodies,
    // whatever the client accepts; a redirect stays a redirect.
    app.exception(HttpResponseException.class, (e, ctx) -> {
      ctx.status(e.getStatus());
      if (e.getStatus() >= 400) {
        ctx.json(new ApiError(ApiError.codeFor(e.getStatus()), e.getMessage()));
      }
    });
    // Strict JSON: a duplicate key or data after the value means two readers could take the body two ways.
    app.exception(StreamReadException.class, (e, ctx) -> invalidJson(ctx, e.getOriginalMessage()));
    app.exception(MismatchedInputException.class, (e, ctx) -> invalidJson(ctx, e.getOriginalMessage()));
    // A body read that RequestBodyLimit refused reaches the handler as Jetty's IOException around the answer to give.
    app.exception(IOException.class, (e, ctx) -> ApiException.refusalIn(e)
        .ifPresentOrElse(refused -> refused.answer(ctx), () -> internalError(name, ctx, e)));
    // One answer for every Kafka failure a handler lets through: the broker went away, a write timed out, the
    // producer was fenced. Nothing the request asked for has been done, so the client may simply try again.
    app.exception(KafkaException.class, (e, ctx) -> {
      LOG.warn("{}: Kafka failed {} {}: {}", name, ctx.method(), ctx.path(), e.toString());
      ApiException.kafkaUnavailable(
          "Kafka could not complete " + ctx.method() + " " + ctx.path() + ": " + e.getMessage()).answer(ctx);
    });
    app.exception(Exception.class, (e, ctx) -> internalError(name, ctx, e));
    app.error(404, ctx -> {
      if (ctx.result() == null || ctx.result().isEmpty() || "Not Found".equals(ctx.result())) {
        ctx.json(new ApiError("not_found", "no such resource: " + ctx.method() + " " + ctx.path()));
      }
    });

    routes.accept(app);
    app.start(settings.host(), settings.port());
    LOG.info("{} listening on http://{}:{}", name, settings.host(), app.port());
    return new HttpService(name, app);
  }

  private static void health(Context ctx, String name, List<LivenessCheck> liveness) {
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

  /**
   * What Jetty does with every request before Javalin sees it: the security headers go on the answer first (a
   * handler may replace them, as review does with its pages' policy), and the body is counted as it is read.
   */
  private static HttpConfiguration.Customizer everyRequest(long maxRequestBytes) {
    return (connector, configuration, request) -> {
      SecurityHeaders.setOn(request.getResponse().getHttpFields());
      request.getHttpInput().addInterceptor(new RequestBodyLimit(maxRequestBytes));
    };
  }

  private static void invalidJson(Context ctx, String why) {
    ctx.status(400).json(new ApiError("invalid_json", "the body is not one strict JSON value: " + why));
  }

  private static void internalError(String name, Context ctx, Exception e) {
    LOG.error("{}: unhandled error on {} {}", name, ctx.method(), ctx.path(), e);
    ctx.status(500).json(new ApiError("internal_error", "the service failed to handle this request; see its log"));
  }

  /** The route pattern for metrics; requests answered before reaching an endpoint (401, 404) share one tag. */
  private static String route(Context ctx) {
    try {
      String path = ctx.endpointHandlerPath();
      return path.isEmpty() ? "unmatched" : path;
    } catch (IllegalStateException answeredBeforeEndpoint) {
      return "unmatched";
    }
  }

  /**
   * The JSON mapper of every service, for requests and answers. It reads strictly: a key named twice in one object
   * and anything after the JSON value are errors, so a body cannot mean one thing to a proxy or validator that keeps
   * the first key (or the first value) and another to the service.
   */
  public static ObjectMapper objectMapper() {
    return JsonMapper.builder()
        .addModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .build();
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
