package io.labelstream.review.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LongLongMapTest {

  @Test
  void shouldKeepEveryEntryWhileGrowingFromItsSmallestSize() {
    LongLongMap map = new LongLongMap(0);

    for (long key = 0; key < 100_000; key++) {
      assertThat(map.put(key * 7919, key)).isEqualTo(LongLongMap.ABSENT);
    }

    assertThat(map.size()).isEqualTo(100_000);
    for (long key = 0; key < 100_000; key++) {
      assertThat(map.get(key * 7919)).isEqualTo(key);
    }
    assertThat(map.get(-1)).isEqualTo(LongLongMap.ABSENT);
    assertThat(map.capacity()).isLessThanOrEqualTo(262_144);
  }

  @Test
  void shouldReplaceAValueAndReturnThePreviousOne() {
    LongLongMap map = new LongLongMap(4);
    map.put(Long.MIN_VALUE, 5);
    map.put(0, 6);

    assertThat(map.put(Long.MIN_VALUE, -1)).isEqualTo(5);
    assertThat(map.get(Long.MIN_VALUE)).isEqualTo(-1);
    assertThat(map.get(0)).isEqualTo(6);
    assertThat(map.size()).isEqualTo(2);
  }

  @Test
  void shouldRefuseValuesThatCouldBeMistakenForAbsent() {
    assertThatThrownBy(() -> new LongLongMap(4).put(1, -2)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldBeSizedForTheExpectedEntriesWithoutGrowing() {
    LongLongMap map = new LongLongMap(1_000_000);
    int capacity = map.capacity();

    for (long key = 0; key < 1_000_000; key++) {
      map.put(KeyHash.of("f" + key), key);
    }

    assertThat(map.capacity()).isEqualTo(capacity).isEqualTo(1 << 21);
  }
}
