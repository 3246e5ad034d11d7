package io.labelstream.platform.store;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The frame store contract on the local folder backend. */
class FileFrameStoreContractTest extends FrameStoreContract {

  @TempDir
  Path root;

  @Override
  protected FrameStore openStore() {
    return new FileFrameStore(root);
  }

  @Override
  protected void overwrite(String key, byte[] other) throws Exception {
    Files.write(root.resolve(key), other);
  }

  @Override
  protected void putForeignObject(String key, byte[] bytes) throws Exception {
    Path file = root.resolve(key);
    Files.createDirectories(file.getParent());
    Files.write(file, bytes);
  }
}
