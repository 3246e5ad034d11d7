package io.labelstream.platform.store;

import io.labelstream.platform.store.FrameStoreException.Kind;
import io.labelstream.schemas.avro.ImageRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A frame store in a local folder (the embedded default, under {@code LABELSTREAM_DATA_DIR}; or a shared volume).
 * An object is a file at its key below the root. A write goes to a temporary file in the same folder, is forced to
 * disk, and is then renamed into place, so a reader sees either no object or the whole of it, and a crash leaves at
 * worst a temporary file (named {@code .tmp-*}, which {@link #forEach} does not list as an object).
 */
public final class FileFrameStore implements FrameStore {

  private final Path root;
  private final String location;
  /** Whether the root folder has existed: once it has, its disappearance is an outage, not a folder to make. */
  private volatile boolean established;

  public FileFrameStore(Path root) {
    this.root = root.toAbsolutePath().normalize();
    // Path.toUri ends a folder that exists in '/' and one that does not yet without: one spelling for both, so that
    // services opening the same store before and after it was made name it the same.
    String uri = this.root.toUri().toString();
    this.location = uri.endsWith("/") && uri.length() > "file:///".length() ? uri.substring(0, uri.length() - 1) : uri;
    try {
      Files.createDirectories(this.root);
    } catch (IOException e) {
      // reported by the first call that needs it, as the store being unavailable
    }
    this.established = Files.isDirectory(this.root);
  }

  @Override
  public ImageRef put(byte[] image, String contentType) throws FrameStoreException {
    ImageRef ref = ContentKeys.ref(location, image, contentType);
    Path target = root.resolve(ref.getKey());
    try {
      BasicFileAttributes present = attributes(target);
      if (present != null && present.size() == image.length) {
        // The same bytes are there (content-addressed): nothing to write, but the collector must see the object as
        // young again, so that it does not delete it just as a new record starts referring to it.
        Files.setLastModifiedTime(target, FileTime.from(Instant.now()));
        return ref;
      }
      Path temporary = target.resolveSibling(".tmp-" + Thread.currentThread().getId() + "-" + System.nanoTime());
      try {
        try (FileChannel out = create(temporary)) {
          ByteBuffer bytes = ByteBuffer.wrap(image);
          while (bytes.hasRemaining()) {
            out.write(bytes);
          }
          // One flush, before the rename: the rename then never exposes a file whose bytes are not on disk.
          out.force(false);
        }
        move(temporary, target);
      } finally {
        Files.deleteIfExists(temporary);
      }
      forceFolder(target.getParent());
      return ref;
    } catch (IOException | UncheckedIOException e) {
      throw new FrameStoreException(Kind.UNAVAILABLE, "could not write " + ref.getKey() + " under " + location
          + ": " + e.getMessage(), e);
    }
  }

  private static BasicFileAttributes attributes(Path file) throws IOException {
    try {
      return Files.readAttributes(file, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /**
   * A new file for writing; its two-digit folder is made when it is missing, but not a store's root that existed: a
   * root that is gone (an unmounted volume, a moved folder) is an outage, and writing to a fresh empty folder in its
   * place would scatter the store. A root that could not be made when the store opened is made at the first put.
   */
  private FileChannel create(Path file) throws IOException {
    try {
      return FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    } catch (NoSuchFileException e) {
      if (!Files.isDirectory(root)) {
        if (established) {
          throw new NoSuchFileException(root.toString(), null, "the store's folder is not there");
        }
        Files.createDirectories(root); // it could not be made when the store opened; it can now
        established = true;
      }
      Files.createDirectories(file.getParent());
      return FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }
  }

  private static void move(Path temporary, Path target) throws IOException {
    try {
      Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      try {
        Files.move(temporary, target);
      } catch (FileAlreadyExistsException raced) {
        // another writer put the same content first
      }
    }
  }

  /** The rename is durable only once the folder's entry is on disk too. */
  private static void forceFolder(Path folder) {
    try (FileChannel dir = FileChannel.open(folder, StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException e) {
      // some file systems cannot open a folder for reading; the rename is then as durable as they make it
    }
  }

  @Override
  public byte[] get(ImageRef ref) throws FrameStoreException {
    Path file = root.resolve(ref.getKey());
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      if (!Files.isDirectory(root)) {
        // The store's folder itself is gone (an unmounted volume, a moved folder): the store is down, not the object
        // lost; a reader must wait for it rather than give the frame up.
        throw new FrameStoreException(Kind.UNAVAILABLE, "the store's folder " + root + " is not there", e);
      }
      throw new FrameStoreException(Kind.MISSING, "no object " + ref.getKey() + " under " + location, e);
    } catch (IOException e) {
      throw new FrameStoreException(Kind.UNAVAILABLE, "could not read " + ref.getKey() + " under " + location
          + ": " + e.getMessage(), e);
    }
    return ContentKeys.verified(ref, bytes);
  }

  @Override
  public java.util.Optional<StoredObject> stat(String key) throws FrameStoreException {
    Path file = root.resolve(key);
    try {
      return java.util.Optional.of(new StoredObject(key, Files.size(file),
          Files.getLastModifiedTime(file).toInstant()));
    } catch (NoSuchFileException e) {
      return java.util.Optional.empty();
    } catch (IOException e) {
      throw new FrameStoreException(Kind.UNAVAILABLE, "could not read " + key + " under " + location, e);
    }
  }

  @Override
  public void delete(String key) throws FrameStoreException {
    try {
      Files.deleteIfExists(root.resolve(key));
    } catch (IOException e) {
      throw new FrameStoreException(Kind.UNAVAILABLE, "could not delete " + key + " under " + location, e);
    }
  }

  @Override
  public void forEach(Consumer<StoredObject> visitor) throws FrameStoreException {
    if (!Files.isDirectory(root)) {
      throw new FrameStoreException(Kind.UNAVAILABLE, "the store's folder " + root + " is not there");
    }
    Path objects = root.resolve("sha256");
    if (!Files.isDirectory(objects)) {
      return;
    }
    try (Stream<Path> files = Files.walk(objects)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        String key = root.relativize(file).toString().replace('\\', '/');
        if (!ContentKeys.isContentKey(key)) {
          continue; // folders, and temporary files of writes in progress or interrupted
        }
        try {
          visitor.accept(new StoredObject(key, Files.size(file), Files.getLastModifiedTime(file).toInstant()));
        } catch (NoSuchFileException gone) {
          // deleted while listing
        }
      }
    } catch (IOException | UncheckedIOException e) {
      throw new FrameStoreException(Kind.UNAVAILABLE, "could not list " + location + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String location() {
    return location;
  }

  @Override
  public void close() {}
}
