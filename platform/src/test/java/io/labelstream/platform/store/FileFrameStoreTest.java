package io.labelstream.platform.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labelstream.schemas.avro.ImageRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileFrameStoreTest {

  @TempDir
  Path root;

  @Test
  void shouldGiveBackExactlyTheBytesPutUnderTheirContentKey() throws Exception {
    FileFrameStore store = new FileFrameStore(root);
    byte[] image = {(byte) 0xFF, (byte) 0xD8, 1, 2, 3};

    ImageRef ref = store.put(image, "image/jpeg");

    assertThat(ref.getKey()).isEqualTo(ContentKeys.key(ContentKeys.sha256(image)));
    assertThat(ref.getStore()).isEqualTo("file://" + root.toAbsolutePath());
    assertThat(new FileFrameStore(root.resolve("not-made-yet")).location())
        .isEqualTo("file://" + root.toAbsolutePath().resolve("not-made-yet"));
    assertThat(ref.getSize()).isEqualTo(5);
    assertThat(store.get(ref)).containsExactly(image);
    assertThat(store.put(image, "image/jpeg")).isEqualTo(ref);
  }

  @Test
  void shouldRefuseAnObjectWhoseBytesChangedAndNameAMissingOne() throws Exception {
    FileFrameStore store = new FileFrameStore(root);
    ImageRef ref = store.put(new byte[] {1, 2, 3, 4}, "image/png");
    Files.write(root.resolve(ref.getKey()), new byte[] {1, 2, 3, 5});

    assertThatThrownBy(() -> store.get(ref)).isInstanceOfSatisfying(FrameStoreException.class,
        e -> assertThat(e.kind()).isEqualTo(FrameStoreException.Kind.CORRUPT));

    store.delete(ref.getKey());
    assertThatThrownBy(() -> store.get(ref)).isInstanceOfSatisfying(FrameStoreException.class,
        e -> assertThat(e.kind()).isEqualTo(FrameStoreException.Kind.MISSING));
  }

  @Test
  void shouldListItsObjectsButNotUnfinishedWrites() throws Exception {
    FileFrameStore store = new FileFrameStore(root);
    ImageRef a = store.put(new byte[] {1}, "image/png");
    ImageRef b = store.put(new byte[] {2}, "image/png");
    Files.write(root.resolve(a.getKey()).resolveSibling(".tmp-123"), new byte[] {9});

    List<String> keys = new ArrayList<>();
    store.forEach(o -> keys.add(o.key()));

    assertThat(keys).containsExactlyInAnyOrder(a.getKey(), b.getKey());
  }

  @Test
  void shouldSayItIsUnavailableWhenItCannotWrite() throws Exception {
    Path file = Files.writeString(root.resolve("not-a-folder"), "x");
    FileFrameStore store = new FileFrameStore(file);

    assertThatThrownBy(() -> store.put(new byte[] {1}, "image/png")).isInstanceOfSatisfying(
        FrameStoreException.class, e -> assertThat(e.kind()).isEqualTo(FrameStoreException.Kind.UNAVAILABLE));
  }

  @Test
  void shouldSayItIsUnavailableNotMissingWhenItsFolderIsGone() throws Exception {
    Path folder = root.resolve("frames");
    FileFrameStore store = new FileFrameStore(folder);
    ImageRef ref = store.put(new byte[] {1, 2, 3}, "image/png");
    Files.move(folder, root.resolve("unmounted"));

    assertThatThrownBy(() -> store.get(ref)).isInstanceOfSatisfying(FrameStoreException.class,
        e -> assertThat(e.kind()).isEqualTo(FrameStoreException.Kind.UNAVAILABLE));

    Files.move(root.resolve("unmounted"), folder);
    assertThat(store.get(ref)).containsExactly(1, 2, 3);
  }
}
