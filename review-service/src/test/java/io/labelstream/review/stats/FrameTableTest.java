package io.labelstream.review.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class FrameTableTest {

  @Test
  void shouldAnswerLikeAHashMapWhileGrowing() {
    FrameTable table = new FrameTable();
    Map<String, Long> expected = new HashMap<>();
    for (int i = 0; i < 50_000; i++) {
      String key = i % 3 == 0 ? "frame-" + i : UUID.nameUUIDFromBytes(new byte[] {(byte) i, (byte) (i >> 8), (byte) (i >> 16)}).toString();
      table.put(key, i);
      expected.put(key, (long) i);
      if (i % 7 == 0) {
        table.put(key, -i); // overwrite
        expected.put(key, (long) -i);
      }
    }

    assertThat(table.size()).isEqualTo(expected.size());
    expected.forEach((key, value) -> assertThat(table.get(new String(key))).isEqualTo(value));
    assertThat(table.get("never-put")).isEqualTo(FrameTable.ABSENT);
  }
}
