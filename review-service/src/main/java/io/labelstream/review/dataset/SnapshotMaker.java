package io.labelstream.review.dataset;

import io.labelstream.platform.kafka.KafkaClients;
import io.labelstream.platform.kafka.KafkaSettings;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.Box;
import io.labelstream.schemas.avro.DatasetSnapshot;
import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.LabelSource;
import io.labelstream.schemas.avro.PartitionOffset;
import java.io.IOException;
import java.io.OutputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes dataset snapshots: freezes the final label of every frame in labels.v1 as it is now, copies those labels
 * to datasets.labels.v1 and records the snapshot on datasets.v1.
 *
 * <p><b>Why the labels are copied.</b> A snapshot must export the same labels for as long as it exists, but
 * labels.v1 is compacted: once a frame gets a newer label, the cleaner may delete the record that was its final
 * label when the snapshot was made. Offsets alone cannot bring it back. So the snapshot's labels are copied once,
 * at creation, into datasets.labels.v1, where every key ({@code <datasetId>/<frameId>}) is unique and compaction
 * therefore never removes anything. Exports read only that copy. The copy costs the labels' size once per
 * snapshot (about 100–200 bytes a label), on the broker, where the rest of the service's state lives too; a file
 * on the service's disk would make the otherwise stateless service need a volume.
 *
 * <p><b>How the copy stays exact.</b> For each labels.v1 partition in turn (a frame's labels are all in one):
 * <ol>
 *   <li>Pass 1 reads from the beginning until it has caught up with the end of the partition, and notes for each
 *       frame the offset of its final label in a {@link FinalLabelIndex} (a hash and an offset per frame, never the
 *       labels). The end it reached is the partition's snapshot offset. Reading up to the head of a compacted log
 *       sees the final value of every key (see {@link PartitionReads#readToEnd}).</li>
 *   <li>Pass 2 reads the partition again up to that offset and copies exactly the records the index points at.</li>
 * </ol>
 * Between the passes a newer label written after the snapshot offset can let the cleaner delete a record pass 2
 * still needs. Pass 2 would then copy fewer records than pass 1 counted frames; the attempt is abandoned (its
 * partial copy is never referenced: the snapshot record is written last) and the snapshot is made again, up to
 * {@value #ATTEMPTS} times. The cleaner never touches the active segment or anything past the last stable offset,
 * so in practice the first attempt succeeds.
 *
 * <p>Counts per class and source and the SHA-256 of the canonical JSONL ({@link JsonlWriter}) are computed in pass
 * 2, from the same labels in the same order an export reads back.
 *
 * <p><b>Detection.</b> The snapshot holds the labels of the model's task: for a detection model the frames whose final
 * label has boxes, for a classifier those whose final label has none (a stream that changed models keeps both kinds
 * in labels.v1; the other kind is left out and its count logged). A detection snapshot has format version
 * {@value #DETECTION_FORMAT_VERSION} (its JSONL lines carry the boxes), which is also how exports tell it apart;
 * {@code total} and {@code countsBySource} count frames, {@code countsByClass} counts boxes per class.
 */
public final class SnapshotMaker implements AutoCloseable {

  /** The canonical JSONL layout the content hash covers; a change to {@link JsonlWriter} needs a new one. */
  static final int FORMAT_VERSION = 1;
  /** The format version of a detection snapshot: JSONL lines with {@code width}, {@code height} and {@code boxes}. */
  static final int DETECTION_FORMAT_VERSION = 2;
  static final int ATTEMPTS = 3;
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotMaker.class);
  private static final int FETCH_BYTES = 4 * 1024 * 1024;
  private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
      .withZone(ZoneOffset.UTC);

  private final KafkaClients clients;
  private final List<String> classes;
  private final boolean detection;
  private final Clock clock;
  private final KafkaProducer<String, byte[]> producer;
  private final SecureRandom random = new SecureRandom();

  /**
   * @param classes the model's classes, in output order
   * @param detection whether the model is a detector ({@code ModelIdentity.task()}): which labels a snapshot holds
   */
  public SnapshotMaker(KafkaSettings kafka, List<String> classes, boolean detection, String instanceId, Clock clock) {
    this.clients = new KafkaClients(kafka, "review", instanceId);
    this.classes = List.copyOf(classes);
    this.detection = detection;
    this.clock = clock;
    // One request in flight: datasets.v1 may have been created a moment ago (KAFKA-15591). Large batches keep the
    // copy fast all the same.
    Map<String, Object> props = clients.producerOneInFlight("dataset");
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    // Bounds what a snapshot in progress holds in memory; sends wait when it is full.
    props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 16 * 1024 * 1024);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
    this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
  }

  /** Thrown when labels.v1 was compacted under a snapshot in every attempt. */
  public static final class LabelsChangedException extends RuntimeException {
    LabelsChangedException(String message) {
      super(message);
    }
  }

  /**
   * Makes a snapshot and returns it as datasets.v1 now holds it. One at a time: the caller decides whether a
   * second request waits or is turned away.
   *
   * @throws KafkaException when Kafka cannot be read or written
   * @throws LabelsChangedException when compaction kept removing records the snapshot needed
   */
  public synchronized DatasetSnapshot create(String createdBy) {
    for (int attempt = 1; ; attempt++) {
      try {
        return attempt(createdBy);
      } catch (LabelsChangedException e) {
        if (attempt == ATTEMPTS) {
          throw e;
        }
        LOG.warn("dataset snapshot attempt {} of {} abandoned: {}", attempt, ATTEMPTS, e.getMessage());
      } catch (IOException e) {
        throw new KafkaException("cannot make a dataset snapshot: " + e.getMessage(), e);
      }
    }
  }

  private DatasetSnapshot attempt(String createdBy) throws IOException {
    long started = System.nanoTime();
    Instant createdAt = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    String datasetId = "ds-" + ID_TIME.format(createdAt) + "-" + HexFormat.of().formatHex(randomBytes(4));
    ContentCopy copy = new ContentCopy(datasetId);
    Tally tally = new Tally(detection);
    List<PartitionOffset> offsets = new ArrayList<>();
    long[] read = {0, 0};
    long[] otherKind = {0};
    try (KafkaConsumer<String, byte[]> consumer = PartitionReads.consumer(clients, "dataset", FETCH_BYTES)) {
      for (TopicPartition partition : PartitionReads.partitions(consumer, Topics.LABELS.name())) {
        FinalLabelIndex index = new FinalLabelIndex(1024);
        long end = PartitionReads.readToEnd(consumer, partition, record -> {
          read[0]++;
          if (record.key() == null) {
            return; // a compacted topic refuses keyless records; nothing to index
          }
          LabelSource source = null;
          if (record.value() != null) {
            Label label = decodeOrNull(record);
            if (label == null) {
              read[1]++;
              return; // FrameStateProcessor skips it too: the frame keeps its previous label
            }
            source = label.getSource();
          }
          index.offer(record.key(), record.offset(), source);
        });
        long[] copied = {0};
        long[] skipped = {0};
        long start = consumer.beginningOffsets(List.of(partition)).get(partition);
        PartitionReads.read(consumer, partition, start, end, record -> {
          if (record.key() != null && record.value() != null && index.isFinal(record.key(), record.offset())) {
            Label label = Topics.LABELS.valueSerde().deserializer().deserialize(record.topic(), record.value());
            if ((label.getBoxes() != null) != detection) {
              skipped[0]++; // the final label is of the other task: found, but not part of this dataset
              return;
            }
            tally.add(label);
            copy.send(record.key(), record.value());
            copied[0]++;
          }
        });
        otherKind[0] += skipped[0];
        if (copied[0] + skipped[0] != index.frames()) {
          throw new LabelsChangedException(partition + " lost " + (index.frames() - copied[0] - skipped[0]) + " of "
              + index.frames() + " final labels to compaction between the two passes");
        }
        offsets.add(new PartitionOffset(partition.partition(), end));
      }
    }
    ContentCopy.Range range = copy.finish();
    DatasetSnapshot snapshot = DatasetSnapshot.newBuilder()
        .setDatasetId(datasetId)
        .setFormatVersion(detection ? DETECTION_FORMAT_VERSION : FORMAT_VERSION)
        .setCreatedAt(createdAt)
        .setCreatedBy(createdBy)
        .setLabelOffsets(offsets)
        .setTotal(tally.total)
        .setCountsByClass(new LinkedHashMap<>(tally.byClass))
        .setCountsBySource(new LinkedHashMap<>(tally.bySource))
        .setClasses(classesOf(tally.byClass))
        .setContentSha256(tally.sha256())
        .setContentPartition(range.partition())
        .setContentStartOffset(range.start())
        .setContentEndOffset(range.end())
        .build();
    byte[] value = Topics.DATASETS.valueSerde().serializer().serialize(Topics.DATASETS.name(), snapshot);
    try {
      producer.send(new ProducerRecord<>(Topics.DATASETS.name(), datasetId, value)).get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new KafkaException("cannot record dataset snapshot " + datasetId + ": " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new KafkaException("timed out recording dataset snapshot " + datasetId, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted while recording dataset snapshot " + datasetId, e);
    }
    LOG.info("dataset snapshot {} made by {}: {} frames ({}) from {} label records ({} unreadable) in {} ms",
        datasetId, createdBy, tally.total, tally.bySource, read[0], read[1],
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    if (otherKind[0] > 0) {
      LOG.warn("dataset snapshot {} leaves out {} frames whose final label is a {} label: the model is a {}",
          datasetId, otherKind[0], detection ? "classification" : "detection", detection ? "detector" : "classifier");
    }
    // As datasets.v1 holds it (instants in milliseconds): an export now and one after a restart agree.
    return Topics.DATASETS.valueSerde().deserializer().deserialize(Topics.DATASETS.name(), value);
  }

  /**
   * Deletes a snapshot: a tombstone for it in datasets.v1, so every instance drops it from its catalog and the frame
   * store's collector stops keeping its images (they are deleted once nothing else needs them).
   *
   * @throws KafkaException when Kafka does not take the tombstone
   */
  void delete(String datasetId) {
    try {
      producer.send(new ProducerRecord<>(Topics.DATASETS.name(), datasetId, null)).get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new KafkaException("cannot delete dataset snapshot " + datasetId + ": " + e.getCause().getMessage(),
          e.getCause());
    } catch (TimeoutException e) {
      throw new KafkaException("timed out deleting dataset snapshot " + datasetId, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted while deleting dataset snapshot " + datasetId, e);
    }
    LOG.info("dataset snapshot {} deleted", datasetId);
  }

  /** The service's classes in model order, then any other label name the snapshot holds, sorted. */
  private List<String> classesOf(Map<String, Long> byClass) {
    List<String> all = new ArrayList<>(classes);
    byClass.keySet().stream().filter(name -> !classes.contains(name)).sorted().forEach(all::add);
    return all;
  }

  private static Label decodeOrNull(ConsumerRecord<String, byte[]> record) {
    try {
      return Topics.LABELS.valueSerde().deserializer().deserialize(record.topic(), record.value());
    } catch (RuntimeException e) {
      LOG.warn("label {}-{}@{} cannot be read and is left out of the snapshot: {}", record.topic(),
          record.partition(), record.offset(), e.getMessage());
      return null;
    }
  }

  private byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    random.nextBytes(bytes);
    return bytes;
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }

  /** Counts and the content hash, taken from the labels in the order they are copied. */
  private static final class Tally {

    private final Map<String, Long> byClass = new TreeMap<>();
    private final Map<String, Long> bySource = new TreeMap<>();
    private final MessageDigest sha256;
    private final JsonlWriter canonical;
    private final boolean detection;
    private long total;

    Tally(boolean detection) throws IOException {
      this.detection = detection;
      try {
        sha256 = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every JVM has SHA-256", e);
      }
      canonical = new JsonlWriter(new DigestOutputStream(OutputStream.nullOutputStream(), sha256));
      for (LabelSource source : LabelSource.values()) {
        bySource.put(source.name(), 0L);
      }
    }

    void add(Label label) throws IOException {
      if (detection) {
        for (Box box : label.getBoxes()) {
          byClass.merge(box.getLabel(), 1L, Long::sum);
        }
      } else {
        byClass.merge(label.getLabel(), 1L, Long::sum);
      }
      bySource.merge(label.getSource().name(), 1L, Long::sum);
      total++;
      canonical.write(label);
    }

    String sha256() throws IOException {
      canonical.flush();
      return HexFormat.of().formatHex(sha256.digest());
    }
  }

  /** The copy of a snapshot's labels on datasets.labels.v1: one partition, in the order they are sent. */
  private final class ContentCopy {

    record Range(int partition, long start, long end) {}

    private final String datasetId;
    private final int partition;
    private long first = Long.MAX_VALUE;
    private long last = -1;
    private long sent;
    private long written;
    private Exception error;

    ContentCopy(String datasetId) {
      this.datasetId = datasetId;
      int partitions = producer.partitionsFor(Topics.DATASET_LABELS.name()).size();
      this.partition = Math.floorMod(datasetId.hashCode(), partitions);
    }

    void send(String frameId, byte[] label) {
      failIfAnySendFailed();
      sent++;
      producer.send(new ProducerRecord<>(Topics.DATASET_LABELS.name(), partition, datasetId + "/" + frameId, label),
          (metadata, sendError) -> {
            synchronized (this) {
              if (sendError != null) {
                if (error == null) {
                  error = sendError;
                }
              } else {
                first = Math.min(first, metadata.offset());
                last = Math.max(last, metadata.offset());
                written++;
              }
            }
          });
    }

    /** Waits until every label is acknowledged and returns where they are. */
    Range finish() {
      producer.flush();
      failIfAnySendFailed();
      synchronized (this) {
        if (written != sent) {
          throw new KafkaException("only " + written + " of " + sent + " labels of " + datasetId + " were acknowledged");
        }
        return sent == 0 ? new Range(partition, 0, 0) : new Range(partition, first, last + 1);
      }
    }

    private synchronized void failIfAnySendFailed() {
      if (error != null) {
        throw new KafkaException("cannot copy the labels of " + datasetId + ": " + error.getMessage(), error);
      }
    }
  }
}
