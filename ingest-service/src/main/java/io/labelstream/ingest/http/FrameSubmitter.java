package io.labelstream.ingest.http;

import io.labelstream.ingest.kafka.FrameWriter;
import io.labelstream.ingest.kafka.RecentFrames;
import io.labelstream.platform.http.ApiException;
import io.labelstream.schemas.avro.Frame;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Writes checked frames, once per Idempotency-Key: a retry of a key this process remembers gets the first write's
 * outcome instead of a second record.
 */
final class FrameSubmitter {

  /** A frame on its way to Kafka: {@code acked} completes when Kafka has it. */
  record Pending(Frame frame, boolean duplicate, CompletableFuture<RecordMetadata> acked) {}

  private final FrameWriter writer;
  private final RecentFrames recent;

  FrameSubmitter(FrameWriter writer, RecentFrames recent) {
    this.writer = writer;
    this.recent = recent;
  }

  /** Starts writing one frame; 503 {@code ingest_busy} when the in-flight budget is spent. */
  Pending submit(Frame frame, boolean idempotent) {
    int cost = writer.cost(frame);
    Pending pending = start(frame, idempotent, () -> writer.tryReserve(cost) ? writer.writeReserved(frame, cost) : null);
    if (pending == null) {
      throw busy();
    }
    return pending;
  }

  /**
   * Starts writing all frames, or none: their whole budget is reserved first, so a busy service refuses the batch
   * before anything is sent.
   */
  List<Pending> submitAll(List<Frame> frames, List<Boolean> idempotent) {
    int[] costs = new int[frames.size()];
    long total = 0;
    for (int i = 0; i < costs.length; i++) {
      costs[i] = writer.cost(frames.get(i));
      total += costs[i];
    }
    if (!writer.tryReserve(total)) {
      throw busy();
    }
    List<Pending> pending = new ArrayList<>(frames.size());
    for (int i = 0; i < frames.size(); i++) {
      Frame frame = frames.get(i);
      int cost = costs[i];
      Pending one = start(frame, idempotent.get(i), () -> writer.writeReserved(frame, cost));
      if (one.duplicate()) {
        writer.release(cost);
      }
      pending.add(one);
    }
    return pending;
  }

  private Pending start(Frame frame, boolean idempotent, Supplier<CompletableFuture<RecordMetadata>> write) {
    if (!idempotent) {
      CompletableFuture<RecordMetadata> acked = write.get();
      return acked == null ? null : new Pending(frame, false, acked);
    }
    RecentFrames.Write<RecordMetadata> once = recent.writeOnce(frame.getFrameId(), write);
    return once == null ? null : new Pending(frame, !once.first(), once.result());
  }

  private static ApiException busy() {
    return ApiException.unavailable("ingest_busy", "too many frames are waiting for Kafka; retry shortly", 1);
  }
}
