package io.labelstream.review.state;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.function.ToLongFunction;

/**
 * What the review state's store takes, on {@code /metrics}: the heap no longer shows what the state costs, so an
 * operator sizing the pod's {@code /tmp} volume and memory limit needs these. Read on each scrape; NaN once the store
 * is closed.
 */
public final class StateStoreMeters implements MeterBinder {

  private final FrameBytes store;

  public StateStoreMeters(FrameBytes store) {
    this.store = store;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    gauge(registry, "labelstream.review.state.store.disk", "bytes",
        "Bytes of the review state's store files on local disk (REVIEW_STATE_DIR, or java.io.tmpdir)",
        FrameBytes.Sizes::diskBytes);
    gauge(registry, "labelstream.review.state.store.memory", "bytes",
        "Bytes the review state's store holds in memory outside the heap (write buffers, file indexes and filters)",
        FrameBytes.Sizes::memoryBytes);
    gauge(registry, "labelstream.review.state.store.keys", null,
        "Keys in the review state's store, estimated (a few per frame and per answered task)", FrameBytes.Sizes::keys);
  }

  private void gauge(MeterRegistry registry, String name, String unit, String description,
      ToLongFunction<FrameBytes.Sizes> figure) {
    // Held strongly: nothing else keeps these meters, a gauge holds its object weakly, and once collected it read NaN
    // (ReviewHealthIT saw the keys gauge NaN on a CI run).
    Gauge.builder(name, this, meters -> meters.read(figure)).strongReference(true).baseUnit(unit)
        .description(description).register(registry);
  }

  private double read(ToLongFunction<FrameBytes.Sizes> figure) {
    try {
      return figure.applyAsLong(store.sizes());
    } catch (IllegalStateException closed) {
      return Double.NaN;
    }
  }
}
