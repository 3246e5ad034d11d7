package io.labelstream.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labelstream.kafka.embedded.EmbeddedKafkaExtension;
import io.labelstream.testsupport.TestSenders;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The three images run: each is unpacked from its tarball and started as a container would be (see
 * {@link ContainerRun}) against a real broker, and a frame posted to the ingest image is decoded and classified by
 * the bundled model in the inference image and counted by the review image.
 */
class ImagesPipelineIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "image-check-token";
  private static final Path ROOT = Path.of(System.getProperty("labelstream.root"));

  @RegisterExtension
  static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void shouldLabelAFramePostedToTheIngestImageWithTheModelInTheInferenceImageAndCountItInTheReviewImage() throws Exception {
    assumeTrue(ContainerRun.supported(), "running an image without an engine needs root and unshare(1); CI runs as root");
    Map<ServiceImage, Integer> ports = new EnumMap<>(ServiceImage.class);
    Map<ServiceImage, ContainerRun> running = new EnumMap<>(ServiceImage.class);
    try {
      for (ServiceImage service : ServiceImage.values()) {
        ports.put(service, freePort());
        running.put(service, start(service, ports.get(service)));
      }
      for (ServiceImage service : ServiceImage.values()) {
        await(service + " ready").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250))
            .until(() -> status(running, service, get(url(ports, service, "/readyz"), false)) == 200);
        assertThat(get(url(ports, service, "/healthz"), false).statusCode()).isEqualTo(200);
      }

      JsonNode card = JSON.readTree(get(url(ports, ServiceImage.INFERENCE, "/v1/model"), false).body());
      assertThat(card.get("name").asText()).isEqualTo("fashion-mnist-ensemble");

      byte[] frame = Files.readAllBytes(ROOT.resolve("model/samples/test-00000.png"));
      HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(url(ports, ServiceImage.INGEST, "/v1/frames"))
          .header("Content-Type", "image/png").header("X-Device-Id", "image-check")
          .header("Authorization", TestSenders.AUTHORIZATION)
          .POST(HttpRequest.BodyPublishers.ofByteArray(frame)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);

      await("the frame's prediction counted by review").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(250))
          .until(() -> framesSeen(ports) == 1);
    } finally {
      stopAll(running.values());
    }
    // The log binding and its settings made it into the image: the service's own log, on stdout.
    assertThat(Files.readString(log(ServiceImage.INGEST, "out"), StandardCharsets.UTF_8)).contains("INFO IngestService - starting ingest");
    // So a read-only root filesystem with a writable /tmp is enough.
    for (ServiceImage service : ServiceImage.values()) {
      assertThat(writtenByTheService(service)).as(service + " wrote outside /tmp").allMatch(path -> path.startsWith("tmp/"));
    }
  }

  /** What the image's user owns in the root filesystem after the run: what the service created. */
  private static List<String> writtenByTheService(ServiceImage service) throws IOException, InterruptedException {
    Path rootfs = service.dir().resolve("rootfs");
    int uid = Integer.parseInt(service.image().user().split(":")[0]);
    try (Stream<Path> paths = Files.walk(rootfs)) {
      List<String> owned = new ArrayList<>();
      for (Path path : paths.toList()) {
        if (Integer.valueOf(uid).equals(Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS))) {
          owned.add(rootfs.relativize(path).toString());
        }
      }
      return owned;
    }
  }

  private ContainerRun start(ServiceImage service, int port) throws IOException, InterruptedException {
    Path rootfs = service.dir().resolve("rootfs");
    service.image().extractTo(rootfs);
    Map<String, String> env = new HashMap<>();
    env.put("KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers());
    // Loopback only and a free port: the host's network is shared with whatever else runs on this machine.
    env.put("HTTP_HOST", "127.0.0.1");
    env.put(service.portVariable, Integer.toString(port));
    env.put("REVIEW_TOKENS", "checker:" + TOKEN + ":reviewer");
    // The ingest image, run alone, requires its senders and frame-id secret.
    env.putAll(TestSenders.with(Map.of()));
    return ContainerRun.start(service.name(), service.image(), rootfs, env, log(service, "out"), log(service, "err"));
  }

  /** Stops every container, even when one of them does not stop in time (which fails the test). */
  private static void stopAll(Collection<ContainerRun> containers) throws InterruptedException {
    IllegalStateException failure = null;
    for (ContainerRun container : containers) {
      try {
        container.stop();
      } catch (IllegalStateException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** The response's status, or a failure with the container's output once it has exited. */
  private static int status(Map<ServiceImage, ContainerRun> running, ServiceImage service, HttpResponse<String> response)
      throws IOException {
    if (response == null && !running.get(service).alive()) {
      fail(service + " exited:\n" + Files.readString(log(service, "out")) + Files.readString(log(service, "err")));
    }
    return response == null ? -1 : response.statusCode();
  }

  private long framesSeen(Map<ServiceImage, Integer> ports) throws IOException, InterruptedException {
    HttpResponse<String> stats = get(url(ports, ServiceImage.REVIEW, "/v1/stats"), true);
    assertThat(stats).isNotNull();
    assertThat(stats.statusCode()).as(stats.body()).isEqualTo(200);
    return JSON.readTree(stats.body()).get("framesSeen").asLong();
  }

  /** GET, or null while nothing listens yet. */
  private HttpResponse<String> get(URI uri, boolean authorized) throws InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET();
    if (authorized) {
      request.header("Authorization", "Bearer " + TOKEN);
    }
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      return null;
    }
  }

  private static URI url(Map<ServiceImage, Integer> ports, ServiceImage service, String path) {
    return URI.create("http://127.0.0.1:" + ports.get(service) + path);
  }

  private static Path log(ServiceImage service, String stream) {
    return ServiceImage.WORK.resolve(service.name().toLowerCase(Locale.ROOT) + "." + stream + ".log");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** The unpacked root filesystems are a few hundred MB each; the logs stay. */
  @AfterAll
  static void removeRootFilesystems() throws IOException {
    for (ServiceImage service : ServiceImage.values()) {
      ImageTarball.deleteRecursively(service.dir().resolve("rootfs"));
    }
  }
}
