package io.labelstream.review.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class FrameBytesTest {

  static Stream<Supplier<FrameBytes>> stores() {
    return Stream.of(FrameBytes::temporary, FrameBytes::inMemory);
  }

  @ParameterizedTest
  @MethodSource("stores")
  void aValueReadsBackAndTheLatestPutWins(Supplier<FrameBytes> store) {
    try (FrameBytes bytes = store.get()) {
      bytes.put("frame-1\0l", utf8("first"));
      bytes.put("frame-1\0l", utf8("second"));

      assertThat(bytes.get("frame-1\0l")).isEqualTo(utf8("second"));
      assertThat(bytes.get("frame-2\0l")).isNull();
    }
  }

  @ParameterizedTest
  @MethodSource("stores")
  void aDeletedKeyReadsAsAbsentAndOthersStay(Supplier<FrameBytes> store) {
    try (FrameBytes bytes = store.get()) {
      bytes.put("t-1\0a", utf8("answer"));
      bytes.put("t-2\0a", utf8("other"));

      bytes.delete("t-1\0a");
      bytes.delete("t-3\0a"); // never there: nothing happens

      assertThat(bytes.get("t-1\0a")).isNull();
      assertThat(bytes.get("t-2\0a")).isEqualTo(utf8("other"));
    }
  }

  @ParameterizedTest
  @MethodSource("stores")
  void aPrefixReadsItsKeysOnlyInOrder(Supplier<FrameBytes> store) {
    try (FrameBytes bytes = store.get()) {
      bytes.put("frame-1\0e\0b", utf8("b"));
      bytes.put("frame-1\0e\0a", utf8("a"));
      bytes.put("frame-1\0f", utf8("not an event"));
      bytes.put("frame-10\0e\0a", utf8("another frame"));
      bytes.put("frame-0\0e\0a", utf8("another frame"));

      Map<String, String> read = new LinkedHashMap<>();
      bytes.forEachWithPrefix("frame-1\0e\0", (key, value) -> read.put(key, new String(value, StandardCharsets.UTF_8)));

      assertThat(read).containsExactly(Map.entry("frame-1\0e\0a", "a"), Map.entry("frame-1\0e\0b", "b"));
    }
  }

  @ParameterizedTest
  @MethodSource("stores")
  void aPrefixWithNoKeysReadsNothing(Supplier<FrameBytes> store) {
    try (FrameBytes bytes = store.get()) {
      bytes.put("frame-2\0e\0a", utf8("a"));
      Map<String, byte[]> read = new LinkedHashMap<>();

      bytes.forEachWithPrefix("frame-1\0e\0", read::put);

      assertThat(read).isEmpty();
    }
  }

  @ParameterizedTest
  @MethodSource("stores")
  void itsSizesGrowWithWhatItHolds(Supplier<FrameBytes> store) {
    try (FrameBytes bytes = store.get()) {
      FrameBytes.Sizes empty = bytes.sizes();
      for (int i = 0; i < 1_000; i++) {
        bytes.put("frame-" + i + "\0l", new byte[100]);
      }

      FrameBytes.Sizes full = bytes.sizes();

      assertThat(empty.keys()).isZero();
      assertThat(full.keys()).isEqualTo(1_000); // exact while nothing was deleted or overwritten
      assertThat(full.memoryBytes()).isGreaterThan(empty.memoryBytes() + 100_000);
      assertThat(full.diskBytes()).isGreaterThanOrEqualTo(0);
    }
  }

  @Test
  void aClosedDiskStoreRefusesUseInsteadOfCrashing() {
    FrameBytes bytes = FrameBytes.temporary();
    bytes.put("frame-1\0l", utf8("x"));
    bytes.close();

    assertThatThrownBy(() -> bytes.get("frame-1\0l")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> bytes.put("frame-1\0l", utf8("y"))).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(bytes::sizes).isInstanceOf(IllegalStateException.class);
  }

  private static byte[] utf8(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void storesLeftBySomeoneGoneAreDeletedAndLiveOnesKept(@TempDir Path tmp) throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Process alive = new ProcessBuilder("sleep", "60").start();
    try {
      Path ofTheDead = Files.createDirectories(tmp.resolve("labelstream-review-state-" + gone.pid() + "-1"));
      Files.writeString(ofTheDead.resolve("000001.sst"), "left behind");
      Path ofAnEarlierSelf = Files.createDirectories(
          tmp.resolve("labelstream-review-state-" + ProcessHandle.current().pid() + "-2"));
      Path ofTheLiving = Files.createDirectories(tmp.resolve("labelstream-review-state-" + alive.pid() + "-3"));
      Path unrelated = Files.createDirectories(tmp.resolve("something-else"));

      FrameBytes.deleteLeftBehind(tmp);

      assertThat(ofTheDead).doesNotExist();
      assertThat(ofAnEarlierSelf).as("this pid, but not a store this process opened").doesNotExist();
      assertThat(ofTheLiving).exists();
      assertThat(unrelated).exists();
    } finally {
      alive.destroy();
    }
  }

  @Test
  void aStoreThisProcessHasOpenIsNotLeftBehind() throws Exception {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    try (FrameBytes open = FrameBytes.temporary()) {
      open.put("frame-1\0l", utf8("x"));
      Set<Path> before = storesOfThisProcess(tmp);

      FrameBytes.deleteLeftBehind(tmp);

      assertThat(before).isNotEmpty();
      assertThat(storesOfThisProcess(tmp)).containsAll(before);
      assertThat(open.get("frame-1\0l")).isEqualTo(utf8("x"));
    }
  }

  private static Set<Path> storesOfThisProcess(Path tmp) throws Exception {
    try (Stream<Path> entries = Files.list(tmp)) {
      return entries.filter(d -> d.getFileName().toString()
          .startsWith("labelstream-review-state-" + ProcessHandle.current().pid() + "-")).collect(Collectors.toSet());
    }
  }
}
