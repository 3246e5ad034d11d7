package io.labelstream.review.partitioned;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import org.apache.kafka.streams.state.HostInfo;

/**
 * How review instances ask each other for what they keep of a frame: over {@code /internal/...} at the owner's
 * advertised host and port, with the cluster's token ({@code REVIEW_CLUSTER_TOKEN}, the same on every instance), which
 * the owner checks with {@link #fromCluster}.
 */
public final class ClusterPeers {

  private static final Duration ASK_TIMEOUT = Duration.ofSeconds(5);

  private final String scheme;
  private final String clusterToken;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** @param scheme how the other instances are reached ({@code http} or {@code https}, as this one's URL says) */
  public ClusterPeers(String scheme, String clusterToken) {
    this.scheme = scheme;
    this.clusterToken = clusterToken;
  }

  /** Whether {@code presented} is the cluster's token (compared in constant time). */
  public boolean fromCluster(String presented) {
    return presented != null && MessageDigest.isEqual(
        presented.getBytes(StandardCharsets.UTF_8), clusterToken.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Asks {@code owner} at {@code path} + the frame id.
   *
   * @throws FrameStateUnavailable OWNER_UNAVAILABLE when it does not answer
   */
  HttpResponse<byte[]> askAboutFrame(HostInfo owner, String path, String frameId) {
    return ask(owner, path + URLEncoder.encode(frameId, StandardCharsets.UTF_8), "frame " + frameId);
  }

  /**
   * Asks {@code other} at {@code path} for {@code what} (as the error names it).
   *
   * @throws FrameStateUnavailable OWNER_UNAVAILABLE when it does not answer
   */
  HttpResponse<byte[]> ask(HostInfo other, String path, String what) {
    URI uri = URI.create(scheme + "://" + other.host() + ":" + other.port() + path);
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(ASK_TIMEOUT)
        .header("Authorization", "Bearer " + clusterToken).GET().build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new FrameStateUnavailable(FrameStateUnavailable.Reason.OWNER_UNAVAILABLE, "the review instance that "
          + "keeps " + what + " did not answer (" + e.getMessage() + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FrameStateUnavailable(FrameStateUnavailable.Reason.OWNER_UNAVAILABLE,
          "interrupted while asking for " + what);
    }
  }
}
