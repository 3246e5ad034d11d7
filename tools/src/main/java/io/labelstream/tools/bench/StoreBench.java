package io.labelstream.tools.bench;

import io.labelstream.ingest.IngestService;
import io.labelstream.ingest.config.IngestConfig;
import io.labelstream.kafka.embedded.EmbeddedKafkaBroker;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.kafka.KafkaClients;
import io.labelstream.platform.kafka.KafkaSettings;
import io.labelstream.platform.kafka.TopicProvisioner;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.Frame;
import io.labelstream.testsupport.CameraFrames;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * {@code ./labelstream bench --store}: HTTP ingest of camera JPEGs with the frame store (the image to a
 * {@code FileFrameStore}, a reference in frames.v1) against ingest without one (the image inside the record), two
 * services on one broker in one run, their rounds alternating so that neither gets the warmer JVM or the quieter
 * minute. Then the size of the records the store leaves in Kafka, and the same comparison over frame sizes from 5 KB
 * to 300 KB: where the store starts to pay is the break-even that FRAME_STORE_INLINE_MAX_BYTES is chosen from.
 */
final class StoreBench {

  private static final String TOKEN = "bench-sender-token";
  /** The camera frame: a 300 KB JPEG (1920x1080 at a camera's quality). */
  private static final int LARGE_FRAME_BYTES = 300 * 1024;
  /** Requests in flight: a fleet of devices, one connection each (at 32 both were bound by round trips, not work). */
  private static final int CONCURRENCY = 128;
  private static final int[] SWEEP_KB = {5, 20, 50, 100, 200, 300};

  private StoreBench() {}

