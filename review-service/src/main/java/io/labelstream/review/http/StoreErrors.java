package io.labelstream.review.http;

import io.labelstream.platform.http.ApiException;
import io.labelstream.platform.store.FrameStoreException;
import io.labelstream.review.images.FrameImages;
import io.labelstream.review.images.StoredImage;

/** How the frame store's refusals are answered: the same codes wherever an image is read or stored. */
final class StoreErrors {

  /** A store that does not answer is usually back within seconds (a restarted server, a network blip). */
  static final int RETRY_AFTER_SECONDS = 5;

  private StoreErrors() {}

  /** The image {@code image} names, or the error that answers its refusal. */
  static byte[] read(FrameImages store, StoredImage image, String frameId) {
    try {
      return store.read(image, frameId);
    } catch (FrameStoreException e) {
      throw of(e, frameId);
    }
  }

  /**
   * {@code 410 image_gone}, {@code 500 image_corrupt} (never a wrong image) or {@code 503 frame_store_unavailable}
   * with Retry-After. The store's own message names its folder or bucket when it does not answer: logged by
   * {@link FrameImages}, not told to clients.
   */
  static ApiException of(FrameStoreException e, String what) {
    return switch (e.kind()) {
      case MISSING -> new ApiException(410, "image_gone", "the image of frame " + what
          + " is no longer in the frame store");
      case CORRUPT -> new ApiException(500, "image_corrupt", "the stored image of frame " + what
          + " does not match its reference, so it is not served: " + e.getMessage());
      case UNAVAILABLE -> unavailable();
    };
  }

  static ApiException unavailable() {
    return ApiException.unavailable("frame_store_unavailable", "the frame store does not answer; try again shortly",
        RETRY_AFTER_SECONDS);
  }

  /** An image only the store has, on an instance started without FRAME_STORE. */
  static ApiException notConfigured(String frameId) {
    return ApiException.unavailable("frame_store_unavailable", "the image of frame " + frameId + " is in the frame "
        + "store, and this instance has none configured (FRAME_STORE)", RETRY_AFTER_SECONDS);
  }
}
