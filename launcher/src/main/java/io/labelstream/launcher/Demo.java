package io.labelstream.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.config.LauncherVariables;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code ./labelstream demo}: starts everything, posts the bundled sample frames through the HTTP API as a fleet
 * would, waits until the model has routed all of them, and prints what happened.
 */
final class Demo {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final AllInOne all;

  private Demo(AllInOne all) {
    this.all = all;
  }

  static void run(Map<String, String> environment, boolean exitAfterSummary) throws Exception {
    Env env = new Env(environment);
    List<SampleFrames.Sample> samples = SampleFrames.load(env.get(LauncherVariables.LABELSTREAM_SAMPLES));
    AllInOne all = AllInOne.start(environment);
    try {
      new Demo(all).postAndSummarise(samples);
    } catch (Exception e) {
      all.close();
      throw e;
    }
    if (exitAfterSummary) {
      all.close();
    } else {
      Launcher.runUntilStopped(all);
    }
  }

  private void postAndSummarise(List<SampleFrames.Sample> samples) throws Exception {
    awaitReviewReady();
    long seenBefore = stats().get("framesSeen").asLong();
    // A fresh run id per demo: each run posts new frames (a retry inside one run would reuse its key).
    String run = UUID.randomUUID().toString().substring(0, 8);
    List<String> frameIds = new ArrayList<>();
    long started = System.nanoTime();
    for (int i = 0; i < samples.size(); i++) {
      SampleFrames.Sample sample = samples.get(i);
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(all.ingestUrl() + "/v1/frames"))
          .header("Content-Type", "image/png")
          .header("Authorization", "Bearer " + all.ingestToken())
          .header("X-Device-Id", "demo-camera")
          .header("Idempotency-Key", "demo-" + run + "-" + sample.file().getFileName())
          .POST(HttpRequest.BodyPublishers.ofByteArray(sample.bytes()))
          .build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 202) {
        throw new IOException("ingest refused " + sample.file() + ": " + response.statusCode() + " " + response.body());
      }
      frameIds.add(JSON.readTree(response.body()).get("frameId").asText());
      if ((i + 1) % 50 == 0 || i + 1 == samples.size()) {
        System.out.printf("\rposted %d/%d frames", i + 1, samples.size());
      }
    }
    double postSeconds = (System.nanoTime() - started) / 1e9;
    System.out.printf("%nwaiting for the model to route them…%n");
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (stats().get("framesSeen").asLong() < seenBefore + samples.size()) {
      if (System.nanoTime() > deadline) {
        throw new IOException("the frames were not all routed within 5 minutes; see the log");
      }
      Thread.sleep(250);
    }
    double routedSeconds = (System.nanoTime() - started) / 1e9;

    int modelLabelled = 0;
    int modelCorrect = 0;
    int queued = 0;
    for (int i = 0; i < frameIds.size(); i++) {
      HttpResponse<String> label = get("/v1/labels/" + frameIds.get(i));
      if (label.statusCode() == 200 && "MODEL".equals(JSON.readTree(label.body()).get("source").asText())) {
        modelLabelled++;
        if (samples.get(i).className().equals(JSON.readTree(label.body()).get("label").asText())) {
          modelCorrect++;
        }
      } else {
        queued++;
      }
    }
    int n = samples.size();
    System.out.println();
    System.out.println("Demo summary");
    System.out.printf("  frames accepted:        %d (posted in %.1f s, all routed after %.1f s)%n", n, postSeconds, routedSeconds);
    System.out.printf("  model-labelled:         %d (%.1f%%), accuracy against the true labels %.1f%% (%d/%d)%n",
        modelLabelled, 100.0 * modelLabelled / n, modelLabelled == 0 ? 0.0 : 100.0 * modelCorrect / modelLabelled,
        modelCorrect, modelLabelled);
    System.out.printf("  queued for review:      %d (%.1f%%)%n", queued, 100.0 * queued / n);
    JsonNode policy = stats().get("policy");
    if (policy == null) {
      // The policy's audit evidence is shown to admins only; the demo's acting token is a reviewer's.
      System.out.printf("  routing policy:         (shown to admin tokens only)%n");
    } else {
      System.out.printf("  routing policy:         model-label accuracy >= %.4f at %.0f%% confidence (estimate %.4f), "
          + "%d blind audit tasks so far%n", policy.get("overall").get("lowerBound").asDouble(),
          100 * policy.get("confidence").asDouble(), policy.get("overall").get("estimatedAccuracy").asDouble(),
          policy.get("auditTasks").asLong());
    }
    System.out.printf("  review page:            %s/  (sign in with token %s)%n", all.reviewUrl(), all.anyToken());
    System.out.println();
  }

  private void awaitReviewReady() throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (http.send(HttpRequest.newBuilder(URI.create(all.reviewUrl() + "/readyz")).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode() != 200) {
      if (System.nanoTime() > deadline) {
        throw new IOException("the review service did not become ready");
      }
      Thread.sleep(200);
    }
  }

  private JsonNode stats() throws Exception {
    return JSON.readTree(get("/v1/stats").body());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(all.reviewUrl() + path))
        .header("Authorization", "Bearer " + all.anyToken()).build(), HttpResponse.BodyHandlers.ofString());
  }
}
