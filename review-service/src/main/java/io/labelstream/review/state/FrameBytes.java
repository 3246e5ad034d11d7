package io.labelstream.review.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Checkpoint;
import org.rocksdb.CompactionStyle;
import org.rocksdb.CompressionType;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteOptions;
import org.slf4j.LoggerFactory;

/**
 * What the review state keeps per frame, as bytes by key, out of the heap: in RocksDB, in a directory of its own.
 * Per frame the heap then holds nothing, so it stays flat as frames grow; the disk holds about what the records
 * hold.
 *
 * <p>Nothing is logged ahead of writes: a crash loses nothing that Kafka does not still hold. Without a state directory
 * ({@link #temporary()}) the state is rebuilt from Kafka at every start, so each start opens a new directory,
 * deleted on close, named after the process: one left behind by a process that died (a killed container keeps its
 * {@code emptyDir}) is deleted when the next store opens. In a state directory ({@link #at}) the store is kept on
 * close, written out whole ({@link #flush()}) first, for a {@link StateCheckpoint} to go on from. Keys are UTF-8 strings and sort bytewise;
 * {@link #forEachWithPrefix} reads the keys that start with a prefix, in that order.
 *
 * <p>Every key is {@link #key}: the frameId (or a task id), a NUL (frame ids are UUIDs: they hold none) and a
 * {@link Kind}, the one place that says which kinds there are, so that no two users of the store can share keys.
 *
 * <p>{@link #inMemory()} keeps the same in a sorted map, for tests of the classes built on it.
 */
public abstract class FrameBytes implements AutoCloseable {

  static {
    RocksDB.loadLibrary();
  }

  /** What a key holds about its frame, and whose it is. */
  public enum Kind {
    /** The frame was predicted ({@link PipelineCounts}). */
    SEEN('n'),
    /** Keyed by task id: the answer that settled the task ({@code queue.SettledAnswers}). */
    ANSWER('a');

    private final char tag;

    Kind(char tag) {
      this.tag = tag;
    }
  }

  /**
   * The key of what {@code kind} holds about frame {@code id}, or, for the kinds kept per review task, about task
   * {@code id} (task ids, {@code t-<hex>}, are never frame ids, and hold no NUL either).
   */
  public static String key(String id, Kind kind) {
    return id + '\0' + kind.tag;
  }

  private static final String PREFIX = "labelstream-review-state-";
  /** The directories this process made: a new process may have the pid a dead one had (pid 1 in a container). */
  private static final Set<Path> OURS = ConcurrentHashMap.newKeySet();

