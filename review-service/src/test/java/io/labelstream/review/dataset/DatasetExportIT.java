package io.labelstream.review.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.labelstream.kafka.embedded.EmbeddedKafkaExtension;
import io.labelstream.testsupport.FreePort;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.kafka.KafkaSettings;
import io.labelstream.platform.kafka.TopicProvisioner;
import io.labelstream.review.ReviewFixtures;
import io.labelstream.review.ReviewFixtures.Client;
import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.LabelSource;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A 100,000-label snapshot exported as JSONL and COCO by a review service with a 256 MiB heap.
 *
 * <p>The service runs in its own JVM ({@code -Xmx256m}, exit on OutOfMemoryError), so its heap holds only what the
 * service itself keeps; the broker and this test's parsing live here. 120,000 label records exercise every rule of
 * the final label: a HUMAN label supersedes a MODEL one, a later MODEL label replaces an earlier one, a MODEL label
 * after a HUMAN one is ignored. Labels written after the snapshot must not show up in it. The export timings are
 * printed, not asserted.
 */
class DatasetExportIT {

  /** 100,000 in the build; {@code -Dlabelstream.datasetExport.frames=1000000} for a manual run at scale. */
  private static final int FRAMES = Integer.getInteger("labelstream.datasetExport.frames", 100_000);
  /**
   * The service's heap: the labels are in its disk store, so 256m holds a million too (measured: at most 52 MiB after
   * collections while snapshotting and exporting).
   */
  private static final String HEAP = System.getProperty("labelstream.datasetExport.heap", "256m");
  private static final List<String> CLASSES = ReviewFixtures.BUNDLED_CLASSES;
  /** What a young or full collection left on the heap: the live data plus what it could not collect yet. */
  private static final Pattern GC_HEAP_AFTER = Pattern.compile("Pause (?:Young|Full).*->(\\d+)M\\((\\d+)M\\)");

  @RegisterExtension
  static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  /** Service log and GC log stay in target/ so a failure can be read afterwards. */
  private final Path logs = Path.of("target", "dataset-export-logs");
  private Process service;

  @AfterEach
  void stopService() throws Exception {
    if (service != null) {
      service.destroy();
      if (!service.waitFor(30, TimeUnit.SECONDS)) {
        service.destroyForcibly().waitFor();
      }
    }
  }

