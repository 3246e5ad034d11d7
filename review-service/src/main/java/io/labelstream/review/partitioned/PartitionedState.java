package io.labelstream.review.partitioned;

import io.labelstream.platform.kafka.KafkaClients;
import io.labelstream.platform.kafka.KafkaSettings;
import io.labelstream.schemas.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The review state kept per frame, partitioned by frame over the review instances by Kafka Streams: each instance
 * keeps the frames of the partitions it is assigned in RocksDB stores (changelogged, so a partition moves to another
 * instance with its state), a standby copy of others (so a killed instance's partitions are served elsewhere within
 * seconds), and answers for the frames it owns; for the others {@link #ownerOf} names the instance that does.
 *
 * <p>It keeps each frame's final label ({@value #FINAL_LABELS}), its history ({@value #HISTORIES}, see
 * {@link FrameHistory}) and each partition's statistics ({@value #STATS}, see {@link LocalStats}), from the topics
 * keyed by frame id ({@link FrameStateProcessor}), which have as many partitions each: a frame's records are in the
 * same partition of each, and so in the same Kafka Streams task.
 *
 * <p>Exactly once: the statistics are counts, which a record processed twice would count twice, so each task's store
 * changes, changelog records and input offsets are committed in one Kafka transaction ({@code exactly_once_v2}); its
 * stores are transactional too, so a crash does not cost a restore of the whole store from its changelog.
 */
public final class PartitionedState implements AutoCloseable {

  /** The Kafka Streams application (its consumer group and the prefix of its changelog topics). */
  public static final String APPLICATION_ID = "labelstream-review-state";
  static final String FINAL_LABELS = "final-labels";
  static final String HISTORIES = "frame-histories";
  static final String STATS = "frame-stats";
  /** What the stores are built from. */
  static final List<String> INPUTS = List.of(Topics.LABELS.name(), Topics.PREDICTIONS.name(),
      Topics.REVIEW_REQUESTS.name(), Topics.REVIEW_RESULTS.name());

  /** Who answers for a frame. */
  public sealed interface Owner {
    /** This instance: its store has the frame's partition. */
    record Here() implements Owner {}

    /** Another instance, at this host and port (its {@code application.server}). */
    record Elsewhere(HostInfo host) implements Owner {}

    /** Nobody right now: the partitions are being moved between instances. */
    record Unknown() implements Owner {}
  }

  private static final Logger LOG = LoggerFactory.getLogger(PartitionedState.class);

  private final Properties props;
  private final Path stateDir;
  private final KafkaClients clients;
  private volatile InputCatchUp catchUp;
  private volatile KafkaStreams streams;
  private volatile HostInfo self;
  private volatile KafkaStreamsMetrics metrics;
  private MeterRegistry registry;
  private final PartitionRestore restore = new PartitionRestore();
  private final LocalStats stats = new LocalStats();
  private final LabelWrites labelWrites = new LabelWrites();
  private volatile boolean servedOnce;
  private volatile int partitionCount;

