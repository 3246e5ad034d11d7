package io.labelstream.inference.store;

import io.labelstream.platform.kafka.AvroBytes;
import io.labelstream.platform.store.ContentKeys;
import io.labelstream.platform.store.FrameStore;
import io.labelstream.platform.store.FrameStoreException;
import io.labelstream.schemas.avro.Frame;
import io.labelstream.schemas.avro.ImageRef;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the worker gets a frame's encoded image, and the reference it passes on (the claim check). The image is the
 * record's inline bytes when it carries any, otherwise the object its {@code imageRef} names in the frame store, its
 * SHA-256 checked there. A frame with inline bytes and no reference (a fleet producing straight to Kafka, or an
 * ingest without a store) is put in the store when one is configured, so its image outlives frames.v1 as well; the
 * key is the content's hash, so doing it again for a retried batch costs nothing.
 *
 * <p>Called on the decode pool, several threads at once. It keeps no image: one read from the store lives only while
 * its frame is decoded, so the store adds at most one encoded image per decode thread to the worker's memory.
 */
public final class FrameImages {

  private static final Logger LOG = LoggerFactory.getLogger(FrameImages.class);

  private final FrameStore store;
  private final Set<String> otherStoresSeen = ConcurrentHashMap.newKeySet();
  private volatile boolean available = true;

  /**
   * @param store the configured store; empty when FRAME_STORE is unset, and then only inline images can be used
   */
  public FrameImages(Optional<FrameStore> store) {
    this.store = store.orElse(null);
  }

  /**
   * A frame's encoded image.
   *
   * @param ref what the records written for the frame carry: the frame's own reference, the one made by putting its
   *     inline bytes in the store, or null when there is no store and the frame had none
   */
  public record FrameImage(byte[] bytes, ImageRef ref) {}

  /**
   * @throws FrameStoreException only {@link FrameStoreException.Kind#UNAVAILABLE}: the store does not answer now, and
   *     the frame must wait for it rather than be given up
   * @throws UnusableImageException the frame's image cannot be had, now or later: it is dead-lettered with the reason
   */
  public FrameImage of(Frame frame) throws FrameStoreException, UnusableImageException {
    byte[] inline = AvroBytes.copy(frame.getImage());
    ImageRef ref = frame.getImageRef();
    if (ref != null && store != null && !sameStore(ref.getStore(), store.location())) {
      warnOnce(ref.getStore());
    }
    if (inline.length > 0) {
      if (ref != null) {
        checkSame(inline, ref);
      } else if (store != null) {
        ref = put(inline, frame.getContentType());
      }
      return new FrameImage(inline, ref);
    }
    if (ref == null) {
      throw new UnusableImageException("no_image", "the frame has neither inline image bytes nor an imageRef", null);
    }
    if (store == null) {
      throw new UnusableImageException("no_frame_store", "the image travels by reference only (in " + ref.getStore()
          + ") and this worker has no frame store: set FRAME_STORE as ingest has it", null);
    }
    if (!sameStore(ref.getStore(), store.location())) {
      throw new UnusableImageException("other_frame_store", "the image is in " + ref.getStore()
          + " and this worker reads " + store.location() + ": set FRAME_STORE the same for ingest and inference", null);
    }
    return new FrameImage(get(ref), ref);
  }

  /**
   * The label made from the inline bytes will be found later by the reference: they must be the same image, or a
   * dataset would pair the label with another picture. Ingest makes both from the same bytes; a fleet writing to Kafka
   * itself might not. The hash costs about 0.1 ms per 100 KB on one core (0.3 ms for a 300 KB frame, against 1.6-2.5
   * ms to decode a 720p camera JPEG), the same check a frame read by reference pays in the store.
   */
  private static void checkSame(byte[] inline, ImageRef ref) throws UnusableImageException {
    try {
      ContentKeys.verified(ref, inline);
    } catch (FrameStoreException e) {
      throw new UnusableImageException("image_mismatch", "the inline bytes are not the image the frame's imageRef "
          + "names (" + e.getMessage() + ")", e);
    }
  }

  private byte[] get(ImageRef ref) throws FrameStoreException, UnusableImageException {
    try {
      byte[] bytes = store.get(ref);
      available = true;
      return bytes;
    } catch (FrameStoreException e) {
      available = !e.isTransient();
      switch (e.kind()) {
        case UNAVAILABLE -> throw e;
        case MISSING -> throw new UnusableImageException("image_missing", e.getMessage(), e);
        case CORRUPT -> throw new UnusableImageException("image_corrupt", e.getMessage(), e);
        default -> throw new IllegalStateException("unknown frame store failure " + e.kind(), e);
      }
    }
  }

  private ImageRef put(byte[] image, String contentType) throws FrameStoreException {
    try {
      ImageRef ref = store.put(image, contentType);
      available = true;
      return ref;
    } catch (FrameStoreException e) {
      // Whatever the store said, the bytes are still here to put again: wait for the store rather than pass on a
      // frame whose image would die with frames.v1.
      available = false;
      throw e.isTransient() ? e : new FrameStoreException(FrameStoreException.Kind.UNAVAILABLE, e.getMessage(), e);
    }
  }

  /** Whether a store is configured. */
  public boolean configured() {
    return store != null;
  }

  /** False from a store call that found the store down until one that reached it: for /readyz and a gauge. */
  public boolean available() {
    return available;
  }

  /**
   * The same store, however its location was spelt: a folder's {@code file:} URI ends in a slash only when the folder
   * existed as the service started.
   */
  static boolean sameStore(String a, String b) {
    return trimSlashes(a).equals(trimSlashes(b));
  }

  private static String trimSlashes(String location) {
    int end = location.length();
    while (end > 0 && location.charAt(end - 1) == '/') {
      end--;
    }
    return location.substring(0, end);
  }

  /** Services that name different stores are misconfigured: worth one loud line per store, not one per frame. */
  private void warnOnce(String other) {
    if (otherStoresSeen.add(other)) {
      LOG.error("a frame refers to the frame store {} but this worker's FRAME_STORE is {}: set FRAME_STORE the same "
          + "for every service; frames by reference only are dead-lettered (other_frame_store) until then",
          other, store.location());
    }
  }
}
