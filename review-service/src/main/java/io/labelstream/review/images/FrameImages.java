package io.labelstream.review.images;

import io.labelstream.platform.http.ApiException;
import io.labelstream.platform.store.FrameStore;
import io.labelstream.platform.store.FrameStoreException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The review service's way to the frame store (FRAME_STORE): every image a task, a flag, a gold frame or an export
 * shows is read here by its reference, its size and SHA-256 checked by the store, so a wrong image is never served.
 * Without a configured store the service works as before (images read from Kafka), and references are ignored. The
 * store is the service's, which closes it.
 *
 * <p>Counts reads by outcome ({@code labelstream.review.store.reads}): a {@code corrupt} count above zero means an
 * object in the store no longer matches its reference, which nothing but a broken disk or a hand edit does.
 */
public final class FrameImages implements MeterBinder {

  /** What became of one read. */
  public enum Outcome { OK, MISSING, CORRUPT, UNAVAILABLE }

  private static final Logger LOG = LoggerFactory.getLogger(FrameImages.class);
  /** A store that does not answer is usually back within seconds (a restarted server, a network blip). */
  public static final int RETRY_AFTER_SECONDS = 5;

  private final Optional<FrameStore> store;
  private final Map<Outcome, Counter> reads = new EnumMap<>(Outcome.class);

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

  /** Where the store is, safe to log. */
  public Optional<String> location() {
    return store.map(FrameStore::location);
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    for (Outcome outcome : Outcome.values()) {
      reads.put(outcome, Counter.builder("labelstream.review.store.reads")
          .description("Images read from the frame store, by outcome (corrupt: refused, its SHA-256 or size differs)")
          .tag("outcome", outcome.name().toLowerCase(java.util.Locale.ROOT)).register(registry));
    }
  }

  /**
   * The image {@code image} names, checked.
   *
   * @throws FrameStoreException as the store refused it (the failure is counted and, when corrupt, logged)
   * @throws IllegalStateException when no store is configured (callers check {@link #enabled()})
   */
  public byte[] read(StoredImage image, String frameId) throws FrameStoreException {
    FrameStore frames = store.orElseThrow(() -> new IllegalStateException("no frame store is configured"));
    try {
      byte[] bytes = frames.get(image.ref());
      count(Outcome.OK);
      return bytes;
    } catch (FrameStoreException e) {
      count(Outcome.valueOf(e.kind().name()));
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

  private void count(Outcome outcome) {
    Counter counter = reads.get(outcome);
    if (counter != null) {
      counter.increment();
    }
  }
}
