package io.labelstream.review.images;

import io.labelstream.platform.store.FrameStore;
import io.labelstream.platform.store.FrameStoreException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The review service's way to the frame store (FRAME_STORE): every image a task, a flag, a gold frame or an export
 * shows is read here by its reference, its size and SHA-256 checked by the store, so a wrong image is never served.
 * Without a configured store the service works as before (images read from Kafka), and references are ignored. The
 * store is the service's, which measures it ({@code MeteredFrameStore}: {@code labelstream_frame_store_requests_total}
 * by operation and outcome, {@code corrupt} among them) and closes it.
 */
public final class FrameImages {

  private static final Logger LOG = LoggerFactory.getLogger(FrameImages.class);

  private final Optional<FrameStore> store;

  public FrameImages(Optional<FrameStore> store) {
    this.store = store;
  }

  public static FrameImages none() {
    return new FrameImages(Optional.empty());
  }

  /** Whether a store is configured: references are followed only then. */
  public boolean enabled() {
    return store.isPresent();
  }

  /**
   * The image {@code image} names, checked.
   *
   * @throws FrameStoreException as the store refused it (logged with the frame it was for)
   * @throws IllegalStateException when no store is configured (callers check {@link #enabled()})
   */
  public byte[] read(StoredImage image, String frameId) throws FrameStoreException {
    FrameStore frames = store.orElseThrow(() -> new IllegalStateException("no frame store is configured"));
    try {
      return frames.get(image.ref());
    } catch (FrameStoreException e) {
      if (e.kind() == FrameStoreException.Kind.CORRUPT) {
        LOG.error("the image of frame {} was refused: {}", frameId, e.getMessage());
      } else if (e.kind() == FrameStoreException.Kind.UNAVAILABLE) {
        LOG.warn("the image of frame {} could not be read: {}", frameId, e.getMessage());
      }
      throw e;
    }
  }
  /**
   * What a reader that cannot answer a refusal itself (an export in progress) throws when the store does not answer;
   * missing and corrupt images are its to list.
   */
  public static StoreUnavailableException unavailable(FrameStoreException e) {
    return new StoreUnavailableException(e);
  }

  /** The frame store did not answer; trying again later can help. */
  public static final class StoreUnavailableException extends RuntimeException {
    private StoreUnavailableException(FrameStoreException cause) {
      super(cause.getMessage(), cause);
    }
  }

  /**
   * Puts {@code image} in the store.
   *
   * @throws IllegalStateException when no store is configured
   */
  public StoredImage put(byte[] image, String contentType) throws FrameStoreException {
    FrameStore frames = store.orElseThrow(() -> new IllegalStateException("no frame store is configured"));
    return StoredImage.of(frames.put(image, contentType));
  }
}
