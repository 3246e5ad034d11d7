package io.labelstream.platform.store;

import io.labelstream.schemas.avro.ImageRef;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A frame store that counts and times what it is asked, for {@code /metrics}: requests by operation and outcome
 * ({@code labelstream_frame_store_requests_total{operation,outcome}}), their duration
 * ({@code labelstream_frame_store_request_time_seconds}) and the image bytes put and got
 * ({@code labelstream_frame_store_bytes_total{operation}}). Outcomes are {@code ok} and the
 * {@link FrameStoreException.Kind}s in lower case; every combination is registered at zero from the start, so an alert
 * on {@code outcome="corrupt"} (an image whose bytes no longer match its SHA-256: never served, always worth a look)
 * fires on the first one. A corrupt read is also logged, with the object's key.
 */
public final class MeteredFrameStore implements FrameStore {

  private static final Logger LOG = LoggerFactory.getLogger(MeteredFrameStore.class);

  /** What is measured; {@code forEach} is one listing of the whole store. */
  enum Operation {
    PUT, GET, DELETE, LIST;

    String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final FrameStore store;
  private final Map<Operation, Meters> meters = new EnumMap<>(Operation.class);
  private final Counter bytesPut;
  private final Counter bytesGot;

  public MeteredFrameStore(FrameStore store, MeterRegistry registry) {
    this.store = store;
    for (Operation operation : Operation.values()) {
      meters.put(operation, new Meters(operation, registry));
    }
    bytesPut = bytes(registry, Operation.PUT);
    bytesGot = bytes(registry, Operation.GET);
  }

  private static Counter bytes(MeterRegistry registry, Operation operation) {
    return Counter.builder("labelstream.frame.store.bytes").baseUnit("bytes")
        .description("Image bytes handed to the frame store (put) and read back from it, verified (get)")
        .tag("operation", operation.tag()).register(registry);
  }

  @Override
  public ImageRef put(byte[] image, String contentType) throws FrameStoreException {
    ImageRef ref = meters.get(Operation.PUT).measure(() -> store.put(image, contentType));
    bytesPut.increment(image.length);
    return ref;
  }

  @Override
  public byte[] get(ImageRef ref) throws FrameStoreException {
    byte[] image;
    try {
      image = meters.get(Operation.GET).measure(() -> store.get(ref));
    } catch (FrameStoreException e) {
      if (e.kind() == FrameStoreException.Kind.CORRUPT) {
        LOG.warn("Refused a corrupt image from the frame store {}: {}", store.location(), e.getMessage());
      }
      throw e;
    }
    bytesGot.increment(image.length);
    return image;
  }

  @Override
  public java.util.Optional<StoredObject> stat(String key) throws FrameStoreException {
    return store.stat(key); // only the collector asks, once per object it is about to delete
  }

  @Override
  public void delete(String key) throws FrameStoreException {
    meters.get(Operation.DELETE).measure(() -> {
      store.delete(key);
      return null;
    });
  }

  @Override
  public void forEach(Consumer<StoredObject> visitor) throws FrameStoreException {
    meters.get(Operation.LIST).measure(() -> {
      store.forEach(visitor);
      return null;
    });
  }

  @Override
  public String location() {
    return store.location();
  }

  @Override
  public void close() {
    store.close();
  }

  /** A store call that may fail. */
  @FunctionalInterface
  private interface Call<T> {
    T run() throws FrameStoreException;
  }

  /** The counters and timers of one operation, one of each per outcome. */
  private static final class Meters {
    private final Map<String, Counter> requests = new HashMap<>();
    private final Map<String, Timer> times = new HashMap<>();

    Meters(Operation operation, MeterRegistry registry) {
      for (String outcome : outcomes()) {
        requests.put(outcome, Counter.builder("labelstream.frame.store.requests")
            .description("Frame store calls by operation and outcome (ok, unavailable, missing, corrupt)")
            .tags("operation", operation.tag(), "outcome", outcome).register(registry));
        times.put(outcome, Timer.builder("labelstream.frame.store.request.time")
            .description("How long frame store calls take, by operation and outcome")
            .tags("operation", operation.tag(), "outcome", outcome).register(registry));
      }
    }

    private static String[] outcomes() {
      FrameStoreException.Kind[] kinds = FrameStoreException.Kind.values();
      String[] outcomes = new String[kinds.length + 1];
      outcomes[0] = "ok";
      for (int i = 0; i < kinds.length; i++) {
        outcomes[i + 1] = kinds[i].name().toLowerCase(Locale.ROOT);
      }
      return outcomes;
    }

    /** Runs {@code call} and records its outcome; a runtime exception (a bug, not a store's answer) is not counted. */
    <T> T measure(Call<T> call) throws FrameStoreException {
      long start = System.nanoTime();
      T result;
      try {
        result = call.run();
      } catch (FrameStoreException e) {
        record(e.kind().name().toLowerCase(Locale.ROOT), start);
        throw e;
      }
      record("ok", start);
      return result;
    }

    private void record(String outcome, long start) {
      times.get(outcome).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      requests.get(outcome).increment();
    }
  }
}
