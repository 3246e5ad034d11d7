package io.labelstream.review.images;

import io.labelstream.platform.http.ApiException;
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
  /** A store that does not answer is usually back within seconds (a restarted server, a network blip). */
  public static final int RETRY_AFTER_SECONDS = 5;

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
  /** {@link #read}, with a refusal as the HTTP error a page or client is answered with. */
  public byte[] readForHttp(StoredImage image, String frameId) {
    try {
      return read(image, frameId);
    } catch (FrameStoreException e) {
      throw httpError(e, frameId);
    }
  }

  /** The answer to a client when the store refused the image of {@code frameId}. */
  public static ApiException httpError(FrameStoreException e, String frameId) {
    return switch (e.kind()) {
      case MISSING -> new ApiException(410, "image_gone", "the image of frame " + frameId
          + " is no longer in the frame store");
      case CORRUPT -> new ApiException(500, "image_corrupt", "the stored image of frame " + frameId
          + " does not match its reference, so it is not served: " + e.getMessage());
      // The store's own message names its folder or bucket: logged, not told to clients.
      case UNAVAILABLE -> ApiException.unavailable("frame_store_unavailable", "the frame store does not answer; try "
          + "again shortly", RETRY_AFTER_SECONDS);
    };
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
