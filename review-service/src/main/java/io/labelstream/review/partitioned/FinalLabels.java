package io.labelstream.review.partitioned;

import io.labelstream.schemas.avro.Label;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each frame's final label, wherever it is kept: from this instance's store when it owns the frame, else from the
 * instance that does, over {@code GET /internal/labels/{frameId}} with the cluster's token. While the frames are
 * being moved between instances nobody answers for a while: that is a {@link LabelsUnavailable}, to be tried again.
 */
public final class FinalLabels {

  /** Where the other instances answer for their frames. */
  public static final String INTERNAL_PATH = "/internal/labels/";
  private static final Duration ASK_TIMEOUT = Duration.ofSeconds(5);
  private static final Logger LOG = LoggerFactory.getLogger(FinalLabels.class);

  private final PartitionedState state;
  private final String scheme;
  private final String clusterToken;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final Timer shown;
  private final Timer notShown;

  /**
   * @param scheme how the other instances are reached ({@code http} or {@code https}, as this one's URL says)
   * @param registry where the time a submit waits for its label is timed
   */
  public FinalLabels(PartitionedState state, String scheme, String clusterToken, MeterRegistry registry) {
    this.state = state;
    this.scheme = scheme;
    this.clusterToken = clusterToken;
    this.shown = waitTimer(registry, "shown");
    this.notShown = waitTimer(registry, "not_shown");
  }

  private static Timer waitTimer(MeterRegistry registry, String outcome) {
    return Timer.builder("labelstream.review.label.shown.wait")
        .description("How long a submit waited for its label to be served by the frame's owner")
        .tag("outcome", outcome).publishPercentileHistogram().register(registry);
  }

  /**
   * The frame's final label; empty when it has none yet. From the owner when it can be asked; else (the partitions
   * are moving, the owner does not answer) from this instance's own copy of the frame's partition, active or standby,
   * which may be a moment behind; else {@link LabelsUnavailable}, to try again.
   */
  public Optional<Label> get(String frameId) {
    PartitionedState.Owner owner = state.ownerOf(frameId);
    try {
      if (owner instanceof PartitionedState.Owner.Here) {
        return state.localLabel(frameId);
      }
      if (owner instanceof PartitionedState.Owner.Elsewhere elsewhere) {
        return ask(elsewhere.host(), frameId);
      }
    } catch (InvalidStateStoreException moved) {
      return state.localCopy(frameId).orElseThrow(() -> moving(frameId));
    } catch (LabelsUnavailable notNow) {
      if (notNow.reason() == LabelsUnavailable.Reason.CLUSTER_TOKEN_MISMATCH) {
        throw notNow;
      }
      return state.localCopy(frameId).orElseThrow(() -> notNow);
    }
    return state.localCopy(frameId).orElseThrow(() -> moving(frameId));
  }

  /**
   * The final label of a frame this instance owns, for another instance that asked.
   *
   * @return empty when this instance does not own the frame (now); else the label, or none
   */
  public Optional<Optional<Label>> ownLabel(String frameId) {
    if (!(state.ownerOf(frameId) instanceof PartitionedState.Owner.Here)) {
      return Optional.empty();
    }
    try {
      return Optional.of(state.localLabel(frameId));
    } catch (InvalidStateStoreException moved) {
      return Optional.empty();
    }
  }

  /** Whether {@code presented} is the cluster's token (compared in constant time). */
  public boolean fromCluster(String presented) {
    return presented != null && MessageDigest.isEqual(
        presented.getBytes(StandardCharsets.UTF_8), clusterToken.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Waits until the frame's final label is {@code written} (or a later one), for at most {@code atMost}: a person who
   * submits an answer then reads the frame's label sees their answer, though the label reaches its owner's store
   * through Kafka.
   */
  public boolean awaitShown(Label written, Duration atMost) throws InterruptedException {
    long started = System.nanoTime();
    boolean isShown = waitUntilShown(written, started + atMost.toNanos());
    (isShown ? shown : notShown).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    return isShown;
  }

  private boolean waitUntilShown(Label written, long deadline) throws InterruptedException {
    while (true) {
      try {
        Optional<Label> now = get(written.getFrameId());
        if (now.isPresent() && (Objects.equals(now.get().getTaskId(), written.getTaskId())
            || now.get().getLabelledAt().isAfter(written.getLabelledAt()))) {
          return true;
        }
      } catch (LabelsUnavailable notNow) {
        if (notNow.reason() == LabelsUnavailable.Reason.CLUSTER_TOKEN_MISMATCH) {
          return false; // asking again will not help; the mismatch is logged where it is found
        }
      }
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(state.ownerOf(written.getFrameId()) instanceof PartitionedState.Owner.Here ? 2 : 20);
    }
  }

  private Optional<Label> ask(HostInfo owner, String frameId) {
    URI uri = URI.create(scheme + "://" + owner.host() + ":" + owner.port() + INTERNAL_PATH
        + URLEncoder.encode(frameId, StandardCharsets.UTF_8));
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(ASK_TIMEOUT)
        .header("Authorization", "Bearer " + clusterToken).GET().build();
    HttpResponse<byte[]> answer;
    try {
      answer = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new LabelsUnavailable(LabelsUnavailable.Reason.OWNER_UNAVAILABLE, "the review instance that keeps frame "
          + frameId + " did not answer (" + e.getMessage() + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LabelsUnavailable(LabelsUnavailable.Reason.OWNER_UNAVAILABLE,
          "interrupted while asking for frame " + frameId);
    }
    return switch (answer.statusCode()) {
      case 200 -> Optional.of(FinalLabelCodec.decode(answer.body()));
      case 404 -> Optional.empty();
      case 401 -> {
        LOG.warn("the review instance at {} refused this instance's REVIEW_CLUSTER_TOKEN: set the same one on every "
            + "instance", owner);
        throw new LabelsUnavailable(LabelsUnavailable.Reason.CLUSTER_TOKEN_MISMATCH, "the review instance that "
            + "keeps frame " + frameId + " refused this instance's REVIEW_CLUSTER_TOKEN: set the same one on every "
            + "instance");
      }
      default -> throw moving(frameId); // 421: it no longer owns the frame
    };
  }

  /** For the internal endpoint: the label as {@link #ask} reads it back. */
  public static byte[] encoded(Label label) {
    return FinalLabelCodec.encode(label);
  }

  private static LabelsUnavailable moving(String frameId) {
    return new LabelsUnavailable(LabelsUnavailable.Reason.STATE_MOVING, "the review instances are handing frames "
        + "over (frame " + frameId + "); try again in a moment");
  }
}
