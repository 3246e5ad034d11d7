package io.labelstream.review.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checkpoint file and the store kept beside it, on the real disk store. */
class StateCheckpointTest {

  @TempDir
  Path folder;

  /** A part whose state is one counter. */
  private static final class Counter implements Checkpointed {
    long value;

    @Override
    public void save(DataOutput out) throws IOException {
      out.writeLong(value);
    }

    @Override
    public void restore(DataInput in) throws IOException {
      value = in.readLong();
    }
  }

  @Test
  void shouldGiveBackPositionsPartsAndTheStoreACleanStopLeftOnlyOnce() throws IOException {
    Map<TopicPartition, Long> positions = Map.of(new TopicPartition("labels.v1", 0), 17L,
        new TopicPartition("labels.v1", 1), 0L, new TopicPartition("predictions.v1", 0), 5L);
    try (StateCheckpoint first = new StateCheckpoint(folder, "cluster x")) {
      assertThat(first.take()).isEmpty();
      try (FrameBytes store = FrameBytes.at(first.storeDirectory())) {
        store.put("frame-1\0l", "kept".getBytes(StandardCharsets.UTF_8));
        store.flush();
      }
      Counter counter = new Counter();
      counter.value = 42;
      first.write(positions, Map.of("counter", counter));
    }

    try (StateCheckpoint second = new StateCheckpoint(folder, "cluster x")) {
      Optional<StateCheckpoint.Saved> saved = second.take();

      assertThat(saved).isPresent();
      assertThat(saved.get().positions()).isEqualTo(positions);
      Counter restored = new Counter();
      restored.restore(new DataInputStream(new ByteArrayInputStream(saved.get().parts().get("counter"))));
      assertThat(restored.value).isEqualTo(42);
      try (FrameBytes store = FrameBytes.at(second.storeDirectory())) {
        assertThat(store.get("frame-1\0l")).asString(StandardCharsets.UTF_8).isEqualTo("kept");
      }
    }
    // taken: a crash from here finds no checkpoint, and the store goes with it
    try (StateCheckpoint third = new StateCheckpoint(folder, "cluster x")) {
      assertThat(third.take()).isEmpty();
      assertThat(third.storeDirectory()).doesNotExist();
    }
  }

  @Test
  void shouldNotUseACheckpointWrittenForAnotherIdentityAndDeleteItsStore() throws IOException {
    writeWithStore("cluster x");

    try (StateCheckpoint other = new StateCheckpoint(folder, "cluster y")) {
      assertThat(other.take()).isEmpty();
      assertThat(other.storeDirectory()).doesNotExist();
    }
    assertThat(folder.resolve("checkpoint")).doesNotExist();
  }

  @Test
  void shouldNotUseACheckpointCutShort() throws IOException {
    writeWithStore("cluster x");
    byte[] whole = Files.readAllBytes(folder.resolve("checkpoint"));
    Files.write(folder.resolve("checkpoint"), Arrays.copyOf(whole, whole.length - 3));

    try (StateCheckpoint checkpoint = new StateCheckpoint(folder, "cluster x")) {
      assertThat(checkpoint.take()).isEmpty();
      assertThat(checkpoint.storeDirectory()).doesNotExist();
    }
  }

  @Test
  void shouldRefuseASecondInstanceOnAFolderInUseAndTouchNothingOfIt() throws IOException {
    writeWithStore("cluster x");
    try (StateCheckpoint running = new StateCheckpoint(folder, "cluster x")) {
      assertThat(running.take()).isPresent();
      try (FrameBytes store = FrameBytes.at(running.storeDirectory())) {
        try (StateCheckpoint second = new StateCheckpoint(folder, "cluster y")) {
          assertThatThrownBy(second::take).isInstanceOf(IllegalStateException.class)
              .hasMessageContaining("in use by another review instance");
        }
        assertThat(store.get("frame-1\0l")).as("the running instance's store").isNotNull();
      }
    }
  }