  /** Opens a store in a new temporary directory, deleted again on {@link #close()}. */
  public static FrameBytes temporary() {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    deleteLeftBehind(tmp);
    try {
      Path directory = Files.createTempDirectory(tmp, PREFIX + ProcessHandle.current().pid() + "-");
      OURS.add(directory);
      return new Rocks(directory, true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make a directory for the review state", e);
    }
  }

  /** Deletes the stores in {@code tmp} of processes that are gone. */
  static void deleteLeftBehind(Path tmp) {
    long self = ProcessHandle.current().pid();
    try (Stream<Path> entries = Files.list(tmp)) {
      for (Path directory : entries.filter(d -> d.getFileName().toString().startsWith(PREFIX)).toList()) {
        long pid = pidOf(directory);
        boolean alive = pid == self ? OURS.contains(directory) : ProcessHandle.of(pid).isPresent();
        if (pid >= 0 && !alive) {
          deleteRecursively(directory);
        }
      }
    } catch (IOException | UncheckedIOException e) {
      // Only space is at stake: the new store does not need the old ones gone.
      LoggerFactory.getLogger(FrameBytes.class).warn("cannot delete review state left in {}: {}", tmp, e.toString());
    }
  }

  /** The pid in a store directory's name, or -1. */
  private static long pidOf(Path directory) {
    String[] parts = directory.getFileName().toString().substring(PREFIX.length()).split("-", 2);
    try {
      return parts.length == 2 ? Long.parseLong(parts[0]) : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static void deleteRecursively(Path directory) {
    try (Stream<Path> files = Files.walk(directory)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the review state in " + directory, e);
    }
  }

  /**
   * Opens the store kept in {@code directory}, making it if there is none; kept on {@link #close()}. What it holds
   * is only as good as the checkpoint it goes with: the caller deletes it ({@link #deleteStore}) when there is none.
   */
  public static FrameBytes at(Path directory) {
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make a directory for the review state", e);
    }
    return new Rocks(directory, false);
  }

  /** Deletes a store kept in {@code directory} by {@link #at}, if there is one. */
  public static void deleteStore(Path directory) {
    if (Files.exists(directory)) {
      deleteRecursively(directory);
    }
  }

  /**
   * Makes the store in {@code store} (deleted first, if there) a copy of the one {@link #copyTo} wrote to {@code copy},
   * leaving {@code copy} as it is, to be used again should this start end in a crash too. Its data files, which
   * RocksDB never changes once written, are linked rather than copied; the files it appends to are copied.
   */
  public static void restoreCopy(Path copy, Path store) throws IOException {
    deleteStore(store);
    Files.createDirectories(store);
    try (Stream<Path> files = Files.list(copy)) {
      for (Path file : files.toList()) {
        Path target = store.resolve(file.getFileName());
        if (file.getFileName().toString().endsWith(".sst")) {
          Files.createLink(target, file);
        } else {
          Files.copy(file, target);
        }
      }
    }
  }

  /** A store in the heap. */
  public static FrameBytes inMemory() {
    return new Heap();
  }

  public abstract void put(String key, byte[] value);

  /** Removes {@code key} and its value, if there is one. */
  public abstract void delete(String key);

  /** The value under {@code key}, or null. */
  public abstract byte[] get(String key);

  /** Hands every key starting with {@code prefix}, and its value, to {@code visitor}, in key order. */
  public abstract void forEachWithPrefix(String prefix, BiConsumer<String, byte[]> visitor);

  /**
   * How big the store is.
   *
   * @param diskBytes its files (compressed)
   * @param memoryBytes what it holds in memory besides the heap: write buffers not yet written out and the files'
   *     indexes and filters read so far
   * @param keys about how many keys it holds (RocksDB's estimate: deleted and overwritten keys may still count)
   */
  public record Sizes(long diskBytes, long memoryBytes, long keys) {}

  /** @throws IllegalStateException once closed */
  public abstract Sizes sizes();

  /**
   * Writes everything put so far out of memory into the store's files and waits until it is: without a log ahead of
   * writes, only that survives the process.
   */
  public abstract void flush();

  /**
   * Writes the store as it is now, its write buffers written out first, into {@code target} (a folder not there
   * yet), for a checkpoint taken while running; read it back with {@link #restoreCopy}. RocksDB links its data files
   * rather than copy them: a copy costs little disk until compaction replaces those files in the store.
   */
  public abstract void copyTo(Path target);

  @Override
  public abstract void close();

  private static byte[] utf8(String key) {
    return key.getBytes(StandardCharsets.UTF_8);
  }

  /** RocksDB in a directory this store owns. */
  private static final class Rocks extends FrameBytes {
    private final Path directory;
    private final boolean deleteOnClose;
    private final BloomFilter filter;
    private final Options options;
    private final WriteOptions writes;
    private final RocksDB db;
    /** Reads and writes share it, closing takes it alone: a closed RocksDB handle must never be used (it crashes). */
    private final ReadWriteLock open = new ReentrantReadWriteLock();
    private boolean closed;

    Rocks(Path directory, boolean deleteOnClose) {
      this.directory = directory;
      this.deleteOnClose = deleteOnClose;
      // The rebuild writes every frame's keys at once, and compaction shares the cores with it (one compaction
      // thread was as busy as the rebuild's): larger write buffers (filled only as needed) and universal
      // compaction, which rewrites data less often than leveled compaction, leave it more of them.
      // A Bloom filter per file and per write buffer: most reads while rebuilding ask for a key not there yet (a
      // frame's first label, a task's first answer), which the filters answer without searching the files or the
      // buffers (in a profile of a ten-million-frame rebuild, 60% of the time in the store went to reads, most of them
      // for keys not there).
      this.filter = new BloomFilter(10);
      this.options = new Options().setCreateIfMissing(true).setCompressionType(CompressionType.LZ4_COMPRESSION)
          .setWriteBufferSize(64L << 20).setMaxWriteBufferNumber(3).setCompactionStyle(CompactionStyle.UNIVERSAL)
          .setMemtableWholeKeyFiltering(true).setMemtablePrefixBloomSizeRatio(0.05)
          .setTableFormatConfig(new BlockBasedTableConfig().setFilterPolicy(filter));
      this.writes = new WriteOptions().setDisableWAL(true);
      try {
        this.db = RocksDB.open(options, directory.toString());
      } catch (RocksDBException e) {
        options.close();
        writes.close();
        filter.close();
        throw new IllegalStateException("cannot open the review state in " + directory + ": " + e.getMessage(), e);
      }
    }

    @Override
    public void put(String key, byte[] value) {
      whileOpen(() -> {
        db.put(writes, utf8(key), value);
        return null;
      });
    }

    @Override
    public void delete(String key) {
      whileOpen(() -> {
        db.delete(writes, utf8(key));
        return null;
      });
    }

    @Override
    public byte[] get(String key) {
      return whileOpen(() -> db.get(utf8(key)));
    }

    @Override
    public void forEachWithPrefix(String prefix, BiConsumer<String, byte[]> visitor) {
      byte[] start = utf8(prefix);
      whileOpen(() -> {
        try (Slice end = new Slice(afterPrefix(start));
            ReadOptions reads = new ReadOptions().setIterateUpperBound(end);
            RocksIterator it = db.newIterator(reads)) {
          for (it.seek(start); it.isValid(); it.next()) {
            visitor.accept(new String(it.key(), StandardCharsets.UTF_8), it.value());
          }
        }
        return null;
      });
    }

    @Override
    public Sizes sizes() {
      return whileOpen(() -> new Sizes(db.getLongProperty("rocksdb.total-sst-files-size"),
          db.getLongProperty("rocksdb.cur-size-all-mem-tables")
              + db.getLongProperty("rocksdb.estimate-table-readers-mem"),
          db.getLongProperty("rocksdb.estimate-num-keys")));
    }

    @Override
    public void flush() {
      whileOpen(() -> {
        try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
          db.flush(flush);
        }
        return null;
      });
    }

    @Override
    public void copyTo(Path target) {
      whileOpen(() -> {
        try (FlushOptions flush = new FlushOptions().setWaitForFlush(true);
            Checkpoint checkpoint = Checkpoint.create(db)) {
          db.flush(flush);
          checkpoint.createCheckpoint(target.toString());
        }
        return null;
      });
    }

    private interface Access<T> {
      T run() throws RocksDBException;
    }

    private <T> T whileOpen(Access<T> access) {
      open.readLock().lock();
      try {
        if (closed) {
          throw new IllegalStateException("the review state is closed");
        }
        return access.run();
      } catch (RocksDBException e) {
        throw new IllegalStateException("cannot use the review state in " + directory + ": " + e.getMessage(), e);
      } finally {
        open.readLock().unlock();
      }
    }

    /** The smallest key after every key that starts with {@code prefix}. */
    private static byte[] afterPrefix(byte[] prefix) {
      byte[] end = Arrays.copyOf(prefix, prefix.length);
      for (int i = end.length - 1; i >= 0; i--) {
        if (end[i] != (byte) 0xFF) {
          end[i]++;
          return Arrays.copyOf(end, i + 1);
        }
      }
      throw new IllegalArgumentException("a prefix of only 0xFF bytes has no end");
    }

    @Override
    public void close() {
      open.writeLock().lock();
      try {
        if (closed) {
          return;
        }
        closed = true;
        db.close();
        writes.close();
        options.close();
        filter.close();
      } finally {
        open.writeLock().unlock();
      }
      if (deleteOnClose) {
        deleteRecursively(directory);
        OURS.remove(directory);
      }
    }
  }

  /** A sorted map; UTF-16 order equals UTF-8 byte order for the keys used here (no characters above U+FFFF). */
  private static final class Heap extends FrameBytes {
    private final ConcurrentSkipListMap<String, byte[]> map = new ConcurrentSkipListMap<>();

    @Override
    public void put(String key, byte[] value) {
      map.put(key, value);
    }

    @Override
    public void delete(String key) {
      map.remove(key);
    }

    @Override
    public byte[] get(String key) {
      return map.get(key);
    }

    @Override
    public void forEachWithPrefix(String prefix, BiConsumer<String, byte[]> visitor) {
      for (Map.Entry<String, byte[]> entry : map.tailMap(prefix).entrySet()) {
        if (!entry.getKey().startsWith(prefix)) {
          return;
        }
        visitor.accept(entry.getKey(), entry.getValue());
      }
    }

    @Override
    public Sizes sizes() {
      long bytes = map.entrySet().stream().mapToLong(e -> 2L * e.getKey().length() + e.getValue().length).sum();
      return new Sizes(0, bytes, map.size());
    }

    @Override
    public void flush() {}

    @Override
    public void copyTo(Path target) {
      throw new UnsupportedOperationException("a store in the heap is not copied to disk");
    }

    @Override
    public void close() {
      map.clear();
    }
  }
}
