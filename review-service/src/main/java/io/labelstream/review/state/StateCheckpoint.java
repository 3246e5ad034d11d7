package io.labelstream.review.state;

import io.labelstream.platform.kafka.KafkaClients;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The review state kept in a folder between runs (REVIEW_STATE_DIR): the store ({@link FrameBytes#at}) and the
 * checkpoint a clean stop writes beside it, so that the next start reads only what Kafka received since instead of
 * every topic from the beginning; and in {@code running/} the last checkpoint taken while running
 * ({@link #copyStoreForRunning}, {@link #finishRunning}), with a copy of the store as it was then, for a start after a
 * crash.
 *
 * <p>A checkpoint holds where the state reader had read each partition up to, and every {@link Checkpointed} part's
 * bytes, all taken once the reader and the queue's writer had stopped: the parts, the store and the positions
 * describe one point of the stream. What the store holds is only as good as that: a start {@link #take}s the
 * checkpoint out of the folder before the state changes again, so a crash later finds none. The next start then
 * replaces the store with the copy of the last checkpoint taken while running, and goes on from that one; with none,
 * it deletes the store and rebuilds from Kafka. So does a start that finds checkpoints of another identity only:
 * written for another Kafka cluster, other topics (a topic deleted and made again has a new id), another model or
 * policy settings, or another format.
 *
 * <p>The file is written whole under a temporary name, forced to disk and then renamed: a crash while writing leaves
 * no checkpoint rather than half of one. A checkpoint taken while running is made whole in {@code running.new/} and
 * then takes the place of the one before, which is kept until then. The folder is one instance's: {@link #take} locks
 * it until {@link #close()}, and a second instance given the same folder is refused rather than let delete a store in
 * use.
 */
public final class StateCheckpoint implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(StateCheckpoint.class);

  /** Bumped whenever what any part writes changes: a checkpoint of another format is not read. */
  static final int FORMAT = 6;
  private static final int MAGIC = 0x4c534350; // "LSCP"
  private static final String FILE = "checkpoint";
  private static final String STORE = "store";
  private static final String LOCK = "lock";
  private static final String RUNNING = "running";

  /**
   * What a clean stop left.
   *
   * @param positions per partition, the offset of the next record to read
   * @param parts each part's bytes, by name
   */
  public record Saved(Map<TopicPartition, Long> positions, Map<String, byte[]> parts) {}

  private final Path directory;
  private final String identity;
  private FileChannel lockFile;
  private FileLock lock;

  /**
   * @param identity everything that must be the same for the state to go on from a checkpoint: see
   *     {@link #kafkaIdentity} for the Kafka side; the caller adds the model and the settings the state depends on
   */
  public StateCheckpoint(Path directory, String identity) {
    this.directory = directory;
    this.identity = "format " + FORMAT + "; " + identity;
  }

  /** Where the store is kept. */
  public Path storeDirectory() {
    return directory.resolve(STORE);
  }

  /**
   * Takes the checkpoint the last clean stop left out of the folder, so that it is used at most once: the store goes
   * on changing from here. Without one of this identity, the last checkpoint taken while running, its copy of the
   * store put in the store's place. Empty when there is neither, or neither is this identity's or can be read; the
   * store is then deleted, to be rebuilt from Kafka.
   */
  public Optional<Saved> take() throws IOException {
    Files.createDirectories(directory);
    lockFolder();
    FrameBytes.deleteStore(directory.resolve(RUNNING + ".new")); // one a crash cut short
    Path file = directory.resolve(FILE);
    Optional<Saved> saved = Optional.empty();
    try {
      saved = read(file);
      Files.delete(file);
      forceDirectory();
      return saved;
    } catch (NoSuchFileException e) {
      LOG.info("no checkpoint of a clean stop of the review state in {}", directory);
    } catch (IOException e) {
      LOG.warn("the checkpoint of the review state in {} is not used ({})", directory, e.getMessage());
      Files.deleteIfExists(file);
      forceDirectory();
    }
    saved = takeRunning();
    if (saved.isEmpty()) {
      LOG.info("the review state in {} is rebuilt from Kafka", directory);
      FrameBytes.deleteStore(storeDirectory());
    }
    return saved;
  }

  /**
   * The last checkpoint taken while running, its copy of the store put in the store's place; it stays in the folder
   * until the next one replaces it, for a crash before then.
   */
  private Optional<Saved> takeRunning() throws IOException {
    Path running = directory.resolve(RUNNING);
    if (!Files.exists(running)) {
      running = directory.resolve(RUNNING + ".old"); // a crash came between moving the last one aside and its next
    }
    if (!Files.exists(running)) {
      return Optional.empty();
    }
    try {
      Optional<Saved> saved = read(running.resolve(FILE));
      FrameBytes.restoreCopy(running.resolve(STORE), storeDirectory());
      LOG.info("the review state in {} goes on from the checkpoint taken while running, at {}", directory,
          Files.getLastModifiedTime(running.resolve(FILE)));
      return saved;
    } catch (IOException e) {
      LOG.warn("the checkpoint of the review state taken while running in {} is not used ({})", running,
          e.getMessage());
      FrameBytes.deleteStore(running);
      return Optional.empty();
    }
  }

  private void lockFolder() throws IOException {
    lockFile = FileChannel.open(directory.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    try {
      lock = lockFile.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      lockFile.close();
      throw new IllegalStateException("the review state folder " + directory + " (REVIEW_STATE_DIR) is in use by "
          + "another review instance: give each instance a folder of its own");
    }
  }

  /** Lets go of the folder; call it once the store is closed. */
  @Override
  public void close() {
    try {
      if (lock != null) {
        lock.release();
      }
      if (lockFile != null) {
        lockFile.close();
      }
    } catch (IOException e) {
      LOG.warn("cannot unlock the review state folder {}: {}", directory, e.toString());
    }
  }

  private Optional<Saved> read(Path file) throws IOException {
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
      if (in.readInt() != MAGIC) {
        throw new IOException("not a checkpoint");
      }
      String written = in.readUTF();
      if (!written.equals(identity)) {
        throw new IOException("written for " + written + ", now " + identity);
      }
      Map<TopicPartition, Long> positions = new LinkedHashMap<>();
      for (int i = in.readInt(); i > 0; i--) {
        positions.put(new TopicPartition(in.readUTF(), in.readInt()), in.readLong());
      }
      Map<String, byte[]> parts = new LinkedHashMap<>();
      for (int i = in.readInt(); i > 0; i--) {
        parts.put(in.readUTF(), CheckpointData.readBytes(in));
      }
      if (in.read() != -1) {
        throw new IOException("more after its end");
      }
      return Optional.of(new Saved(positions, parts));
    } catch (EOFException e) {
      throw new IOException("cut short", e);
    }
  }

  /**
   * Writes a checkpoint of the state at {@code positions}. Call it once nothing changes the parts any more and the
   * store was {@link FrameBytes#flush() flushed}.
   */
  public void write(Map<TopicPartition, Long> positions, Map<String, ? extends Checkpointed> parts) throws IOException {
    Files.createDirectories(directory);
    Path written = directory.resolve(FILE + ".new");
    Map<String, byte[]> saved = new LinkedHashMap<>();
    for (Map.Entry<String, ? extends Checkpointed> part : parts.entrySet()) {
      saved.put(part.getKey(), bytesOf(part.getValue()));
    }
    writeFile(written, positions, saved);
    Files.move(written, directory.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    forceDirectory(directory);
  }

  /** What {@code part} saves. */
  public static byte[] bytesOf(Checkpointed part) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    part.save(new DataOutputStream(bytes));
    return bytes.toByteArray();
  }

  /**
   * The first half of a checkpoint taken while running: a copy of {@code store} as it is now, into the next one's
   * folder. Call it while nothing writes to the store: the state's reader between two polls, the queue's changes
   * held ({@code TaskQueue.whileStill}); then save the parts and {@link #finishRunning}.
   */
  public void copyStoreForRunning(FrameBytes store) throws IOException {
    Path next = directory.resolve(RUNNING + ".new");
    FrameBytes.deleteStore(next);
    Files.createDirectories(next);
    store.copyTo(next.resolve(STORE));
  }

  /**
   * The second half: the parts saved at the same point of the stream as the store's copy, and where the state's
   * reader had read each partition up to, written beside it; then it takes the place of the last one, in
   * {@code running/}.
   */
  public void finishRunning(Map<TopicPartition, Long> positions, Map<String, byte[]> parts) throws IOException {
    Path next = directory.resolve(RUNNING + ".new");
    Path current = directory.resolve(RUNNING);
    Path old = directory.resolve(RUNNING + ".old");
    writeFile(next.resolve(FILE), positions, parts);
    forceDirectory(next);
    FrameBytes.deleteStore(old);
    if (Files.exists(current)) {
      Files.move(current, old, StandardCopyOption.ATOMIC_MOVE);
    }
    Files.move(next, current, StandardCopyOption.ATOMIC_MOVE);
    forceDirectory(directory);
    FrameBytes.deleteStore(old);
  }

  private void writeFile(Path written, Map<TopicPartition, Long> positions, Map<String, byte[]> parts)
      throws IOException {
    try (FileChannel channel = FileChannel.open(written, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16));
      out.writeInt(MAGIC);
      out.writeUTF(identity);
      out.writeInt(positions.size());
      Map<TopicPartition, Long> inOrder = new TreeMap<>(
          Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
      inOrder.putAll(positions);
      for (Map.Entry<TopicPartition, Long> position : inOrder.entrySet()) {
        out.writeUTF(position.getKey().topic());
        out.writeInt(position.getKey().partition());
        out.writeLong(position.getValue());
      }
      out.writeInt(parts.size());
      for (Map.Entry<String, byte[]> part : parts.entrySet()) {
        out.writeUTF(part.getKey());
        CheckpointData.writeBytes(out, part.getValue());
      }
      out.flush();
      channel.force(true);
    }
  }

  /** A rename or delete is only lasting once the folder that lists it is on disk. */
  private void forceDirectory() {
    forceDirectory(directory);
  }

  private static void forceDirectory(Path directory) {
    try (FileChannel folder = FileChannel.open(directory, StandardOpenOption.READ)) {
      folder.force(true);
    } catch (IOException e) {
      LOG.debug("cannot force {} to disk: {}", directory, e.toString()); // not every file system allows it
    }
  }

  /**
   * The Kafka side of a checkpoint's identity: the cluster's id and each topic's id, so that a checkpoint is not
   * used on a broker whose data was wiped or with a topic that was deleted and made again.
   */
  public static String kafkaIdentity(KafkaClients clients, Collection<String> topics) {
    try (Admin admin = Admin.create(clients.admin("state-checkpoint", Duration.ofSeconds(30)))) {
      String cluster = admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS);
      Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS);
      StringBuilder text = new StringBuilder("cluster ").append(cluster).append("; topics");
      new TreeMap<>(described).forEach((name, topic) -> text.append(' ').append(name).append('=')
          .append(topic.topicId()).append('/').append(topic.partitions().size()));
      return text.toString();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while asking Kafka which cluster it is", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot ask Kafka which cluster and topics the review state is of: " + e, e);
    }
  }
}