  @Test
  void shouldExport100000LabelsAsJsonlAndCocoWithA256MegabyteHeap() throws Exception {
    Files.createDirectories(logs);
    TopicProvisioner.ensureTopics(KafkaSettings.from(new Env(Map.of("KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers()))));
    Expected expected = produceLabelHistory();
    int port = FreePort.onLoopback();
    service = startService(port);
    Client root = new Client(port, DatasetFixtures.ADMIN_TOKEN);
    await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
        .until(() -> serviceReady(root), ready -> ready);

    long gcLogBeforeSnapshot = Files.size(logs.resolve("review-gc.log"));
    long started = System.nanoTime();
    HttpResponse<String> created = root.post("/v1/datasets", null);
    double snapshotSeconds = seconds(started);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonNode snapshot = root.json(created);
    String id = snapshot.get("id").asText();
    assertThat(snapshot.get("total").asLong()).isEqualTo(FRAMES);
    assertThat(snapshot.get("countsBySource").get("HUMAN").asLong()).isEqualTo(expected.count(LabelSource.HUMAN));
    assertThat(snapshot.get("countsBySource").get("MODEL").asLong()).isEqualTo(expected.count(LabelSource.MODEL));
    for (int c = 0; c < CLASSES.size(); c++) {
      assertThat(snapshot.get("countsByClass").get(CLASSES.get(c)).asLong()).as(CLASSES.get(c)).isEqualTo(expected.perClass[c]);
    }

    produceLabelsAfterTheSnapshot();

    long jsonlStarted = System.nanoTime();
    byte[] jsonl = export(root, id, "jsonl");
    double jsonlSeconds = seconds(jsonlStarted);
    assertThat(DatasetFixtures.sha256(jsonl)).as("the snapshot's content hash").isEqualTo(snapshot.get("contentSha256").asText());
    checkJsonl(jsonl, expected);
    assertThat(export(root, id, "jsonl")).as("a second JSONL export").isEqualTo(jsonl);

    long cocoStarted = System.nanoTime();
    byte[] coco = export(root, id, "coco");
    double cocoSeconds = seconds(cocoStarted);
    checkCoco(coco, expected, snapshot);
    assertThat(export(root, id, "coco")).as("a second COCO export").isEqualTo(coco);

    assertThat(service.isAlive()).as("the 256 MiB service is still running (see " + logs.toAbsolutePath() + ")").isTrue();
    System.out.printf(Locale.ROOT, "%nDataset export of %,d labels (service heap -Xmx%s, this 2-core machine):%n"
        + "  snapshot: %.2f s%n"
        + "  JSONL:    %.2f s, %,.0f labels/s, %.1f MB%n"
        + "  COCO:     %.2f s, %,.0f labels/s, %.1f MB%n"
        + "  service heap after young/full GCs: at most %s before the snapshot, %s while snapshotting and exporting%n%n",
        FRAMES, HEAP, snapshotSeconds, jsonlSeconds, FRAMES / jsonlSeconds, jsonl.length / 1e6,
        cocoSeconds, FRAMES / cocoSeconds, coco.length / 1e6, heapAfterGc(0, gcLogBeforeSnapshot),
        heapAfterGc(gcLogBeforeSnapshot, Long.MAX_VALUE));
  }

  /**
   * 100,000 frames get a MODEL label; every 10th then gets a HUMAN label (a different class); every 20th from the
   * second on a newer MODEL label; and half of the HUMAN-labelled frames a late MODEL label that must be ignored.
   */
  private Expected produceLabelHistory() {
    Random random = new Random(7);
    Instant at = Instant.parse("2026-11-26T08:00:00Z");
    Expected expected = new Expected();
    List<Label> labels = new ArrayList<>(FRAMES / 5 * 6);
    for (int i = 0; i < FRAMES; i++) {
      int c = random.nextInt(CLASSES.size());
      double confidence = 0.9 + random.nextInt(1000) / 10_000.0;
      labels.add(DatasetFixtures.model(frameId(i), CLASSES.get(c), c, confidence, at.plusMillis(i)));
      expected.set(i, c, LabelSource.MODEL, confidence);
    }
    for (int i = 0; i < FRAMES; i += 10) {
      int c = (expected.classOf[i] + 1) % CLASSES.size();
      labels.add(DatasetFixtures.human(frameId(i), CLASSES.get(c), c, "reviewer-" + (i % 7), at.plusSeconds(600)));
      expected.set(i, c, LabelSource.HUMAN, Double.NaN);
    }
    for (int i = 1; i < FRAMES; i += 20) {
      int c = (expected.classOf[i] + 3) % CLASSES.size();
      labels.add(DatasetFixtures.model(frameId(i), CLASSES.get(c), c, 0.95, at.plusSeconds(700)));
      expected.set(i, c, LabelSource.MODEL, 0.95);
    }
    for (int i = 0; i < FRAMES; i += 20) {
      int c = (expected.classOf[i] + 5) % CLASSES.size();
      labels.add(DatasetFixtures.model(frameId(i), CLASSES.get(c), c, 0.999, at.plusSeconds(800)));
    }
    assertThat(labels).hasSize(FRAMES / 5 * 6);
    DatasetFixtures.produce(KAFKA.bootstrapServers(), labels);
    return expected;
  }

  /** New frames and new HUMAN answers after the snapshot: none of it may appear in the snapshot's exports. */
  private void produceLabelsAfterTheSnapshot() {
    Instant later = Instant.parse("2026-11-27T08:00:00Z");
    List<Label> labels = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      labels.add(DatasetFixtures.model("after-" + i, "Bag", 8, 0.99, later));
      labels.add(DatasetFixtures.human(frameId(i * 10 + 5), "Bag", 8, "late-reviewer", later));
    }
    DatasetFixtures.produce(KAFKA.bootstrapServers(), labels);
  }

  private void checkJsonl(byte[] jsonl, Expected expected) throws Exception {
    BitSet seen = new BitSet(FRAMES);
    long[] perClass = new long[CLASSES.size()];
    int lines = 0;
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(new ByteArrayInputStream(jsonl), StandardCharsets.UTF_8))) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        lines++;
        JsonNode label = ReviewFixtures.JSON.readTree(line);
        int i = frameIndex(label.get("frameId").asText());
        assertThat(seen.get(i)).as("frame %d listed once", i).isFalse();
        seen.set(i);
        expected.check(i, label.get("classIndex").asInt(), label.get("label").asText(), label.get("source").asText(),
            label.get("confidence"));
        assertThat(label.get("reviewerIds").isArray()).isTrue();
        assertThat(label.get("labelledAt").asText()).isNotEmpty();
        perClass[label.get("classIndex").asInt()]++;
      }
    }
    assertThat(lines).isEqualTo(FRAMES);
    assertThat(seen.cardinality()).isEqualTo(FRAMES);
    assertThat(perClass).isEqualTo(expected.perClass);
  }

  private void checkCoco(byte[] coco, Expected expected, JsonNode snapshot) throws Exception {
    JsonNode json = ReviewFixtures.JSON.readTree(coco);
    assertThat(json.get("info").get("dataset_id").asText()).isEqualTo(snapshot.get("id").asText());
    assertThat(json.get("categories")).hasSize(CLASSES.size());
    for (int c = 0; c < CLASSES.size(); c++) {
      assertThat(json.get("categories").get(c).get("id").asInt()).isEqualTo(c);
      assertThat(json.get("categories").get(c).get("name").asText()).isEqualTo(CLASSES.get(c));
    }
    Map<Long, Integer> frameOfImage = new HashMap<>();
    for (JsonNode image : json.get("images")) {
      int i = frameIndex(image.get("frame_id").asText());
      assertThat(frameOfImage.put(image.get("id").asLong(), i)).as("image id %s once", image.get("id")).isNull();
      assertThat(image.get("file_name").asText()).isEqualTo(frameId(i));
    }
    assertThat(frameOfImage).hasSize(FRAMES);
    assertThat(frameOfImage.values()).doesNotHaveDuplicates();
    long[] perClass = new long[CLASSES.size()];
    BitSet annotated = new BitSet(FRAMES);
    for (JsonNode annotation : json.get("annotations")) {
      Integer i = frameOfImage.get(annotation.get("image_id").asLong());
      assertThat(i).as("annotation of a listed image").isNotNull();
      assertThat(annotated.get(i)).as("frame %d annotated once", i).isFalse();
      annotated.set(i);
      int c = annotation.get("category_id").asInt();
      expected.check(i, c, CLASSES.get(c), annotation.get("source").asText(), annotation.get("confidence"));
      perClass[c]++;
    }
    assertThat(annotated.cardinality()).isEqualTo(FRAMES);
    assertThat(perClass).isEqualTo(expected.perClass);
  }

  private static byte[] export(Client root, String id, String format) throws Exception {
    HttpResponse<byte[]> response = root.getBytes("/v1/datasets/" + id + "/export?format=" + format);
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  /** The review service in its own JVM with a 256 MiB heap and this test's classpath. */
  private Process startService(int port) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder builder = new ProcessBuilder(java, "-Xmx" + HEAP, "-XX:+ExitOnOutOfMemoryError",
        "-Xlog:gc:file=" + logs.resolve("review-gc.log").toAbsolutePath(),
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-Dorg.slf4j.simpleLogger.log.io.labelstream=info",
        "-cp", System.getProperty("java.class.path"), "io.labelstream.review.ReviewService");
    Map<String, String> env = builder.environment();
    env.put("KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers());
    env.put("HTTP_HOST", "127.0.0.1");
    env.put("REVIEW_PORT", Integer.toString(port));
    env.put("REVIEW_TOKENS", DatasetFixtures.TOKENS);
    env.put("REVIEW_INSTANCE_ID", "dataset-export-it");
    builder.redirectErrorStream(true).redirectOutput(logs.resolve("review.log").toFile());
    return builder.start();
  }

  private boolean serviceReady(Client root) {
    if (!service.isAlive()) {
      throw new AssertionError("the review service exited with " + service.exitValue() + "; see " + logs.toAbsolutePath());
    }
    try {
      return root.get("/readyz").statusCode() == 200;
    } catch (Exception notListeningYet) {
      return false;
    }
  }

  /** The largest heap after a collection in a stretch of the service's GC log, as "N MiB (heap M MiB)". */
  private String heapAfterGc(long fromByte, long toByte) throws Exception {
    byte[] log = Files.readAllBytes(logs.resolve("review-gc.log"));
    String stretch = new String(log, (int) fromByte, (int) (Math.min(toByte, log.length) - fromByte), StandardCharsets.UTF_8);
    Matcher matcher = GC_HEAP_AFTER.matcher(stretch);
    int most = 0;
    int of = 0;
    while (matcher.find()) {
      most = Math.max(most, Integer.parseInt(matcher.group(1)));
      of = Integer.parseInt(matcher.group(2));
    }
    return most + " MiB (heap " + of + " MiB)";
  }


  private static String frameId(int i) {
    return String.format(Locale.ROOT, "f-%07d", i);
  }

  private static int frameIndex(String frameId) {
    assertThat(frameId).as("only frames labelled before the snapshot").matches("f-\\d{7}");
    return Integer.parseInt(frameId.substring(2));
  }

  private static double seconds(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1e9;
  }

  /** The final label of every frame, by the rule the snapshot must follow. */
  private static final class Expected {

    final int[] classOf = new int[FRAMES];
    final LabelSource[] sourceOf = new LabelSource[FRAMES];
    final double[] confidenceOf = new double[FRAMES];
    final long[] perClass = new long[CLASSES.size()];

    void set(int i, int c, LabelSource source, double confidence) {
      if (sourceOf[i] != null) {
        perClass[classOf[i]]--;
      }
      classOf[i] = c;
      sourceOf[i] = source;
      confidenceOf[i] = confidence;
      perClass[c]++;
    }

    long count(LabelSource source) {
      long n = 0;
      for (LabelSource s : sourceOf) {
        n += s == source ? 1 : 0;
      }
      return n;
    }

    void check(int i, int classIndex, String label, String source, JsonNode confidence) {
      assertThat(classIndex).as("class of frame %d", i).isEqualTo(classOf[i]);
      assertThat(label).as("label of frame %d", i).isEqualTo(CLASSES.get(classOf[i]));
      assertThat(source).as("source of frame %d", i).isEqualTo(sourceOf[i].name());
      if (sourceOf[i] == LabelSource.HUMAN) {
        assertThat(confidence.isNull()).as("confidence of human-labelled frame %d", i).isTrue();
      } else {
        assertThat(confidence.asDouble()).as("confidence of frame %d", i).isEqualTo(confidenceOf[i]);
      }
    }
  }
}
