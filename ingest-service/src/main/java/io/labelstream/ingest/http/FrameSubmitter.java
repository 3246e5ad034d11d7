package io.labelstream.ingest.http;

import io.labelstream.ingest.kafka.FrameWriter;
import io.labelstream.ingest.kafka.RecentFrames;
import io.labelstream.ingest.store.ClaimCheck;
import io.labelstream.platform.hash.Sha256;
import io.labelstream.platform.http.ApiException;
import io.labelstream.schemas.avro.Frame;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Writes checked frames, once per Idempotency-Key: a retry of a key this process remembers gets the first write's
 * outcome instead of a second record, and the same key with other bytes is refused (409
 * {@code idempotency_key_reused}) rather than answered as a duplicate while its bytes are dropped.
 *
 * <p>With a frame store, a frame's image is put there first and its record goes to Kafka only once the object is
 * durable ({@link ClaimCheck}); a frame holds its share of the in-flight budget from before the put until Kafka
 * answers, so frames waiting for the store are bounded by the same budget as frames waiting for Kafka.
 */
final class FrameSubmitter {

  /**
   * A frame on its way: {@code acked} completes when Kafka has it (and, with a store, the store had it first). It
   * keeps what the answer needs, not the image.
   */
  record Pending(String frameId, String sender, int imageBytes, boolean duplicate,
      CompletableFuture<RecordMetadata> acked) {

    static Pending of(Frame frame, boolean duplicate, CompletableFuture<RecordMetadata> acked) {
      return new Pending(frame.getFrameId(), frame.getAttributes().get(FrameChecks.SENDER_ATTRIBUTE),
          frame.getImage().remaining(), duplicate, acked);
    }

    Pending with(boolean duplicate, CompletableFuture<RecordMetadata> acked) {
      return new Pending(frameId, sender, imageBytes, duplicate, acked);
    }
  }

  private static final CompletableFuture<Void> OPEN = CompletableFuture.completedFuture(null);

  private final FrameWriter writer;
  private final RecentFrames recent;
  private final Optional<ClaimCheck> claimCheck;

  /** @param claimCheck the frame store's side of a write; empty when images travel inline only */
  FrameSubmitter(FrameWriter writer, RecentFrames recent, Optional<ClaimCheck> claimCheck) {
    this.writer = writer;
    this.recent = recent;
    this.claimCheck = claimCheck;
  }

  /** Starts writing one frame; 503 {@code ingest_busy} when the in-flight budget is spent. */
  Pending submit(Frame frame, boolean idempotent) {
    int cost = writer.cost(frame);
    Pending pending = start(frame, idempotent ? digest(frame) : null,
        () -> writer.tryReserve(cost) ? write(frame, cost, OPEN, new ArrayList<>()) : null);
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
    // With a store, no record of the batch goes to Kafka before every image of it is in the store.
    CompletableFuture<Void> allStored = new CompletableFuture<>();
    List<CompletableFuture<Frame>> puts = new ArrayList<>(frames.size());
    for (int i = 0; i < frames.size(); i++) {
      Frame frame = frames.get(i);
      int cost = costs[i];
      Pending one;
      try {
        one = start(frame, digests.get(i), () -> write(frame, cost, allStored, puts));
      } catch (ApiException reused) {
        // Only a request racing this batch with the same key gets here: the check above saw no reuse.
        writer.release(cost);
        allStored.completeExceptionally(reused);
        throw reused;
      }
      if (one.duplicate()) {
        writer.release(cost);
      }
      pending.add(one);
    }
    CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new)).whenComplete((stored, error) -> {
      if (error != null) {
        allStored.completeExceptionally(error);
      } else {
        allStored.complete(null);
      }
    });
    return pending;
  }

  /**
   * Starts one frame's write, its cost reserved: straight to Kafka, or with a store the image first and then, once
   * {@code gate} opens too, the record.
   *
   * @param puts where the put is added (its answer-bounded future), for a batch's gate
   */
  private CompletableFuture<RecordMetadata> write(Frame frame, int cost, CompletableFuture<Void> gate,
      List<CompletableFuture<Frame>> puts) {
    if (claimCheck.isEmpty()) {
      return writer.writeReserved(frame, cost);
    }
    CompletableFuture<Frame> stored = claimCheck.get().store(frame);
    CompletableFuture<Frame> inTime = claimCheck.get().inTime(stored);
    puts.add(inTime);
    CompletableFuture<RecordMetadata> acked = inTime.thenCombine(gate, (record, open) -> record)
        .thenCompose(writer::send);
    // Once the put is over only the record stays in memory; the rest of the share goes back when Kafka has answered
    // or was never asked (the store failed or was late, or another frame of the batch failed).
    CompletableFuture<Integer> stillHeld = stored.handle((record, failed) -> {
      if (failed != null) {
        return cost;
      }
      int recordCost = writer.cost(record);
      writer.release(cost - recordCost);
      return recordCost;
    });
    stillHeld.thenCombine(acked.handle((metadata, failed) -> null), (held, answered) -> held).thenAccept(writer::release);
    return acked;
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
    // Read before the write starts: with a store, the record is made from the frame in place on a store thread.
    Pending answer = Pending.of(frame, false, null);
    if (digest == null) {
      CompletableFuture<RecordMetadata> acked = write.get();
      return acked == null ? null : answer.with(false, acked);
    }
    RecentFrames.Write<RecordMetadata> once = recent.writeOnce(answer.frameId(), digest, write);
    if (once != null && !once.sameBytes()) {
      throw new ApiException(409, "idempotency_key_reused", reusedMessage());
    }
    return once == null ? null : answer.with(!once.first(), once.result());
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