  /**
   * This instance's share of the state, not started yet ({@link #start}: where the others reach it is known once
   * its HTTP server listens).
   *
   * @param standbys standby copies of each partition kept by other instances
   */
  public PartitionedState(KafkaSettings kafka, String instanceId, Path stateDir, int standbys) {
    clients = new KafkaClients(kafka, "review", instanceId);
    this.stateDir = stateDir;
    props = new Properties();
    props.putAll(kafka.clientConfig());
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
    props.put(StreamsConfig.CLIENT_ID_CONFIG, "review-state-" + instanceId);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, standbys);
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) kafka.replicationFactor());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    // Stores keep what a transaction wrote apart until it commits (KIP-892): a crash then loses only the writes since
    // the last commit, replayed, where a plain store under exactly-once is wiped and restored whole from its changelog.
    props.put("enable.transactional.statestores", true);
    // Lookups see what is processed, as before, not only what is committed (up to commit.interval.ms, 100 ms, later):
    // every input record was committed to its topic before it was read, so nothing shown is untrue.
    props.put("default.interactive.query.isolation.level", "READ_UNCOMMITTED");
    // Labels are written in transactions: an aborted one must never become a frame's label.
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.ISOLATION_LEVEL_CONFIG), "read_committed");
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    // A killed instance's partitions move to a standby after this long (Kafka's default is 45 s).
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 6_000);
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 1_000);
    props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, StateRocksDb.class);
    // Every event of a history is a changelog record: larger, compressed batches cost the broker less per record.
    props.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 256 * 1024);
    props.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
  }

  /** Starts reading; {@code self} is where the other instances reach this one (host and port of its HTTP API). */
  public synchronized void start(HostInfo self) {
    Properties started = new Properties();
    started.putAll(props);
    started.put(StreamsConfig.APPLICATION_SERVER_CONFIG, self.host() + ":" + self.port());
    catchUp = InputCatchUp.atStart(clients, APPLICATION_ID, INPUTS);
    KafkaStreams created = new KafkaStreams(topology(catchUp, stats, labelWrites), started);
    created.setGlobalStateRestoreListener(restore);
    // A stream thread that fails (the broker gone for longer than its retries, a store that cannot be written) is
    // replaced, so the partitions go on being served; whatever keeps failing is logged each time.
    created.setUncaughtExceptionHandler(e -> {
      LOG.error("the per-frame state's stream thread failed; starting another", e);
      return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
    });
    created.setStateListener((now, before) -> {
      if (now == KafkaStreams.State.RUNNING) {
        servedOnce = true;
      }
    });
    metrics = new KafkaStreamsMetrics(created);
    if (registry != null) {
      metrics.bindTo(registry);
    }
    this.self = self;
    this.streams = created;
    created.start();
  }

  /** One source over the four inputs and one processor: partition p of each is one task, with its p of each store. */
  static Topology topology(InputCatchUp catchUp, LocalStats stats, LabelWrites labelWrites) {
    StreamsBuilder builder = new StreamsBuilder();
    for (String store : List.of(FINAL_LABELS, HISTORIES, STATS)) {
      builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(store),
          Serdes.String(), Serdes.ByteArray()));
    }
    builder.stream(INPUTS, Consumed.with(Serdes.String(), Serdes.ByteArray()))
        .process(() -> new FrameStateProcessor(catchUp, stats, labelWrites), FINAL_LABELS, HISTORIES, STATS);
    return builder.build();
  }

  /**
   * Whether this instance serves its share: it has had its partitions with their state restored once, and runs.
   * Partitions moving when another instance comes or goes (a rebalance) do not count against it: a lookup meanwhile
   * is a 503 to try again, not a reason to take the instance out of service.
   */
  public boolean ready() {
    KafkaStreams current = streams;
    if (!servedOnce || current == null) {
      return false;
    }
    KafkaStreams.State now = current.state();
    if (now == KafkaStreams.State.RUNNING) {
      return catchUp.caughtUp(localPartitions(current));
    }
    return now == KafkaStreams.State.REBALANCING && catchUp.wasCaughtUp();
  }

  /** The partitions of the frames whose statistics this instance counts now. */
  Set<Integer> activePartitions() {
    KafkaStreams current = streams;
    Set<Integer> active = new HashSet<>();
    if (current != null && current.state() == KafkaStreams.State.RUNNING) {
      localPartitions(current).stream().filter(p -> p.topic().equals(Topics.LABELS.name()))
          .forEach(p -> active.add(p.partition()));
    }
    return active;
  }

  /** Final labels written here, for the submits waiting for them. */
  LabelWrites labelWrites() {
    return labelWrites;
  }

  /** This instance's statistics (of its {@link #activePartitions}). */
  LocalStats stats() {
    return stats;
  }

  /** Where the other instances of the application are reached. */
  List<HostInfo> otherInstances() {
    KafkaStreams current = streams;
    if (current == null) {
      return List.of();
    }
    return current.metadataForAllStreamsClients().stream().map(StreamsMetadata::hostInfo)
        .filter(host -> !host.equals(self)).distinct().toList();
  }

  /** The partitions of the frames (of each input), once every partition has an owner; 0 until then. */
  int partitionCount() {
    return partitionCount(streams);
  }

  /** The input partitions this instance holds as active. */
  private static Set<TopicPartition> localPartitions(KafkaStreams streams) {
    Set<TopicPartition> local = new HashSet<>();
    for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
      for (TaskMetadata task : thread.activeTasks()) {
        local.addAll(task.topicPartitions());
      }
    }
    return local;
  }

  /** False once Kafka Streams has given up (state ERROR): only a restart brings it back. */
  public boolean alive() {
    KafkaStreams current = streams;
    return current == null || current.state() != KafkaStreams.State.ERROR;
  }

  /** For {@code /readyz}: the Kafka Streams state and what is being restored. */
  public Map<String, Object> detail() {
    KafkaStreams current = streams;
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("streams", current == null ? "NOT_STARTED" : current.state().name());
    detail.putAll(restore.detail());
    InputCatchUp input = catchUp;
    if (input != null) {
      detail.put("recordsToReadUpTo", input.behind());
    }
    return detail;
  }

  /** Whether this instance has its partitions and their state restored, and serves them. */
  public boolean running() {
    KafkaStreams current = streams;
    return current != null && current.state() == KafkaStreams.State.RUNNING;
  }

  /** Who answers for {@code frameId} now. */
  public Owner ownerOf(String frameId) {
    KafkaStreams streams = this.streams;
    if (streams == null) {
      return new Owner.Unknown();
    }
    KeyQueryMetadata metadata = streams.queryMetadataForKey(FINAL_LABELS, frameId, Serdes.String().serializer());
    if (metadata == null || KeyQueryMetadata.NOT_AVAILABLE.equals(metadata)) {
      return new Owner.Unknown();
    }
    return metadata.activeHost().equals(self) ? new Owner.Here() : new Owner.Elsewhere(metadata.activeHost());
  }

  /** How a store answers for one frame. */
  interface StoreRead<T> {
    Optional<T> read(ReadOnlyKeyValueStore<String, byte[]> store, String frameId);
  }

  /**
   * What {@code store} keeps of a frame this instance owns.
   *
   * @throws InvalidStateStoreException when the frame's partition is not (or no longer) served here
   */
  <T> Optional<T> local(String store, String frameId, StoreRead<T> read) {
    KafkaStreams streams = this.streams;
    if (streams == null) {
      throw new InvalidStateStoreException("not started");
    }
    int partition = streams.queryMetadataForKey(store, frameId, Serdes.String().serializer()).partition();
    ReadOnlyKeyValueStore<String, byte[]> partitionStore = streams.store(StoreQueryParameters
        .fromNameAndType(store, QueryableStoreTypes.<String, byte[]>keyValueStore()).withPartition(partition));
    return read.read(partitionStore, frameId);
  }

  /**
   * What {@code store} keeps of a frame in this instance's own copy of its partition, active or standby, which may be
   * a moment behind: for when the owner cannot be asked (the partitions are moving, the owner does not answer).
   *
   * @return empty when this instance has no copy of the frame's partition; else what the copy keeps, or none
   */
  <T> Optional<Optional<T>> localCopy(String store, String frameId, StoreRead<T> read) {
    KafkaStreams streams = this.streams;
    int partitions = partitionCount(streams);
    if (partitions == 0) {
      return Optional.empty();
    }
    // The partition the producers' default partitioner gives the frame's key (the inputs never grow: deploy/README).
    int partition = Utils.toPositive(Utils.murmur2(frameId.getBytes(StandardCharsets.UTF_8))) % partitions;
    try {
      return Optional.of(read.read(streams.store(StoreQueryParameters
          .fromNameAndType(store, QueryableStoreTypes.<String, byte[]>keyValueStore()).withPartition(partition)
          .enableStaleStores()), frameId));
    } catch (InvalidStateStoreException notHere) {
      return Optional.empty();
    }
  }

  /** The partitions of labels.v1, learned once every partition has an owner; 0 until then. */
  private int partitionCount(KafkaStreams streams) {
    if (partitionCount == 0 && streams != null && streams.state() == KafkaStreams.State.RUNNING) {
      Set<Integer> seen = new HashSet<>();
      for (StreamsMetadata client : streams.metadataForAllStreamsClients()) {
        client.topicPartitions().stream().filter(p -> p.topic().equals(Topics.LABELS.name()))
            .forEach(p -> seen.add(p.partition()));
      }
      if (!seen.isEmpty() && seen.size() == Collections.max(seen) + 1) {
        partitionCount = seen.size();
      }
    }
    return partitionCount;
  }

  /**
   * Keys of {@code store} over the partitions this instance serves, as RocksDB estimates them; NaN while it serves
   * none.
   */
  double approximateKeys(String store) {
    KafkaStreams current = streams;
    if (current == null || current.state() != KafkaStreams.State.RUNNING) {
      return Double.NaN;
    }
    try {
      return current.store(StoreQueryParameters.fromNameAndType(store,
          QueryableStoreTypes.<String, byte[]>keyValueStore())).approximateNumEntries();
    } catch (InvalidStateStoreException moving) {
      return Double.NaN;
    }
  }

  /** Kafka Streams' own meters (threads, tasks, stores, its clients) and the stores' sizes on {@code registry}. */
  public synchronized void bindTo(MeterRegistry registry) {
    new PartitionedStoreMeters(this, stateDir).bindTo(registry);
    this.registry = registry;
    if (metrics != null) {
      metrics.bindTo(registry);
    }
  }

  @Override
  public synchronized void close() {
    KafkaStreams streams = this.streams;
    if (streams == null) {
      return;
    }
    metrics.close();
    // Leaving the group hands this instance's partitions over at once, instead of after the session timeout.
    streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
        .withTimeout(Duration.ofSeconds(30)));
  }
}