  static void measure(BenchReport report, int rounds) throws Exception {
    Path dir = Files.createTempDirectory("labelstream-bench-store-");
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"))) {
      String bootstrap = broker.bootstrapServers();
      TopicProvisioner.ensureTopics(KafkaSettings.from(new Env(Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrap))));
      try (IngestService inline = start(bootstrap, Map.of());
          IngestService stored = start(bootstrap, Map.of("FRAME_STORE", dir.resolve("frames").toUri().toString(),
              "FRAME_STORE_INLINE_MAX_BYTES", "0"))) {
        Poster inlinePoster = new Poster(inline, "bench-inline");
        Poster storePoster = new Poster(stored, "bench-store");
        byte[] large = CameraFrames.jpeg(CameraFrames.scene(1920, 1080, 1), qualityFor(1920, 1080, LARGE_FRAME_BYTES));
        report.putInfo("ingest_large_frame_bytes", large.length);
        report.putInfo("ingest_store", "file (FileFrameStore: write, fsync, rename) on " + dir);
        report.putInfo("ingest_store_concurrency", CONCURRENCY);
        // Two cores shared with whatever else runs: the figures mean little when the load was far above 2.
        report.putInfo("load_average_at_start", Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        Bench.step("warming up both", () -> {
          inlinePoster.fps(large, 400);
          return storePoster.fps(large, 400);
        });
        double[] fps = alternate(inlinePoster, storePoster, large, rounds, 600);
        report.put("ingest_large_fps_inline", fps[0]);
        report.put("ingest_large_fps_store", fps[1]);
        System.out.printf("  %-44s inline %.0f frames/s, store %.0f frames/s (%.2fx)%n", "300 KB JPEG, " + rounds
            + " rounds each", fps[0], fps[1], fps[1] / fps[0]);
        double bytesPerFrame = recordBytesPerFrame(bootstrap);
        report.put("kafka_bytes_per_frame_store", bytesPerFrame);
        report.putInfo("kafka_bytes_per_frame_store_target_met", bytesPerFrame <= 2048);
        System.out.printf("  %-44s %.0f bytes (target <= 2048)%n", "frames.v1 record with the store", bytesPerFrame);

        Map<String, Object> sweep = new java.util.LinkedHashMap<>();
        Integer breakEven = null;
        for (int kb : SWEEP_KB) {
          byte[] frame = frameOfAbout(kb * 1024);
          double[] at = alternate(inlinePoster, storePoster, frame, Math.max(2, rounds / 2), 600);
          sweep.put(kb + "KB", Map.of("bytes", frame.length, "inline_fps", Math.round(at[0]),
              "store_fps", Math.round(at[1])));
          System.out.printf("  %-44s inline %.0f frames/s, store %.0f frames/s (%.2fx)%n", frame.length / 1024
              + " KB JPEG", at[0], at[1], at[1] / at[0]);
          if (breakEven == null && at[1] >= at[0]) {
            breakEven = frame.length;
          }
        }
        report.putInfo("ingest_store_sweep", sweep);
        report.putInfo("ingest_store_break_even_bytes", breakEven == null ? "none up to 300 KB" : breakEven);
      }
    } finally {
      Bench.deleteRecursively(dir);
    }
  }

  /** Frames per second of each poster, {@code rounds} rounds each, taking turns; {inline, store}. */
  private static double[] alternate(Poster inline, Poster store, byte[] frame, int rounds, int framesPerRound)
      throws Exception {
    double[] seconds = new double[2];
    for (int round = 0; round < rounds; round++) {
      // Each round starts with the other one, so neither always follows the same work.
      Poster first = round % 2 == 0 ? inline : store;
      Poster second = first == inline ? store : inline;
      double firstSeconds = framesPerRound / first.fps(frame, framesPerRound);
      double secondSeconds = framesPerRound / second.fps(frame, framesPerRound);
      seconds[first == inline ? 0 : 1] += firstSeconds;
      seconds[first == inline ? 1 : 0] += secondSeconds;
    }
    return new double[] {rounds * framesPerRound / seconds[0], rounds * framesPerRound / seconds[1]};
  }

  /** Mean bytes (key and value) of the frames.v1 records that carry a reference, read back from the broker. */
  private static double recordBytesPerFrame(String bootstrap) {
    long bytes = 0;
    long records = 0;
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
        KafkaClients.at(bootstrap, "bench", null).consumer("record-sizes"), new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(Topics.FRAMES.name()).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofSeconds(1))) {
          Frame frame = Topics.FRAMES.valueSerde().deserializer().deserialize(record.topic(), record.value());
          if (frame.getImageRef() != null) {
            bytes += record.serializedKeySize() + record.serializedValueSize();
            records++;
          }
        }
      }
    }
    return records == 0 ? Double.NaN : (double) bytes / records;
  }

  /** The lowest JPEG quality from which the scene at this size is at least {@code bytes}. */
  private static float qualityFor(int width, int height, int bytes) {
    var scene = CameraFrames.scene(width, height, 1);
    for (float quality = 0.70f; quality < 0.99f; quality += 0.01f) {
      if (CameraFrames.jpeg(scene, quality).length >= bytes) {
        return quality;
      }
    }
    return 0.99f;
  }

  /** A 16:9 camera JPEG of about {@code bytes}, found by scaling the frame at a camera's quality. */
  private static byte[] frameOfAbout(int bytes) {
    int width = 640;
    byte[] jpeg = CameraFrames.jpeg(width, width * 9 / 16, 1);
    for (int attempt = 0; attempt < 4 && Math.abs(jpeg.length - bytes) > bytes / 10; attempt++) {
      width = Math.max(64, (int) Math.round(width * Math.sqrt((double) bytes / jpeg.length)));
      jpeg = CameraFrames.jpeg(width, width * 9 / 16, 1);
    }
    return jpeg;
  }

  private static IngestService start(String bootstrap, Map<String, String> store) {
    Map<String, String> env = new HashMap<>(Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", bootstrap, "HTTP_HOST", "127.0.0.1", "INGEST_PORT", "0",
        "INGEST_TOKENS", "bench:" + TOKEN, "INGEST_FRAME_ID_SECRET", "bench-frame-id-secret-0123456789",
        "INGEST_SENDER_FRAMES_PER_SECOND", "1000000", "INGEST_SENDER_BURST", "1000000"));
    env.putAll(store);
    return IngestService.start(IngestConfig.from(new Env(env)));
  }

  /** Posts unique frames to one ingest service and times them. */
  private static final class Poster {

    private static final AtomicLong SERIAL = new AtomicLong();

    private final URI uri;
    private final String device;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    Poster(IngestService ingest, String device) {
      this.uri = URI.create("http://127.0.0.1:" + ingest.port() + "/v1/frames");
      this.device = device;
    }

    /** Frames per second accepted (202), {@code n} frames with {@link #CONCURRENCY} in flight. */
    double fps(byte[] jpeg, int n) throws Exception {
      Semaphore window = new Semaphore(CONCURRENCY);
      AtomicInteger refused = new AtomicInteger();
      List<CompletableFuture<?>> pending = new ArrayList<>(n);
      long start = System.nanoTime();
      for (int i = 0; i < n; i++) {
        window.acquire();
        long serial = SERIAL.incrementAndGet();
        HttpRequest request = HttpRequest.newBuilder(uri)
            .header("Content-Type", "image/jpeg")
            .header("X-Device-Id", device)
            .header("Authorization", "Bearer " + TOKEN)
            .header("Idempotency-Key", "store-bench-" + serial)
            .POST(HttpRequest.BodyPublishers.ofByteArray(unique(jpeg, serial)))
            .build();
        pending.add(http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
          window.release();
          if (error != null || response.statusCode() != 202) {
            refused.incrementAndGet();
          }
        }));
      }
      CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
      double seconds = ModelBench.seconds(start);
      if (refused.get() > 0) {
        throw new IllegalStateException(refused.get() + " of " + n + " frames were not accepted by " + device);
      }
      return n / seconds;
    }

    /**
     * The JPEG with a comment segment holding {@code serial} after its start marker: every frame a camera sends is
     * new bytes, and a content-addressed store would skip a repeated one.
     */
    private static byte[] unique(byte[] jpeg, long serial) {
      ByteBuffer out = ByteBuffer.allocate(jpeg.length + 12);
      out.put(jpeg, 0, 2).put((byte) 0xFF).put((byte) 0xFE).putShort((short) 10).putLong(serial);
      out.put(jpeg, 2, jpeg.length - 2);
      return out.array();
    }
  }
}
