package io.labelstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class FrameIdsTest {

  private static final FrameIds IDS = FrameIds.keyed("server-secret-0123456789");

  @Test
  void shouldGiveARetryOfTheSameDeviceAndKeyTheSameUuidShapedId() {
    String id = IDS.idFor("car-1", "k-1");

    assertThat(id).isEqualTo(FrameIds.keyed("server-secret-0123456789").idFor("car-1", "k-1"));
    UUID uuid = UUID.fromString(id);
    assertThat(uuid.version()).isEqualTo(8);
    assertThat(uuid.variant()).isEqualTo(2);
    assertThat(IDS.idFor("car-2", "k-1")).isNotEqualTo(id);
    assertThat(IDS.idFor("car-1", "k-2")).isNotEqualTo(id);
    // The separator keeps device and key apart: "car-1" + "2k" is not "car-12" + "k".
    assertThat(IDS.idFor("car-12", "k")).isNotEqualTo(IDS.idFor("car-1", "2k"));
  }

  /** Issue 13: frame ids were a UUIDv3 of device and key, so anyone who knew both could name a frame. */
  @Test
  void shouldNotLetAnyoneWithoutTheSecretComputeAFrameIdFromDeviceAndKey() {
    String id = IDS.idFor("car-1", "frame-000042");

    @SuppressWarnings("deprecation")
    String publicDerivation = FrameIds.forIdempotencyKey("car-1", "frame-000042");
    assertThat(id).isNotEqualTo(publicDerivation)
        .isNotEqualTo(UUID.nameUUIDFromBytes("car-1\u0000frame-000042".getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString());
    assertThat(FrameIds.keyed("another-secret-0123456789").idFor("car-1", "frame-000042")).isNotEqualTo(id);
  }

  @Test
  void shouldRefuseAShortSecretAndNeverShowIt() {
    assertThatThrownBy(() -> FrameIds.keyed("short")).isInstanceOf(IllegalArgumentException.class);
    assertThat(IDS.toString()).doesNotContain("server-secret");
  }
}
