package io.labelstream.review.partitioned;

import io.labelstream.review.stats.StatsCells;
import io.labelstream.review.stats.StatsView;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The statistics of every frame: each instance counts the partitions it processes ({@link LocalStats}), so the figures
 * of all frames are this instance's cells plus every other instance's, asked for over {@code GET /internal/stats}
 * with the cluster's token, added up. They add up only when every partition is counted exactly once: while partitions
 * are being handed over (one counted twice or by nobody), or an instance does not answer, the figures last added up
 * are shown if they are at most {@link #STALE_AT_MOST} old (a reviewer signing in meanwhile is not refused), else this
 * is a {@link FrameStateUnavailable}, to be tried again.
 */
public final class FleetStats {

  /** Where the other instances answer with their partitions' statistics. */
  public static final String INTERNAL_PATH = "/internal/stats";

  /** How old the figures shown while partitions move may be. */
  static final Duration STALE_AT_MOST = Duration.ofSeconds(60);

  private static final Logger LOG = LoggerFactory.getLogger(FleetStats.class);

  private final PartitionedState state;
  private final ClusterPeers peers;
  private final Clock clock;
  private volatile Complete lastComplete;

  private record Complete(StatsView view, Instant at) {}

  public FleetStats(PartitionedState state, ClusterPeers peers, Clock clock) {
    this.state = state;
    this.peers = peers;
    this.clock = clock;
  }

  /** The statistics of all frames, as counted now, or as last added up while partitions move. */
  public StatsView view() {
    try {
      StatsView now = addUp();
      lastComplete = new Complete(now, clock.instant());
      return now;
    } catch (FrameStateUnavailable notNow) {
      Complete last = lastComplete;
      if (last != null && !last.at().plus(STALE_AT_MOST).isBefore(clock.instant())) {
        return last.view();
      }
      throw notNow;
    }
  }

  private StatsView addUp() {
    int partitions = state.partitionCount();
    if (partitions == 0) {
      throw moving("no partition has an owner yet");
    }
    StatsCells all = new StatsCells();
    Set<Integer> counted = new HashSet<>(state.stats().addTo(all, state.activePartitions()));
    for (HostInfo other : state.otherInstances()) {
      Own theirs = Own.decode(answer(other));
      for (int partition : theirs.partitions()) {
        if (!counted.add(partition)) {
          throw moving("partition " + partition + " is counted by two instances");
        }
      }
      all.mergeFrom(theirs.cells());
    }
    if (counted.size() != partitions) {
      throw moving("counted " + counted.size() + " of " + partitions + " partitions");
    }
    return new StatsView(all);
  }

  private byte[] answer(HostInfo other) {
    HttpResponse<byte[]> answer = peers.ask(other, INTERNAL_PATH, "statistics");
    if (answer.statusCode() == 401) {
      LOG.warn("the review instance at {} refused this instance's REVIEW_CLUSTER_TOKEN: set the same one on every "
          + "instance", other);
      throw new FrameStateUnavailable(FrameStateUnavailable.Reason.CLUSTER_TOKEN_MISMATCH, "the review instance at "
          + other + " refused this instance's REVIEW_CLUSTER_TOKEN: set the same one on every instance");
    }
    if (answer.statusCode() != 200) {
      throw moving("the review instance at " + other + " answered " + answer.statusCode());
    }
    return answer.body();
  }

  /** For the internal endpoint: the statistics of the partitions this instance counts, and which they are. */
  public byte[] encodedOwn() {
    StatsCells mine = new StatsCells();
    Set<Integer> partitions = state.stats().addTo(mine, state.activePartitions());
    return new Own(partitions, mine).encode();
  }

  private static FrameStateUnavailable moving(String why) {
    return new FrameStateUnavailable(FrameStateUnavailable.Reason.STATE_MOVING, "the statistics cannot be added up "
        + "now (" + why + "): the review instances are handing frames over; try again in a moment");
  }

  /** One instance's part: which partitions it counts, and their cells added up. */
  record Own(Set<Integer> partitions, StatsCells cells) {

    byte[] encode() {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        out.writeInt(partitions.size());
        for (int partition : partitions) {
          out.writeInt(partition);
        }
        byte[] encoded = cells.encode();
        out.writeInt(encoded.length);
        out.write(encoded);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return bytes.toByteArray();
    }

    static Own decode(byte[] bytes) {
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
        Set<Integer> partitions = new TreeSet<>();
        for (int n = in.readInt(); n > 0; n--) {
          partitions.add(in.readInt());
        }
        byte[] cells = new byte[in.readInt()];
        in.readFully(cells);
        return new Own(partitions, StatsCells.decode(cells));
      } catch (IOException e) {
        throw new IllegalArgumentException("another instance's statistics that cannot be read", e);
      }
    }
  }
}
