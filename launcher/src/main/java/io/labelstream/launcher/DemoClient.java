package io.labelstream.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

/**
 * The demo's side of the HTTP APIs: it posts frames to ingest as a fleet would and reads what happened from the
 * review service, as an admin would, so it shows what any client can see.
 */
final class DemoClient {

  static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final AllInOne all;
  /** A fresh run id per demo: each run posts new frames (a retry inside one run would reuse its key). */
  private final String run = UUID.randomUUID().toString().substring(0, 8);

  DemoClient(AllInOne all) {
    this.all = all;
  }

  AllInOne all() {
    return all;
  }

  /** Posts one frame to ingest and returns its frame id; anything but 202 ends the demo with ingest's answer. */
  String post(byte[] image, String contentType, String name) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(all.ingestUrl() + "/v1/frames"))
        .header("Content-Type", contentType)
        .header("Authorization", "Bearer " + all.ingestToken())
        .header("X-Device-Id", "demo-camera")
        .header("Idempotency-Key", "demo-" + run + "-" + name)
        .POST(HttpRequest.BodyPublishers.ofByteArray(image))
        .build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 202) {
      throw new IOException("ingest refused " + name + ": " + response.statusCode() + " " + response.body());
    }
    return JSON.readTree(response.body()).get("frameId").asText();
  }

  void awaitReviewReady() throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (http.send(HttpRequest.newBuilder(URI.create(all.reviewUrl() + "/readyz")).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode() != 200) {
      if (System.nanoTime() > deadline) {
        throw new IOException("the review service did not become ready");
      }
      Thread.sleep(200);
    }
  }

  long framesSeen() throws Exception {
    return stats().get("framesSeen").asLong();
  }

  /** Waits until the review service has seen the predictions of {@code frames} frames past {@code seenBefore}. */
  void awaitRouted(long seenBefore, int frames) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (framesSeen() < seenBefore + frames) {
      if (System.nanoTime() > deadline) {
        throw new IOException("the frames were not all routed within 5 minutes; see the log");
      }
      Thread.sleep(250);
    }
  }

  JsonNode stats() throws Exception {
    return JSON.readTree(get("/v1/stats").body());
  }

  HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(all.reviewUrl() + path))
        .header("Authorization", "Bearer " + all.anyToken()).build(), HttpResponse.BodyHandlers.ofString());
  }
}
