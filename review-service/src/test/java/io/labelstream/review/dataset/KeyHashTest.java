package io.labelstream.review.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class KeyHashTest {

  @Test
  void shouldBeTheFirstHalfOfMurmurHash3x64of128() {
    // Reference values: Guava's Hashing.murmur3_128().hashString(s, UTF_8).asLong().
    assertThat(KeyHash.of("")).isZero();
    assertThat(KeyHash.of("a")).isEqualTo(-8839064797231613815L);
    assertThat(KeyHash.of("hello")).isEqualTo(-3758069500696749310L);
    assertThat(KeyHash.of("0123456789abcdef")).isEqualTo(5467490433528156583L);
    assertThat(KeyHash.of("0123456789abcdefX")).isEqualTo(-3608559037187041545L);
    assertThat(KeyHash.of("3f2504e0-4f89-11d3-9a0c-0305e82c3301")).isEqualTo(-3923980214670845577L);
    assertThat(KeyHash.of("frame-000123")).isEqualTo(921678578834405420L);
    assertThat(KeyHash.of("ü漢字")).isEqualTo(5832991140845977265L);
  }

  @Test
  void shouldGiveTwoMillionFrameIdsTwoMillionHashes() {
    Random random = new Random(5);
    long[] hashes = new long[2_000_000];
    for (int i = 0; i < 1_000_000; i++) {
      hashes[i] = KeyHash.of(new UUID(random.nextLong(), random.nextLong()).toString());
      hashes[1_000_000 + i] = KeyHash.of("crash-" + i);
    }

    Arrays.sort(hashes);

    for (int i = 1; i < hashes.length; i++) {
      assertThat(hashes[i]).as("hash %d", i).isNotEqualTo(hashes[i - 1]);
    }
  }
}
