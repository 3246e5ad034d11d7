package io.labelstream.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.config.InferenceVariables;
import io.labelstream.platform.config.LauncherVariables;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code ./labelstream demo}: starts everything, posts the bundled samples through the HTTP API as a fleet would,
 * waits until the model has routed all of them, and prints what happened: the 1,000 sample images for a classifier,
 * the sample scenes for a detector ({@code --task detection}, see {@link DetectionDemo}).
 */
final class Demo {

  private final DemoClient client;

  private Demo(DemoClient client) {
    this.client = client;
  }

  /** One demo's samples, loaded before anything starts (a missing folder stops it at once), and its run. */
  private interface Run {
    void postAndSummarise(DemoClient client) throws Exception;
  }

  static void run(Map<String, String> environment, LaunchOptions options) throws Exception {
    LaunchTask.Launch launch = LaunchTask.resolve(environment, options.task(), Path.of(""));
    Env env = new Env(launch.environment());
    Path samples = env.get(LauncherVariables.LABELSTREAM_SAMPLES);
    Run demo;
    if (launch.task() == LaunchTask.DETECTION) {
      List<SampleScenes.Scene> scenes = SampleScenes.load(samples);
      Optional<Double> pinned = env.find(InferenceVariables.INFERENCE_ROUTING_THRESHOLD);
      demo = client -> DetectionDemo.run(client, scenes, pinned).print(System.out, client.all());
    } else {
      List<SampleFrames.Sample> frames = SampleFrames.load(samples);
      demo = client -> new Demo(client).postAndSummarise(frames);
    }
    AllInOne all = AllInOne.start(launch.environment());
    try {
      demo.postAndSummarise(new DemoClient(all));
    } catch (Exception e) {
      all.close();
      throw e;
    }
    if (options.exit()) {
      all.close();
    } else {
      Launcher.runUntilStopped(all);
    }
  }

  private void postAndSummarise(List<SampleFrames.Sample> samples) throws Exception {
    client.awaitReviewReady();
    long seenBefore = client.framesSeen();
    List<String> frameIds = new ArrayList<>();
    long started = System.nanoTime();
    for (int i = 0; i < samples.size(); i++) {
      SampleFrames.Sample sample = samples.get(i);
      frameIds.add(client.post(sample.bytes(), "image/png", sample.file().getFileName().toString()));
      if ((i + 1) % 50 == 0 || i + 1 == samples.size()) {
        System.out.printf("\rposted %d/%d frames", i + 1, samples.size());
      }
    }
    double postSeconds = (System.nanoTime() - started) / 1e9;
    System.out.printf("%nwaiting for the model to route them…%n");
    client.awaitRouted(seenBefore, samples.size());
    double routedSeconds = (System.nanoTime() - started) / 1e9;

    int modelLabelled = 0;
    int modelCorrect = 0;
    int queued = 0;
    for (int i = 0; i < frameIds.size(); i++) {
      HttpResponse<String> label = client.get("/v1/labels/" + frameIds.get(i));
      if (label.statusCode() == 200 && "MODEL".equals(DemoClient.JSON.readTree(label.body()).get("source").asText())) {
        modelLabelled++;
        if (samples.get(i).className().equals(DemoClient.JSON.readTree(label.body()).get("label").asText())) {
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
    JsonNode policy = client.stats().get("policy");
    if (policy == null) {
      // The policy's audit evidence is shown to admins only; the demo's acting token is a reviewer's.
      System.out.printf("  routing policy:         (shown to admin tokens only)%n");
    } else {
      System.out.printf("  routing policy:         model-label accuracy >= %.4f at %.0f%% confidence (estimate %.4f), "
          + "%d blind audit tasks so far%n", policy.get("overall").get("lowerBound").asDouble(),
          100 * policy.get("confidence").asDouble(), policy.get("overall").get("estimatedAccuracy").asDouble(),
          policy.get("auditTasks").asLong());
    }
    System.out.printf("  review page:            %s/  (sign in with token %s)%n", client.all().reviewUrl(),
        client.all().anyToken());
    System.out.println();
  }
}
