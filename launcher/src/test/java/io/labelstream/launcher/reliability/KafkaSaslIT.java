package io.labelstream.launcher.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.labelstream.inference.InferenceService;
import io.labelstream.inference.config.InferenceConfig;
import io.labelstream.ingest.IngestService;
import io.labelstream.ingest.config.IngestConfig;
import io.labelstream.kafka.embedded.EmbeddedKafkaBroker;
import io.labelstream.kafka.embedded.TopicRecords;
import io.labelstream.launcher.SampleFrames;
import io.labelstream.platform.config.ConfigException;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.kafka.KafkaSettings;
import io.labelstream.review.ReviewService;
import io.labelstream.review.config.ReviewConfig;
import io.labelstream.schemas.Topics;
import io.labelstream.testsupport.TestSenders;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The services against a broker whose only client listener wants a SASL/PLAIN login: with the right credentials
 * they work end to end; with a wrong password, or without SASL at all, each refuses to start within a bounded time
 * and says which setting to check; and the password never reaches the log.
 *
 * <p>Why refuse to start rather than start and answer {@code /readyz} 503: credentials are configuration, read once.
 * A service that cannot log in never becomes ready by itself, so it stops with the reason, like any other invalid
 * setting. 503 stays what a service answers when a broker it could reach goes away (BrokerRestartIT).
 *
 * <p>Kafka logs at INFO here, for this class only (failsafe gives each launcher IT a fresh JVM), so the broker's and
 * every client's configuration dump is in the captured log that the last test searches for the password. That log
 * (several thousand lines) goes to {@code target/KafkaSaslIT.log} rather than to the build's output.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaSaslIT {

  static {
    // Before any Kafka class asks slf4j-simple for its logger: the level is fixed when a logger is made.
    System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "info");
    System.setProperty("org.slf4j.simpleLogger.log.kafka", "info");
  }

  private static final String USER = "labelstream";
  private static final String PASSWORD = "correct-horse-battery-7k2q";
  private static final String WRONG_PASSWORD = "wrong-staple-9x4m";
  private static final ObjectMapper JSON = new ObjectMapper();
  /** TopicProvisioner's 30 s, plus room for a busy machine. */
  private static final Duration REFUSAL_WITHIN = Duration.ofSeconds(40);

  private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();
  private static PrintStream originalErr;
  private static PrintStream originalOut;
  private static Path dataDir;
  private static EmbeddedKafkaBroker broker;
  private static ExecutorService background;
  private static Map<String, CompletableFuture<Refusal>> plaintextAttempts;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** How a start-up attempt ended: {@code error} is null if the service started. */
  private record Refusal(Throwable error, Duration took) {}

  @BeforeAll
  static void startBrokerAndCaptureTheLog() throws Exception {
    originalErr = System.err;
    originalOut = System.out;
    // slf4j-simple looks up System.err at every line, so this takes the services', the clients' and the broker's log.
    System.setErr(new PrintStream(new Capture(), true, StandardCharsets.UTF_8));
    System.setOut(new PrintStream(new Capture(), true, StandardCharsets.UTF_8));
    dataDir = Files.createTempDirectory("labelstream-sasl-");
    broker = EmbeddedKafkaBroker.startWithSaslPlain(dataDir, Map.of(USER, PASSWORD));
    // A client speaking PLAINTEXT to a SASL listener is cut off without a reason, so these attempts can only end
    // at TopicProvisioner's timeout: they run in the background while the other tests go on.
    background = Executors.newFixedThreadPool(3);
    Map<String, String> plaintext = env(Map.of("KAFKA_SECURITY_PROTOCOL", "PLAINTEXT"));
    plaintextAttempts = new LinkedHashMap<>();
    starters(plaintext).forEach((service, start) ->
        plaintextAttempts.put(service, CompletableFuture.supplyAsync(() -> attempt(start), background)));
  }

  @AfterAll
  static void stopBrokerAndKeepTheLog() throws Exception {
    try {
      if (background != null) {
        background.shutdownNow();
        background.awaitTermination(REFUSAL_WITHIN.toSeconds(), TimeUnit.SECONDS);
      }
      if (broker != null) {
        broker.close();
      }
      if (dataDir != null) {
        try (Stream<Path> paths = Files.walk(dataDir)) {
          paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
      }
    } finally {
      System.setErr(originalErr);
      System.setOut(originalOut);
      Files.writeString(Path.of("target", "KafkaSaslIT.log"), capturedLog());
    }
  }

  @Test
  @Order(1)
  void shouldRouteAFrameAndBeReadyWhenEveryServiceLogsInWithTheRightCredentials() throws Exception {
    Map<String, String> vars = env(sasl(PASSWORD));
    byte[] png = SampleFrames.load(Path.of(System.getProperty("labelstream.root")).resolve("model/samples")).get(0).bytes();
    long started = System.nanoTime();
    try (ReviewService review = ReviewService.start(ReviewConfig.from(new Env(vars)));
        InferenceService inference = InferenceService.start(InferenceConfig.from(new Env(vars)));
        IngestService ingest = IngestService.start(IngestConfig.from(new Env(vars)))) {
      long up = System.nanoTime();
      HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ingest.port() + "/v1/frames"))
          .header("Content-Type", "image/png").header("X-Device-Id", "sasl-camera")
          .header("Authorization", TestSenders.AUTHORIZATION)
          .POST(HttpRequest.BodyPublishers.ofByteArray(png)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
      String frameId = JSON.readTree(accepted.body()).get("frameId").asText();

      // Read back with a consumer that logs in the same way the services do.
      Map<String, Object> client = KafkaSettings.from(new Env(vars)).clientConfig();
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
          .alias("a label or a review request for " + frameId)
          .until(() -> holds(client, Topics.LABELS.name(), frameId) || holds(client, Topics.REVIEW_REQUESTS.name(), frameId));
      long routed = System.nanoTime();
      for (int port : new int[] {ingest.port(), inference.port(), review.port()}) {
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(get(port, "/readyz").statusCode())
            .as(() -> "/readyz on " + port + ": " + body(port, "/readyz")).isEqualTo(200));
      }
      say("three services up over SASL in %d ms, the frame routed %d ms after that", TimeUnit.NANOSECONDS.toMillis(up - started),
          TimeUnit.NANOSECONDS.toMillis(routed - up));
    }
  }

  @Test
  @Order(2)
  void shouldRefuseToStartWithAWrongPasswordSayingTheCredentialsWereRejected() {
    starters(env(sasl(WRONG_PASSWORD))).forEach((service, start) -> {
      Refusal refusal = attempt(start);
      assertThat(refusal.error()).as(service + " started with a wrong password").isNotNull();
      assertThat(refusal.error()).as(service).isInstanceOf(ConfigException.class)
          .hasMessageContaining("Kafka rejected the credentials (SASL authentication failed")
          .hasMessageContaining("KAFKA_SASL_JAAS_CONFIG")
          .message().doesNotContain(WRONG_PASSWORD);
      assertThat(refusal.took()).as(service + " refusal time").isLessThan(Duration.ofSeconds(10));
      say("%s refused a wrong password in %d ms: %s", service, refusal.took().toMillis(), refusal.error().getMessage());
    });
  }

  @Test
  @Order(3)
  void shouldRefuseToStartWithoutSaslNamingTheSecurityProtocolWithinTheStartUpTimeout() throws Exception {
    for (Map.Entry<String, CompletableFuture<Refusal>> attempt : plaintextAttempts.entrySet()) {
      String service = attempt.getKey();
      Refusal refusal = attempt.getValue().get(REFUSAL_WITHIN.toSeconds(), TimeUnit.SECONDS);
      assertThat(refusal.error()).as(service + " started without SASL").isNotNull();
      assertThat(refusal.error()).as(service).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("no answer within 30 s")
          .hasMessageContaining("KAFKA_SECURITY_PROTOCOL (now PLAINTEXT)");
      assertThat(refusal.took()).as(service + " refusal time").isLessThan(REFUSAL_WITHIN);
      say("%s refused PLAINTEXT on the SASL listener in %d ms: %s", service, refusal.took().toMillis(),
          refusal.error().getMessage());
    }
  }

  @Test
  @Order(4)
  void shouldNeverWriteThePasswordToTheLog() {
    String log = capturedLog();
    // The check means something only if the configuration dumps are there, the clients' with their JAAS line.
    for (String dump : List.of("KafkaConfig values:", "AdminClientConfig values:", "ProducerConfig values:",
        "ConsumerConfig values:", "sasl.jaas.config = [hidden]")) {
      assertThat(log.contains(dump)).as("the log has '" + dump + "' (see target/KafkaSaslIT.log)").isTrue();
    }
    assertThat(log.lines().filter(line -> line.contains(PASSWORD) || line.contains(WRONG_PASSWORD)))
        .as("log lines with a password in them").isEmpty();
  }

  /** Each service's start, by name, in the order the launcher starts them. */
  private static Map<String, Callable<AutoCloseable>> starters(Map<String, String> vars) {
    Map<String, Callable<AutoCloseable>> starters = new LinkedHashMap<>();
    starters.put("review", () -> ReviewService.start(ReviewConfig.from(new Env(vars))));
    starters.put("inference", () -> InferenceService.start(InferenceConfig.from(new Env(vars))));
    starters.put("ingest", () -> IngestService.start(IngestConfig.from(new Env(vars))));
    return starters;
  }

  private static Refusal attempt(Callable<AutoCloseable> start) {
    long began = System.nanoTime();
    try {
      start.call().close();
      return new Refusal(null, Duration.ofNanos(System.nanoTime() - began));
    } catch (Exception e) {
      return new Refusal(e, Duration.ofNanos(System.nanoTime() - began));
    }
  }

  private static Map<String, String> env(Map<String, String> security) {
    Map<String, String> vars = new HashMap<>(security);
    vars.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
    vars.put("HTTP_HOST", "127.0.0.1");
    vars.put("INGEST_PORT", "0");
    vars.put("INFERENCE_PORT", "0");
    vars.put("REVIEW_PORT", "0");
    vars.put("REVIEW_TOKENS", "ada:ada-secret-token:reviewer");
    vars.putAll(TestSenders.with(Map.of()));
    vars.put("INFERENCE_INTRA_OP_THREADS", "1");
    vars.put("INFERENCE_DECODE_THREADS", "1");
    vars.put("REVIEW_POLICY_INTERVAL_MS", "500");
    return vars;
  }

  private static Map<String, String> sasl(String password) {
    return Map.of("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT", "KAFKA_SASL_MECHANISM", "PLAIN",
        "KAFKA_SASL_JAAS_CONFIG", EmbeddedKafkaBroker.plainJaasConfig(USER, password));
  }

  private static boolean holds(Map<String, Object> client, String topic, String frameId) {
    return TopicRecords.readAll(client, topic).stream().map(ConsumerRecord::key).anyMatch(frameId::equals);
  }

  private static void say(String format, Object... args) {
    originalOut.printf("KafkaSaslIT: " + format + "%n", args);
  }

  private static String capturedLog() {
    synchronized (LOG) {
      return LOG.toString(StandardCharsets.UTF_8);
    }
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private String body(int port, String path) {
    try {
      return get(port, path).body();
    } catch (Exception e) {
      return e.toString();
    }
  }

  /** Keeps what is written in {@link #LOG}. */
  private static final class Capture extends OutputStream {

    @Override
    public void write(int b) {
      synchronized (LOG) {
        LOG.write(b);
      }
    }

    @Override
    public void write(byte[] b, int off, int len) {
      synchronized (LOG) {
        LOG.write(b, off, len);
      }
    }
  }
}
