package io.labelstream.tools.evaluate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labelstream.kafka.embedded.TopicRecords;
import io.labelstream.launcher.AllInOne;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.LabelSource;
import io.labelstream.schemas.avro.Policy;
import io.labelstream.schemas.avro.Prediction;
import io.labelstream.schemas.avro.Route;
import io.labelstream.tools.fashionmnist.FashionMnistIdx;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;

/**
 * {@code ./labelstream evaluate --e2e}: the same scenario as the simulation for one seed, through the real services:
 * the 10,000 test images posted over HTTP in the seed's order, a reviewer answering every task through the review
 * API with the true label, and the outcome read back from the topics.
 */
final class EndToEndEvaluation {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "evaluate-reviewer-token";

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  /** The model's classes, from its card: the simulated reviewer answers with the true class's name. */
  private final List<String> classes;

  EndToEndEvaluation(List<String> classes) {
    this.classes = List.copyOf(classes);
  }

  /** Runs seed {@code seed} end to end and returns the same figures the simulation reports. */
  StreamSimulation.Result run(Path dataset, long seed, int warmup, double target, Map<String, String> environment) throws Exception {
    byte[][] images = pngs(dataset.resolve("t10k-images-idx3-ubyte.gz"));
    int[] labels = FashionMnistIdx.labels(dataset.resolve("t10k-labels-idx1-ubyte.gz"));
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < images.length; i++) {
      order.add(i);
    }
    Collections.shuffle(order, new Random(seed));
    Path dataDir = Files.createTempDirectory("labelstream-evaluate-");
    Map<String, String> env = new HashMap<>(environment);
    env.remove("KAFKA_BOOTSTRAP_SERVERS");
    env.put("LABELSTREAM_DATA_DIR", dataDir.toString());
    env.put("REVIEW_TOKENS", "evaluator:" + TOKEN + ":admin");
    env.put("INGEST_PORT", "0");
    // The evaluation posts as fast as ingest answers: its one sender must not be held to a fleet's rate.
    env.putIfAbsent("INGEST_SENDER_FRAMES_PER_SECOND", "1000000");
    env.put("INFERENCE_PORT", "0");
    env.put("REVIEW_PORT", "0");
    env.remove("INFERENCE_ROUTING_THRESHOLD");
    env.remove("ROUTING_THRESHOLD"); // its deprecated name
    try (AllInOne all = AllInOne.start(env)) {
      Map<String, Integer> truthByFrame = new ConcurrentHashMap<>();
      Map<String, Integer> positionByFrame = new HashMap<>();
      AtomicBoolean posting = new AtomicBoolean(true);
      AtomicInteger answered = new AtomicInteger();
      Thread reviewer = new Thread(() -> review(all, truthByFrame, posting, answered), "evaluate-reviewer");
      reviewer.start();
      for (int position = 0; position < order.size(); position++) {
        int index = order.get(position);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(all.ingestUrl() + "/v1/frames"))
            .header("Content-Type", "image/png").header("X-Device-Id", "evaluate")
            .header("Authorization", "Bearer " + all.ingestToken())
            .header("Idempotency-Key", "test-" + index)
            .POST(HttpRequest.BodyPublishers.ofByteArray(images[index])).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 202) {
          throw new IOException("ingest refused test image " + index + ": " + response.body());
        }
        String frameId = JSON.readTree(response.body()).get("frameId").asText();
        truthByFrame.put(frameId, labels[index]);
        positionByFrame.put(frameId, position);
        if ((position + 1) % 500 == 0) {
          System.out.printf(Locale.ROOT, "\rposted %d/%d, answered %d review tasks", position + 1, order.size(), answered.get());
        }
      }
      posting.set(false);
      reviewer.join();
      System.out.println();
      return outcome(all.bootstrapServers(), positionByFrame, truthByFrame, seed, warmup, target);
    } finally {
      deleteRecursively(dataDir);
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }

  /** The simulated reviewer: claims and answers with the true class until everything is answered. */
  private void review(AllInOne all, Map<String, Integer> truthByFrame, AtomicBoolean posting, AtomicInteger answered) {
    try {
      int idle = 0;
      while (posting.get() || idle < 50) {
        HttpResponse<String> claim = http.send(HttpRequest.newBuilder(URI.create(all.reviewUrl() + "/v1/tasks/claim"))
            .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofString());
        if (claim.statusCode() != 200) {
          idle++;
          Thread.sleep(100);
          continue;
        }
        idle = 0;
        JsonNode task = JSON.readTree(claim.body());
        Integer truth = truthByFrame.get(task.get("frameId").asText());
        while (truth == null) {
          // The frame's 202 has not been recorded by the poster yet.
          Thread.sleep(5);
          truth = truthByFrame.get(task.get("frameId").asText());
        }
        http.send(HttpRequest.newBuilder(URI.create(all.reviewUrl() + "/v1/tasks/" + task.get("taskId").asText() + "/submit"))
            .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"label\":\"" + classes.get(truth) + "\"}")).build(),
            HttpResponse.BodyHandlers.discarding());
        answered.incrementAndGet();
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private StreamSimulation.Result outcome(String bootstrap, Map<String, Integer> positionByFrame,
      Map<String, Integer> truthByFrame, long seed, int warmup, double target) {
    Map<String, Prediction> predictions = new HashMap<>();
    TopicRecords.readAll(bootstrap, Topics.PREDICTIONS.name()).forEach(r ->
        predictions.put(r.key(), Topics.PREDICTIONS.valueSerde().deserializer().deserialize(r.topic(), r.value())));
    Map<String, Label> modelLabels = new HashMap<>();
    TopicRecords.readAll(bootstrap, Topics.LABELS.name()).forEach(r -> {
      Label label = Topics.LABELS.valueSerde().deserializer().deserialize(r.topic(), r.value());
      if (label.getSource() == LabelSource.MODEL) {
        modelLabels.putIfAbsent(r.key(), label);
      }
    });
    List<io.labelstream.schemas.avro.Policy> policies = TopicRecords.readAll(bootstrap, Topics.POLICY.name()).stream()
        .map(r -> Topics.POLICY.valueSerde().deserializer().deserialize(r.topic(), r.value())).toList();
    Policy last = policies.get(policies.size() - 1);
    int modelLabelled = 0;
    int modelCorrect = 0;
    int afterWarmup = 0;
    int audits = 0;
    int[] classLabelled = new int[classes.size()];
    int[] classCorrect = new int[classes.size()];
    List<TestPredictions.Row> tail = new ArrayList<>();
    for (Map.Entry<String, Integer> frame : positionByFrame.entrySet()) {
      Prediction p = predictions.get(frame.getKey());
      int truth = truthByFrame.get(frame.getKey());
      if (frame.getValue() >= warmup) {
        tail.add(new TestPredictions.Row(frame.getValue(), truth, p.getClassIndex(), p.getScore()));
      }
      audits += p.getAudited() ? 1 : 0;
      if (p.getRoute() == Route.MODEL_LABEL) {
        boolean correct = modelLabels.get(frame.getKey()).getClassIndex() == truth;
        modelLabelled++;
        modelCorrect += correct ? 1 : 0;
        classLabelled[p.getClassIndex()]++;
        classCorrect[p.getClassIndex()] += correct ? 1 : 0;
        afterWarmup += frame.getValue() >= warmup ? 1 : 0;
      }
    }
    double worst = 1.0;
    int worstClass = -1;
    for (int c = 0; c < classes.size(); c++) {
      if (classLabelled[c] > 0 && (double) classCorrect[c] / classLabelled[c] < worst) {
        worst = (double) classCorrect[c] / classLabelled[c];
        worstClass = c;
      }
    }
    return new StreamSimulation.Result(seed, positionByFrame.size(), modelLabelled, modelCorrect, afterWarmup, tail.size(),
        worst, worstClass, last.getOverall().getLowerBound(), last.getOverall().getEstimate(), audits,
        StreamSimulation.oracleShare(tail, target), List.of());
  }

  private static byte[][] pngs(Path idx) throws IOException {
    byte[][] raw = FashionMnistIdx.images(idx);
    byte[][] out = new byte[raw.length][];
    for (int i = 0; i < raw.length; i++) {
      BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
      image.getRaster().setDataElements(0, 0, 28, 28, raw[i]);
      ByteArrayOutputStream png = new ByteArrayOutputStream();
      ImageIO.write(image, "png", png);
      out[i] = png.toByteArray();
    }
    return out;
  }
}
