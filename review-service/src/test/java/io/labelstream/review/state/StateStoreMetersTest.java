package io.labelstream.review.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.ref.WeakReference;
import org.junit.jupiter.api.Test;

class StateStoreMetersTest {

  /** The service binds the meters and keeps no reference to them; a gauge holds its object only weakly. */
  @Test
  void shouldKeepReadingTheStoreAfterTheMetersThemselvesCouldBeCollected() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (FrameBytes store = FrameBytes.temporary()) {
      store.put("a", new byte[] {1});
      store.put("b", new byte[] {2});
      StateStoreMeters meters = new StateStoreMeters(store);
      meters.bindTo(registry);
      WeakReference<StateStoreMeters> unreferenced = new WeakReference<>(meters);
      meters = null;
      for (int i = 0; i < 10 && unreferenced.get() != null; i++) {
        System.gc();
        Thread.sleep(20);
      }

      assertThat(registry.get("labelstream.review.state.store.keys").gauge().value()).isEqualTo(2.0);
    }
    assertThat(registry.get("labelstream.review.state.store.keys").gauge().value()).as("once closed").isNaN();
  }
}