  @Test
  void shouldGoOnAfterACrashFromTheLastCheckpointTakenWhileRunningWithTheStoreAsItWasThen() throws IOException {
    Map<TopicPartition, Long> positions = Map.of(new TopicPartition("labels.v1", 0), 17L);
    try (StateCheckpoint running = new StateCheckpoint(folder, "cluster x")) {
      assertThat(running.take()).isEmpty();
      FrameBytes store = FrameBytes.at(running.storeDirectory());
      store.put("frame-1\0l", bytes("first"));
      running.copyStoreForRunning(store);
      Counter counter = new Counter();
      counter.value = 42;
      running.finishRunning(positions, Map.of("counter", StateCheckpoint.bytesOf(counter)));
      // after the checkpoint: the store goes on, what the crash below leaves of it must not be used
      store.put("frame-1\0l", bytes("changed"));
      store.put("frame-2\0l", bytes("later"));
      store.close(); // the process dies: no checkpoint of a clean stop
    }

    for (int start = 0; start < 2; start++) { // and again: a crash after the first restart finds it still
      try (StateCheckpoint restarted = new StateCheckpoint(folder, "cluster x")) {
        Optional<StateCheckpoint.Saved> saved = restarted.take();

        assertThat(saved).isPresent();
        assertThat(saved.get().positions()).isEqualTo(positions);
        Counter restored = new Counter();
        restored.restore(new DataInputStream(new ByteArrayInputStream(saved.get().parts().get("counter"))));
        assertThat(restored.value).isEqualTo(42);
        try (FrameBytes store = FrameBytes.at(restarted.storeDirectory())) {
          assertThat(store.get("frame-1\0l")).asString(StandardCharsets.UTF_8).isEqualTo("first");
          assertThat(store.get("frame-2\0l")).isNull();
          store.put("frame-3\0l", bytes("after the restart")); // must not reach the checkpoint's copy
          store.flush();
        }
      }
    }
  }

  @Test
  void shouldPreferTheCheckpointOfACleanStopAndKeepOnlyTheLastTakenWhileRunning() throws IOException {
    try (StateCheckpoint running = new StateCheckpoint(folder, "cluster x")) {
      running.take();
      try (FrameBytes store = FrameBytes.at(running.storeDirectory())) {
        for (int i = 1; i <= 2; i++) {
          store.put("frame-1\0l", bytes("running " + i));
          running.copyStoreForRunning(store);
          running.finishRunning(Map.of(new TopicPartition("labels.v1", 0), (long) i), Map.of());
        }
        store.put("frame-1\0l", bytes("stopped"));
        store.flush();
      }
      running.write(Map.of(new TopicPartition("labels.v1", 0), 9L), Map.of());
    }
    try (Stream<Path> entries = Files.list(folder)) {
      assertThat(entries.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("checkpoint", "lock", "running", "store");
    }

    try (StateCheckpoint restarted = new StateCheckpoint(folder, "cluster x")) {
      assertThat(restarted.take()).get().extracting(saved -> List.copyOf(saved.positions().values())).asList().containsExactly(9L);
      try (FrameBytes store = FrameBytes.at(restarted.storeDirectory())) {
        assertThat(store.get("frame-1\0l")).asString(StandardCharsets.UTF_8).isEqualTo("stopped");
      }
    }
    // crashed after that start: the last one taken while running, the second
    try (StateCheckpoint restarted = new StateCheckpoint(folder, "cluster x")) {
      assertThat(restarted.take()).get().extracting(saved -> List.copyOf(saved.positions().values())).asList().containsExactly(2L);
      try (FrameBytes store = FrameBytes.at(restarted.storeDirectory())) {
        assertThat(store.get("frame-1\0l")).asString(StandardCharsets.UTF_8).isEqualTo("running 2");
      }
    }
  }

  @Test
  void shouldNotUseACheckpointTakenWhileRunningForAnotherIdentity() throws IOException {
    try (StateCheckpoint running = new StateCheckpoint(folder, "cluster x")) {
      running.take();
      try (FrameBytes store = FrameBytes.at(running.storeDirectory())) {
        store.put("frame-1\0l", bytes("x"));
        running.copyStoreForRunning(store);
        running.finishRunning(Map.of(), Map.of());
      }
    }

    try (StateCheckpoint other = new StateCheckpoint(folder, "cluster y")) {
      assertThat(other.take()).isEmpty();
      assertThat(other.storeDirectory()).doesNotExist();
    }
    assertThat(folder.resolve("running")).doesNotExist();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private void writeWithStore(String identity) throws IOException {
    try (StateCheckpoint checkpoint = new StateCheckpoint(folder, identity)) {
      checkpoint.take();
      try (FrameBytes store = FrameBytes.at(checkpoint.storeDirectory())) {
        store.put("frame-1\0l", new byte[] {1});
        store.flush();
      }
      Counter counter = new Counter();
      counter.value = 7;
      checkpoint.write(Map.of(new TopicPartition("labels.v1", 0), 3L), Map.of("counter", counter));
      assertThat(checkpoint.storeDirectory()).exists();
    }
  }
}
