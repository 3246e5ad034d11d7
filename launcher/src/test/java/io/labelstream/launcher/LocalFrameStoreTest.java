package io.labelstream.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelstream.platform.config.Env;
import io.labelstream.platform.store.FileFrameStore;
import io.labelstream.platform.store.FrameStoreSettings;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalFrameStoreTest {

  @TempDir
  Path dataDir;

  @Test
  void shouldKeepImagesUnderTheDataFolderWhenFrameStoreIsNotSet() {
    Map<String, String> vars = new HashMap<>(Map.of("FRAME_STORE", " "));

    AllInOne.useLocalFrameStoreUnlessSet(vars, dataDir);

    assertThat(FrameStoreSettings.from(new Env(vars)).open()).get().isInstanceOf(FileFrameStore.class)
        .extracting(store -> Path.of(java.net.URI.create(store.location()))).isEqualTo(dataDir.resolve("frames"));
  }

  @Test
  void shouldLeaveAChosenFrameStoreAlone() {
    Map<String, String> vars = new HashMap<>(Map.of("FRAME_STORE", "file:///srv/frames"));

    AllInOne.useLocalFrameStoreUnlessSet(vars, dataDir);

    assertThat(vars).containsEntry("FRAME_STORE", "file:///srv/frames");
  }
}
