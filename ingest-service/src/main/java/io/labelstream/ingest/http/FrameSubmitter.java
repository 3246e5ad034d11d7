package io.labelstream.ingest.http;

import io.labelstream.ingest.kafka.FrameWriter;
import io.labelstream.ingest.kafka.RecentFrames;
import io.labelstream.platform.hash.Sha256;
import io.labelstream.platform.http.ApiException;
import io.labelstream.schemas.avro.Frame;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Writes checked frames, once per Idempotency-Key: a retry of a key this process remembers gets the first write's
 * outcome instead of a second record, and the same key with other bytes is refused (409
 * {@code idempotency_key_reused}) rather than answered as a duplicate while its bytes are dropped.
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
    Pending pending = start(frame, idempotent ? digest(frame) : null,
        () -> writer.tryReserve(cost) ? writer.writeReserved(frame, cost) : null);
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
    List<byte[]> digests = digestsOfReusableKeys(frames, idempotent);
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
      Pending one;
      try {
        one = start(frame, digests.get(i), () -> writer.writeReserved(frame, cost));
      } catch (ApiException reused) {
        // Only a request racing this batch with the same key gets here: the check above saw no reuse.
        writer.release(cost);
        throw reused;
      }
      if (one.duplicate()) {
        writer.release(cost);
      }
      pending.add(one);
    }
    return pending;
  }

  /**
   * The digest of each frame with an Idempotency-Key (null for the others), after checking that no key is reused
   * with other bytes, against earlier requests or inside the batch, so a batch is refused before anything is sent.
   */
  private List<byte[]> digestsOfReusableKeys(List<Frame> frames, List<Boolean> idempotent) {
    List<byte[]> digests = new ArrayList<>(frames.size());
    Map<String, byte[]> inBatch = new HashMap<>();
    for (int i = 0; i < frames.size(); i++) {
      if (!idempotent.get(i)) {
        digests.add(null);
        continue;
      }
      Frame frame = frames.get(i);
      byte[] digest = digest(frame);
      byte[] earlier = inBatch.putIfAbsent(frame.getFrameId(), digest);
      if ((earlier != null && !Arrays.equals(earlier, digest)) || recent.reusedWithOtherBytes(frame.getFrameId(), digest)) {
        throw new ApiException(409, "idempotency_key_reused", "frame " + (i + 1) + " of " + frames.size() + ": "
            + reusedMessage());
      }
      digests.add(digest);
    }
    return digests;
  }

  /** @param digest the image's digest when the frame has an Idempotency-Key, else null */
  private Pending start(Frame frame, byte[] digest, Supplier<CompletableFuture<RecordMetadata>> write) {
    if (digest == null) {
      CompletableFuture<RecordMetadata> acked = write.get();
      return acked == null ? null : new Pending(frame, false, acked);
    }
    RecentFrames.Write<RecordMetadata> once = recent.writeOnce(frame.getFrameId(), digest, write);
    if (once != null && !once.sameBytes()) {
      throw new ApiException(409, "idempotency_key_reused", reusedMessage());
    }
    return once == null ? null : new Pending(frame, !once.first(), once.result());
  }

  private static byte[] digest(Frame frame) {
    return Sha256.of(frame.getImage());
  }

  private static String reusedMessage() {
    return "this device already sent other bytes with this Idempotency-Key; a retry must repeat the same bytes, a new "
        + "frame needs a new key";
  }

  private static ApiException busy() {
    return ApiException.unavailable("ingest_busy", "too many frames are waiting for Kafka; retry shortly", 1);
  }
}
