package io.labelstream.review.cluster;

import io.labelstream.review.state.StateTailer;
import io.labelstream.schemas.avro.ReviewLeader;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an instance does on winning the queue: apply everything its predecessor committed, then tell the other
 * instances where to send queue changes. Only then does it hand out tasks.
 */
public final class QueueLeadership implements LeaderElection.Listener {

  private static final Logger LOG = LoggerFactory.getLogger(QueueLeadership.class);
  /** Past this, taking over fails and is tried again, rather than leave the queue without a leader for good. */
  private static final Duration CATCH_UP_LIMIT = Duration.ofSeconds(60);

  private final StateTailer tailer;
  private final QueueWriter writer;
  private final String instanceId;
  private final Supplier<String> url;
  private final Clock clock;

  public QueueLeadership(StateTailer tailer, QueueWriter writer, String instanceId, Supplier<String> url, Clock clock) {
    this.tailer = tailer;
    this.writer = writer;
    this.instanceId = instanceId;
    this.url = url;
    this.clock = clock;
  }

  @Override
  public void elected() throws InterruptedException {
    try {
      tailer.catchUp().get(CATCH_UP_LIMIT.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("catching up with the queue failed", e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("the queue's state was not read up to date within " + CATCH_UP_LIMIT.toSeconds()
          + " s", e);
    }
    writer.announce(ReviewLeader.newBuilder().setInstanceId(instanceId).setUrl(url.get()).setElectedAt(clock.instant())
        .build());
    LOG.info("review queue leader: {} at {}", instanceId, url.get());
  }

  @Override
  public void deposed() {
    // Nothing to undo: the queue's state is in Kafka and followers keep reading it.
  }
}
