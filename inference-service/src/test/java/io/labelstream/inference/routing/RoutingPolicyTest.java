package io.labelstream.inference.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelstream.schemas.PolicyThresholds;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoutingPolicyTest {

  @Test
  void shouldCloseEveryClassWithThePolicyContractsClosedThreshold() {
    RoutingPolicy closed = RoutingPolicy.closed(3);

    assertThat(closed.thresholds()).containsOnly(PolicyThresholds.CLOSED);
    assertThat(closed.source()).isEqualTo("closed");
  }

  @Test
  void shouldTreatAClassThePolicyDoesNotNameAsClosed() {
    RoutingPolicy published = RoutingPolicy.published(List.of(0.9, 0.95), 0.0, Map.of());

    assertThat(published.thresholdFor(1)).isEqualTo(0.95);
    assertThat(PolicyThresholds.isClosed(published.thresholdFor(2))).isTrue();
  }
}
