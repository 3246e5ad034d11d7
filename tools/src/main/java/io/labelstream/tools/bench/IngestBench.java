package io.labelstream.tools.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.labelstream.ingest.IngestService;
import io.labelstream.ingest.config.IngestConfig;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.kafka.KafkaClients;
import io.labelstream.schemas.Topics;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** HTTP ingest (acks=all, 202 only after Kafka acknowledged) against the stock Kafka producer on the same sizes. */
final class IngestBench implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern PERF_SUMMARY = Pattern.compile("(\\d+) records sent, ([0-9.]+) records/sec");

  private final String bootstrapServers;
  private final BenchFrames frames;
  private static final String TOKEN = "bench-sender-token";

  private final IngestService ingest;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  IngestBench(String bootstrapServers, BenchFrames frames) {
    this.bootstrapServers = bootstrapServers;
    this.frames = frames;
    // One sender, not held to a fleet's rate: the bench measures what ingest can take.
    this.ingest = IngestService.start(IngestConfig.from(new Env(Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", bootstrapServers, "HTTP_HOST", "127.0.0.1", "INGEST_PORT", "0",
        "INGEST_TOKENS", "bench:" + TOKEN, "INGEST_FRAME_ID_SECRET", "bench-frame-id-secret-0123456789",
        "INGEST_SENDER_FRAMES_PER_SECOND", "1000000", "INGEST_SENDER_BURST", "1000000"))));
  }

  /** Frames per second accepted (202) over HTTP with {@code concurrency} requests in flight. */
  double httpFps(String run, int n, int concurrency) throws Exception {
    post(run + "-warm", Math.min(n, 500), concurrency, 0, (frameId, nanos) -> { });
    long start = System.nanoTime();
    post(run, n, concurrency, 0, (frameId, nanos) -> { });
    return n / ModelBench.seconds(start);
  }

  /** Posts {@code n} frames at an even {@code framesPerSecond} with the Java client; returns that rate. */
  double postPaced(String run, int n, double framesPerSecond) throws Exception {
    post(run, n, 256, (long) (1e9 / framesPerSecond), (frameId, sentAt) -> { });
    return framesPerSecond;
  }

  /**
   * Posts {@code n} frames, at most {@code concurrency} at a time, at one every {@code intervalNanos} (0: as fast
   * as they are accepted); reports each accepted frameId with the time its request was sent.
   */
  void post(String run, int n, int concurrency, long intervalNanos, BiConsumer<String, Long> accepted) throws Exception {
    Semaphore window = new Semaphore(concurrency);
    AtomicInteger refused = new AtomicInteger();
    List<CompletableFuture<?>> pending = new ArrayList<>();
    URI uri = URI.create("http://127.0.0.1:" + ingest.port() + "/v1/frames");
    long next = System.nanoTime();
    for (int i = 0; i < n; i++) {
      if (intervalNanos > 0) {
        next += intervalNanos;
        long wait = next - System.nanoTime();
        if (wait > 0) {
          java.util.concurrent.locks.LockSupport.parkNanos(wait);
        }
      }
      window.acquire();
      long sentAt = System.nanoTime();
      HttpRequest request = HttpRequest.newBuilder(uri)
          .header("Content-Type", "image/png")
          .header("X-Device-Id", "bench")
          .header("Authorization", "Bearer " + TOKEN)
          .header("Idempotency-Key", run + "-" + i)
          .POST(HttpRequest.BodyPublishers.ofByteArray(frames.png(i)))
          .build();
      pending.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
        window.release();
        if (error != null || response.statusCode() != 202) {
          refused.incrementAndGet();
          return;
        }
        try {
          accepted.accept(JSON.readTree(response.body()).get("frameId").asText(), sentAt);
        } catch (IOException e) {
          refused.incrementAndGet();
        }
      }));
    }
    CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
    if (refused.get() > 0) {
      throw new IllegalStateException(refused.get() + " of " + n + " frames were not accepted");
    }
  }

  /**
   * Frames per second accepted over HTTP as measured by {@code wrk} (a C load generator: on a small machine a Java
   * client would take the cores the service needs), with {@code connections} connections for {@code seconds};
   * empty when wrk is not installed. Every request carries its own idempotency key, so every one is a new frame.
   */
  java.util.OptionalDouble wrkFps(String run, int connections, int seconds) throws IOException, InterruptedException {
    return wrk(run, connections, seconds, 0, 1);
  }

  /**
   * The same through {@code POST /v1/frames/batch}, {@code framesPerRequest} frames (each with its own
   * idempotency key) per multipart request: frames per second, not requests.
   */
  java.util.OptionalDouble wrkBatchFps(String run, int connections, int seconds, int framesPerRequest)
      throws IOException, InterruptedException {
    return wrk(run, connections, seconds, 0, framesPerRequest);
  }

  /**
   * The same at about {@code framesPerSecond}: each of a few connections waits between requests (wrk's delay
   * hook), so the load is spread evenly instead of arriving in bursts. Returns the rate actually offered.
   */
  java.util.OptionalDouble wrkPaced(String run, double framesPerSecond, int seconds) throws IOException, InterruptedException {
    int connections = 16;
    // Each connection's cycle is its delay plus the answer's round trip (about 4 ms here at this load, measured).
    double delayMs = Math.max(0, connections * 1000.0 / framesPerSecond - 4.0);
    return wrk(run, connections, seconds, delayMs, 1);
  }

  /** wrk's request hook for one frame per request, with a new idempotency key each time. */
  private static String singleFrameRequest(String run) {
    return String.join("\n",
        "function request()",
        "  n = n + 1",
        "  return wrk.format('POST', '/v1/frames', {['Content-Type'] = 'image/png', ['X-Device-Id'] = 'bench',",
        "    ['Authorization'] = 'Bearer " + TOKEN + "',",
        "    ['Idempotency-Key'] = '" + run + "-' .. id .. '-' .. n}, png)",
        "end");
  }

  /** wrk's request hook for a multipart batch of {@code frames} frames, each part with its own idempotency key. */
  private static String batchRequest(String run, int frames) {
    String boundary = "labelstream-bench-7MA4YWxkTrZu0gW";
    return String.join("\n",
        "function request()",
        "  local parts = {}",
        "  for i = 1, " + frames + " do",
        "    n = n + 1",
        "    parts[#parts + 1] = '--" + boundary + "\\r\\nContent-Disposition: form-data; name=\"frame\"; filename=\"' .. n .. '.png\"\\r\\n'",
        "      .. 'Content-Type: image/png\\r\\nIdempotency-Key: " + run + "-' .. id .. '-' .. n .. '\\r\\n\\r\\n'",
        "    parts[#parts + 1] = png",
        "    parts[#parts + 1] = '\\r\\n'",
        "  end",
        "  parts[#parts + 1] = '--" + boundary + "--\\r\\n'",
        "  return wrk.format('POST', '/v1/frames/batch', {['Content-Type'] = 'multipart/form-data; boundary=" + boundary + "',",
        "    ['X-Device-Id'] = 'bench', ['Authorization'] = 'Bearer " + TOKEN + "'}, table.concat(parts))",
        "end");
  }

  /** Records in frames.v1 so far (the sum of its partitions' end offsets). */
  private long framesInTopic() {
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
        KafkaClients.at(bootstrapServers, "bench", null).consumer("count"), new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(Topics.FRAMES.name()).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
    }
  }

  static boolean wrkInstalled() {
    return java.nio.file.Files.isExecutable(Path.of("/usr/bin/wrk"));
  }

  private java.util.OptionalDouble wrk(String run, int connections, int seconds, double delayMs, int framesPerRequest)
      throws IOException, InterruptedException {
    Path wrk = Path.of("/usr/bin/wrk");
    if (!wrkInstalled()) {
      return java.util.OptionalDouble.empty();
    }
    Path body = java.nio.file.Files.createTempFile("labelstream-bench-", ".png");
    Path script = java.nio.file.Files.createTempFile("labelstream-bench-", ".lua");
    try {
      java.nio.file.Files.write(body, frames.png(0));
      long before = framesInTopic();
      java.nio.file.Files.writeString(script, String.join("\n",
          "local counter = 0",
          "function setup(thread) counter = counter + 1; thread:set('id', counter) end",
          "function init(args)",
          "  local f = io.open('" + body + "', 'rb'); png = f:read('*a'); f:close(); n = 0",
          "end",
          framesPerRequest == 1 ? singleFrameRequest(run) : batchRequest(run, framesPerRequest),
          delayMs > 0 ? "function delay() return " + Math.round(delayMs) + " end" : "", ""));
      Process process = new ProcessBuilder(wrk.toString(), "-t" + Math.min(2, connections), "-c" + connections, "-d" + seconds + "s", "-s",
          script.toString(), "http://127.0.0.1:" + ingest.port() + "/v1/frames").redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      process.waitFor();
      if (output.contains("Non-2xx")) {
        throw new IllegalStateException("ingest refused frames under wrk:\n" + output);
      }
      Matcher m = Pattern.compile("Requests/sec:\\s+([0-9.]+)").matcher(output);
      Matcher done = Pattern.compile("(\\d+) requests in").matcher(output);
      if (!m.find() || !done.find()) {
        throw new IllegalStateException("no rate in wrk's output:\n" + output);
      }
      // Every answered request must be in Kafka: a 202 that wrote nothing would flatter the rate.
      long answered = Long.parseLong(done.group(1)) * framesPerRequest;
      long written = framesInTopic() - before;
      if (written < answered) {
        throw new IllegalStateException("wrk saw " + answered + " frames accepted but only " + written
            + " reached " + Topics.FRAMES.name());
      }
      return java.util.OptionalDouble.of(Double.parseDouble(m.group(1)) * framesPerRequest);
    } finally {
      java.nio.file.Files.deleteIfExists(body);
      java.nio.file.Files.deleteIfExists(script);
    }
  }

  /**
   * Records per second of Kafka's own {@code ProducerPerformance} (acks=all, records of {@code recordBytes}), run as
   * a separate JVM exactly as {@code kafka-producer-perf-test.sh} runs it.
   */
  double kafkaProducerFps(String topic, int n, int recordBytes) throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        "org.apache.kafka.tools.ProducerPerformance", "--topic", topic, "--num-records", Integer.toString(n),
        "--record-size", Integer.toString(recordBytes), "--throughput", "-1",
        "--producer-props", "bootstrap.servers=" + bootstrapServers, "acks=all")
        .redirectErrorStream(true).start();
    String summary = null;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        Matcher m = PERF_SUMMARY.matcher(line);
        if (m.find() && Long.parseLong(m.group(1)) == n) {
          summary = m.group(2);
        }
      }
    }
    if (process.waitFor() != 0 || summary == null) {
      throw new IllegalStateException("ProducerPerformance failed (exit " + process.exitValue() + ")");
    }
    return Double.parseDouble(summary);
  }

  @Override
  public void close() {
    ingest.close();
  }
}
