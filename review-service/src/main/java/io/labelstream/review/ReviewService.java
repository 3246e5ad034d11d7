package io.labelstream.review;

import io.javalin.http.staticfiles.Location;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.http.HttpService;
import io.labelstream.platform.http.LivenessCheck;
import io.labelstream.platform.http.ReadinessCheck;
import io.labelstream.platform.kafka.ClientMeters;
import io.labelstream.platform.kafka.KafkaClients;
import io.labelstream.platform.kafka.KafkaHealth;
import io.labelstream.platform.kafka.TopicProvisioner;
import io.labelstream.platform.lifecycle.GracefulShutdown;
import io.labelstream.platform.lifecycle.StartUp;
import io.labelstream.platform.metrics.Metrics;
import io.labelstream.platform.store.FrameStore;
import io.labelstream.platform.store.MeteredFrameStore;
import io.labelstream.review.cluster.ClusterView;
import io.labelstream.review.cluster.LeaderElection;
import io.labelstream.review.cluster.QueueLeadership;
import io.labelstream.review.cluster.QueueWriter;
import io.labelstream.review.config.ReviewConfig;
import io.labelstream.review.dataset.DatasetCatalog;
import io.labelstream.review.dataset.Datasets;
import io.labelstream.review.http.AdminApi;
import io.labelstream.review.http.BearerAuth;
import io.labelstream.review.http.DatasetApi;
import io.labelstream.review.http.FlagRequests;
import io.labelstream.review.http.FrameApi;
import io.labelstream.review.http.FrameStoreApi;
import io.labelstream.review.http.ImageApi;
import io.labelstream.review.http.InternalStateApi;
import io.labelstream.review.http.LeaderForwarding;
import io.labelstream.review.http.ReviewApi;
import io.labelstream.review.http.StatsApi;
import io.labelstream.review.images.FrameImages;
import io.labelstream.review.metrics.IntakeMetrics;
import io.labelstream.review.metrics.PolicyMetrics;
import io.labelstream.review.metrics.ReviewMetrics;
import io.labelstream.review.partitioned.ClusterPeers;
import io.labelstream.review.partitioned.FinalLabels;
import io.labelstream.review.partitioned.FleetStats;
import io.labelstream.review.partitioned.FrameHistories;
import io.labelstream.review.partitioned.PartitionedState;
import io.labelstream.review.policy.LabelRecall;
import io.labelstream.review.policy.PolicyService;
import io.labelstream.review.policy.ScoreGrid;
import io.labelstream.review.queue.GoldTasks;
import io.labelstream.review.queue.OpenTaskLimit;
import io.labelstream.review.queue.ReviewTask;
import io.labelstream.review.queue.TaskQueue;
import io.labelstream.review.retention.FrameStoreCollection;
import io.labelstream.review.state.Checkpointed;
import io.labelstream.review.state.FrameBytes;
import io.labelstream.review.state.FlagLog;
import io.labelstream.review.state.ImageReader;
import io.labelstream.review.state.PipelineCounts;
import io.labelstream.review.state.RecordFetcher;
import io.labelstream.review.state.StateCheckpoint;
import io.labelstream.review.state.StateHandlers;
import io.labelstream.review.state.StateStoreMeters;
import io.labelstream.review.state.StateTailer;
import io.labelstream.schemas.Topic;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.ReviewReason;
import io.labelstream.schemas.avro.ReviewRequest;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The review service: the queue of frames waiting for people, the reviewer API and page, and the final labels.
 *
 * <p>Several instances can run against the same topics. Each rebuilds the whole queue from Kafka and serves reads;
 * one of them, chosen by a Kafka consumer group ({@link LeaderElection}), makes every queue change, and the others
 * forward changes to it, so no task is ever handed to two reviewers.
 */
public final class ReviewService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ReviewService.class);

  private final TaskQueue queue;
  private final StateTailer tailer;
  private final Thread tailerThread;
  private final LeaderElection election;
  private final ClusterView cluster;
  private final QueueWriter writer;
  private final PolicyService policy;
  private final LabelRecall recall;
  private final KafkaHealth kafkaHealth;
  private final List<ClientMeters> clientMetrics;
  private final HttpService http;
  private final Datasets datasets;
  private final ImageReader images;
  private final FrameImages store;
  private final Optional<FrameStoreCollection> collection;
  private final Optional<FrameStore> frameStore;
  private final FrameBytes frameBytes;
  private final Optional<StateCheckpoint> checkpoint;
  private final Map<String, Checkpointed> stateParts;
  private final PartitionedState partitioned;
  private final Optional<Path> runFolder;

  private ReviewService(TaskQueue queue, StateTailer tailer, Thread tailerThread, LeaderElection election, ClusterView cluster,
      QueueWriter writer, PolicyService policy, LabelRecall recall, KafkaHealth kafkaHealth,
      List<ClientMeters> clientMetrics, HttpService http, Datasets datasets, ImageReader images, FrameImages store,
      Optional<FrameStoreCollection> collection, Optional<FrameStore> frameStore, FrameBytes frameBytes,
      Optional<StateCheckpoint> checkpoint, Map<String, Checkpointed> stateParts, PartitionedState partitioned,
      Optional<Path> runFolder) {
    this.queue = queue;
    this.tailer = tailer;
    this.tailerThread = tailerThread;
    this.election = election;
    this.cluster = cluster;
    this.writer = writer;
    this.policy = policy;
    this.recall = recall;
    this.kafkaHealth = kafkaHealth;
    this.clientMetrics = clientMetrics;
    this.http = http;
    this.datasets = datasets;
    this.images = images;
    this.store = store;
    this.collection = collection;
    this.frameStore = frameStore;
    this.frameBytes = frameBytes;
    this.checkpoint = checkpoint;
    this.stateParts = stateParts;
    this.partitioned = partitioned;
    this.runFolder = runFolder;
  }

  public static ReviewService start(ReviewConfig config) {
    return start(config, Clock.systemUTC());
  }

  public static ReviewService start(ReviewConfig config, Clock clock) {
    LOG.info("starting review with {}", config);
    TopicProvisioner.ensureTopics(config.kafka());
    PrometheusMeterRegistry registry = Metrics.registry("review");
    // One store for every reader and the collector; closed once, last.
    Optional<FrameStore> frameStore = config.frameStore().open()
        .map(opened -> new MeteredFrameStore(opened, registry));
    FrameImages store = new FrameImages(frameStore);
    if (!store.enabled()) {
      LOG.warn("FRAME_STORE is not set: images are read from Kafka only, and a dataset export or a flag cannot show "
          + "a frame once frames.v1's retention dropped it");
    }
    LeaderElection election = new LeaderElection(config.kafka(), config.instanceId());
    QueueWriter writer = new QueueWriter(config.kafka(), config.instanceId(), election);
    ReviewMetrics[] metricsHolder = new ReviewMetrics[1];
    GoldTasks gold = new GoldTasks(config.goldRate(), new java.security.SecureRandom(), clock);
    // What the state holds per frame and per answered task (frames seen, settled answers) is on disk:
    // the heap does not grow with frames or with people's work. Kept between runs in REVIEW_STATE_DIR, with the
    // checkpoint of the last clean stop; without one, rebuilt in a temporary folder.
    Optional<StateCheckpoint> checkpoint = config.stateDir().map(dir -> new StateCheckpoint(dir, stateIdentity(config)));
    Optional<StateCheckpoint.Saved> saved = checkpoint.flatMap(ReviewService::takeCheckpoint);
    FrameBytes frameBytes = checkpoint.map(c -> FrameBytes.at(c.storeDirectory())).orElseGet(FrameBytes::temporary);
    TaskQueue queue = new TaskQueue(clock, config.lease(), config.leaseLimits(), config.queueOrder(), config.instanceId(), writer,
        lease -> metricsHolder[0].leaseExpired(), config.answersRequired(), gold, frameBytes);
    ReviewMetrics metrics = new ReviewMetrics(queue, clock);
    metricsHolder[0] = metrics;
    metrics.bindTo(registry);
    writer.bindTo(registry);
    // Each frame's final label and history, and each partition's statistics, are kept by the instance that owns the
    // partition (Kafka Streams), in REVIEW_STATE_DIR/partitioned when set, else in a folder of this run; another
    // instance asks the owner, and adds up every instance's statistics.
    Path partitionedDir = config.stateDir().map(dir -> dir.resolve("partitioned")).orElseGet(ReviewService::runFolder);
    PartitionedState partitioned = new PartitionedState(config.kafka(), config.instanceId(), partitionedDir,
        config.standbyReplicas());
    partitioned.bindTo(registry);
    ClusterPeers peers = new ClusterPeers(
        config.advertisedUrl().map(url -> URI.create(url).getScheme()).orElse("http"), config.clusterToken());
    FinalLabels labels = new FinalLabels(partitioned, peers, registry);
    FrameHistories histories = new FrameHistories(partitioned, peers);
    FleetStats stats = new FleetStats(partitioned, peers, clock);
    PipelineCounts counts = new PipelineCounts(frameBytes);
    ClusterView cluster = new ClusterView();
    FlagLog flagLog = new FlagLog();
    FlagRequests flags = new FlagRequests(queue, writer::request, histories::get, flagLog,
        new RecordFetcher(config.kafka(), config.instanceId()), store, clock);
    LabelRecall recall = new LabelRecall(flags, labels::get, clock);
    PolicyService policy = new PolicyService(config.policy(), config.model(), config.modelIdentity(), config.kafka(),
        config.instanceId(), recall);
    new PolicyMetrics(policy, recall).bindTo(registry);
    DatasetCatalog datasetCatalog = new DatasetCatalog();
    OpenTaskLimit limit = new OpenTaskLimit(queue, config.maxOpenTasks());
    StateHandlers handlers = stateHandlers(queue, limit, gold, counts, policy, cluster, flagLog, datasetCatalog);
    StateTailer tailer = new StateTailer(config.kafka(), config.instanceId(), handlers, counts);
    Map<String, Checkpointed> stateParts = stateParts(queue, gold, counts, cluster, policy, recall, flagLog,
        datasetCatalog);
    saved.ifPresent(checkpointed -> {
      restore(stateParts, checkpointed, config.stateDir().orElseThrow());
      tailer.startFrom(checkpointed.positions());
    });
    // And a checkpoint now and then while running, for a start after a crash (no clean stop) to go on from.
    if (!config.stateCheckpointInterval().isZero()) {
      checkpoint.ifPresent(to -> tailer.checkpointEvery(config.stateCheckpointInterval(),
          new RunningCheckpoints(to, queue, frameBytes, stateParts, registry)));
    }
    tailer.rebuilt().thenRun(() -> LOG.info("review state rebuilt from Kafka: {} open tasks", queue.openCount()));
    List<ClientMeters> clientMetrics = List.of(ClientMeters.of(tailer.consumer()), writer.meters(),
        ClientMeters.of(election.consumer()));
    clientMetrics.forEach(m -> m.bindTo(registry));
    new IntakeMetrics(limit, queue, tailer::pausedPartitions).bindTo(registry);
    tailer.progress().bindTo(registry);
    new StateStoreMeters(frameBytes).bindTo(registry);
    Thread tailerThread = new Thread(tailer, "review-state");
    tailerThread.start();
    // Every instance computes the policy from the same evidence; only the queue leader publishes it.
    policy.start(() -> tailer.caughtUp() && election.isLeader(), tailer::caughtUp);
    // Recalled model labels go back to people as queue changes: the leader makes them, once its queue is rebuilt.
    recall.start(() -> tailer.caughtUp() && election.isLeader());
    KafkaHealth kafkaHealth = new KafkaHealth(new KafkaClients(config.kafka(), "review", config.instanceId()));
    LeaderForwarding forwarding = new LeaderForwarding(election, cluster, config.instanceId());
    ImageReader images = new ImageReader(config.kafka(), config.instanceId());
    ImageApi imageApi = new ImageApi(queue, gold, images, store, forwarding);
    ReviewApi api = new ReviewApi(queue, forwarding, labels, stats::view, counts, config.classes(),
        tailer::caughtUp, metrics, clock, policy, gold, imageApi::bytes);
    BearerAuth auth = new BearerAuth(config.tokens());
    Datasets datasets = Datasets.start(config.kafka(), config.classes(), config.detection(), config.instanceId(), clock,
        datasetCatalog, tailer::caughtUp, store);
    Optional<FrameStoreCollection> collection = FrameStoreCollection.start(config.frameStore(), frameStore,
        config.kafka(), config.instanceId(), () -> tailer.caughtUp() && election.isLeader(), registry, clock);
    HttpService http = HttpService.start("review", config.http(), 1024 * 1024, registry,
        kafkaHealth.checksWith(ReadinessCheck.of("state", tailer::caughtUp, tailer.progress()::detail),
            ReadinessCheck.of("partitioned_state", partitioned::ready, partitioned::detail),
            ReadinessCheck.of("queue_leader", () -> leaderKnown(election, cluster)),
            ReadinessCheck.of("datasets", datasets::ready)),
        List.of(LivenessCheck.thread("state", tailerThread), LivenessCheck.of("partitioned_state", partitioned::alive)),
        app -> {
          api.register(app, auth);
          imageApi.register(app);
          new AdminApi(queue, metrics.activeReviewers(), stats::view, flagLog, gold, writer, store, forwarding,
              config.classes(), config.detection(), clock).register(app);
          new FrameApi(flags, forwarding, labels, histories, tailer::caughtUp).register(app);
          new InternalStateApi(peers, labels, histories, stats).register(app);
          new DatasetApi(datasets).register(app);
          new FrameStoreApi(collection).register(app);
          new StatsApi(stats::view, policy, config.classes(), config.detection()).register(app);
        },
        javalin -> javalin.staticFiles.add(files -> {
          files.hostedPath = "/";
          files.directory = "/public";
          files.location = Location.CLASSPATH;
        }));
    String url = config.advertisedUrl().orElseGet(() -> advertisedUrl(config.http().host(), http.port()));
    URI reachedAt = URI.create(url);
    partitioned.start(new HostInfo(reachedAt.getHost(), reachedAt.getPort()));
    election.start(new QueueLeadership(tailer, writer, config.instanceId(), () -> url, clock));
    return new ReviewService(queue, tailer, tailerThread, election, cluster, writer, policy, recall, kafkaHealth,
        clientMetrics, http, datasets, images, store, collection, frameStore, frameBytes, checkpoint, stateParts,
        partitioned, config.stateDir().isPresent() ? Optional.empty() : Optional.of(partitionedDir));
  }

  /**
   * Every part of the state the records build in the heap, by name in the checkpoint. The state store holds the rest;
   * a part missing here would start empty after a restart from a checkpoint (ReviewRestartIT compares a restarted
   * instance with one that read everything).
   */
  private static Map<String, Checkpointed> stateParts(TaskQueue queue, GoldTasks gold, PipelineCounts counts,
      ClusterView cluster, PolicyService policy, LabelRecall recall, FlagLog flags, DatasetCatalog datasets) {
    Map<String, Checkpointed> parts = new LinkedHashMap<>();
    parts.put("gold", gold);
    parts.put("queue", queue);
    parts.put("counts", counts);
    parts.put("cluster", cluster);
    parts.put("policy", policy);
    parts.put("recall", recall);
    parts.put("flags", flags);
    parts.put("datasets", datasets);
    return parts;
  }

  /**
   * What a checkpoint must have been written under to be used: the Kafka cluster and topics, the model and the policy
   * settings (the evidence and regimes are the model's and were gathered under those settings; how often the policy
   * is recomputed is not among them).
   */
  private static String stateIdentity(ReviewConfig config) {
    List<String> topics = Topics.all().stream().map(Topic::name).toList();
    return StateCheckpoint.kafkaIdentity(new KafkaClients(config.kafka(), "review", config.instanceId()), topics)
        + "; model " + config.modelIdentity().name() + " " + config.modelIdentity().version() + " "
        + config.classes() + "; policy " + config.policy().stateIdentity()
        // the policy's evidence is counted per band of the model's threshold grid
        + "; grid of " + ScoreGrid.forTask(config.modelIdentity().task()).size() + " thresholds";
  }

  private static Optional<StateCheckpoint.Saved> takeCheckpoint(StateCheckpoint checkpoint) {
    try {
      return checkpoint.take();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or clear the review state's folder", e);
    }
  }

  /**
   * Reads each part back from the checkpoint. A checkpoint of this identity that cannot be read back is a fault of
   * ours, not of the data: the start fails, saying so; the checkpoint is already taken out of the folder, so the next
   * start rebuilds the state from Kafka.
   */
  private static void restore(Map<String, Checkpointed> parts, StateCheckpoint.Saved saved, Path directory) {
    for (Map.Entry<String, Checkpointed> part : parts.entrySet()) {
      byte[] bytes = saved.parts().get(part.getKey());
      try {
        if (bytes == null) {
          throw new IOException("it has no " + part.getKey());
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        part.getValue().restore(in);
        if (in.available() > 0) {
          throw new IOException(in.available() + " bytes of " + part.getKey() + " left unread");
        }
      } catch (IOException | RuntimeException e) {
        throw new IllegalStateException("the review state's checkpoint in " + directory + " cannot be read back ("
            + part.getKey() + ": " + e.getMessage() + "); it was removed, and the next start rebuilds the state "
            + "from Kafka", e);
      }
    }
    LOG.info("review state restored from the checkpoint in {}: reading on from {} offsets", directory,
        saved.positions().values().stream().mapToLong(Long::longValue).sum());
  }

  /**
   * Which component applies which records of the topics the state is rebuilt from. Within a topic the handlers run in
   * the order below; none of them reads another's state, so the order only decides what a failing one stops.
   */
  private static StateHandlers stateHandlers(TaskQueue queue, OpenTaskLimit limit, GoldTasks gold, PipelineCounts counts,
      PolicyService policy, ClusterView cluster, FlagLog flags, DatasetCatalog datasets) {
    StateHandlers handlers = new StateHandlers();
    // Review requests beyond REVIEW_MAX_OPEN_TASKS wait in Kafka: no handler sees them until answers make room.
    handlers.limit(Topics.REVIEW_REQUESTS, new StateHandlers.Intake<>() {
      @Override
      public boolean admits(ReviewRequest request) {
        return limit.admits(request);
      }

      @Override
      public boolean hasRoom() {
        return limit.hasRoom();
      }
    });
    handlers.onRecord(Topics.REVIEW_REQUESTS, (record, request) -> queue.offer(ReviewTask.read(record, request)))
        .on(Topics.REVIEW_REQUESTS, flags::requested);
    handlers.on(Topics.REVIEW_RESULTS, queue::answered)
        .on(Topics.REVIEW_RESULTS, result -> {
          // Only an answer that settled its frame's label is evidence for the policy; gold frames are not the stream's.
          if (!Boolean.FALSE.equals(result.getDecides()) && result.getReason() != ReviewReason.GOLD) {
            policy.answered(result.getFrameId(), PolicyService.outcomeClass(result));
          }
        });
    handlers.on(Topics.REVIEW_LEASES, queue::leaseRecorded);
    // A tombstone withdraws the leader's announcement.
    handlers.deliverTombstones(Topics.REVIEW_LEADER).on(Topics.REVIEW_LEADER, cluster::announced);
    handlers.on(Topics.REVIEW_GOLD, gold::add)
        .on(Topics.REVIEW_GOLD, frame -> queue.goldFrameRead());
    handlers.onRaw(Topics.DATASETS, datasets::recorded);
    handlers.on(Topics.PREDICTIONS, prediction -> counts.predicted(prediction.getFrameId()))
        .on(Topics.PREDICTIONS, policy::predicted);
    handlers.on(Topics.FRAMES_DLQ, letter -> counts.deadLettered())
        .on(Topics.REVIEW_REQUESTS_DLQ, letter -> counts.deadLettered());
    return handlers;
  }

  /** A folder for this run only (no REVIEW_STATE_DIR): what it holds is rebuilt from Kafka at the next start. */
  private static Path runFolder() {
    try {
      return Files.createTempDirectory("labelstream-review-partitioned-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a folder for the review state", e);
    }
  }

  /** Deletes this run's folder of Kafka Streams stores, as {@link FrameBytes} deletes a store; a failure is logged. */
  private static void deleteRunFolder(Path folder) {
    try {
      FrameBytes.deleteStore(folder);
    } catch (UncheckedIOException e) {
      LOG.warn("could not delete {}: {}", folder, e.toString());
    }
  }

  /** Where the other instances reach this one when nothing else is configured. */
  private static String advertisedUrl(String host, int port) {
    String reachable = host;
    if ("0.0.0.0".equals(host) || "::".equals(host)) {
      try {
        reachable = InetAddress.getLocalHost().getHostAddress();
      } catch (UnknownHostException e) {
        reachable = "127.0.0.1";
      }
    }
    return "http://" + reachable + ":" + port;
  }

  private static boolean leaderKnown(LeaderElection election, ClusterView cluster) {
    return election.isLeader() || cluster.leader().isPresent();
  }

  public int port() {
    return http.port();
  }

  /** True once the queue is rebuilt and a leader (this instance or another) runs it. */
  public boolean ready() {
    return tailer.caughtUp() && leaderKnown(election, cluster) && datasets.ready() && partitioned.ready();
  }

  /** Open tasks as this instance knows them, leased or not. */
  public int openTasks() {
    return queue.openCount();
  }

  public boolean isQueueLeader() {
    return election.isLeader();
  }

  /** This instance's share of the per-frame state; package-private for tests that ask who owns a frame. */
  PartitionedState partitionedState() {
    return partitioned;
  }

  /** The state reader; package-private for tests that stop it as a crash would. */
  StateTailer stateTailer() {
    return tailer;
  }

  @Override
  public void close() {
    http.close();
    images.close();
    try {
      queue.close(); // what reviewers changed last is committed while this instance still leads the queue
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (election.isLeader()) {
      try {
        writer.resign();
      } catch (RuntimeException e) {
        LOG.warn("could not withdraw the queue leader announcement: {}", e.toString());
      }
    }
    election.close(); // leaves the group: another instance takes the queue over at once
    datasets.close();
    collection.ifPresent(FrameStoreCollection::close);
    frameStore.ifPresent(FrameStore::close);
    recall.close();
    policy.close();
    partitioned.close();
    runFolder.ifPresent(ReviewService::deleteRunFolder);
    tailer.close();
    try {
      tailerThread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    writer.close();
    clientMetrics.forEach(ClientMeters::close);
    kafkaHealth.close();
    checkpoint.ifPresent(this::writeCheckpoint);
    frameBytes.close(); // last: every reader of the state has stopped
    checkpoint.ifPresent(StateCheckpoint::close);
  }

  /**
   * Once the reader, the queue's writer, the policy and the recall have stopped, nothing changes the state: the store
   * is written out and the parts with the positions the reader stopped at. A reader that stopped on an error leaves
   * no checkpoint (the next start rebuilds).
   */
  private void writeCheckpoint(StateCheckpoint to) {
    Optional<Map<TopicPartition, Long>> positions = tailer.stoppedAt();
    if (positions.isEmpty()) {
      LOG.warn("no checkpoint of the review state: its reader had not stopped cleanly; the next start rebuilds it");
      return;
    }
    try {
      long started = System.nanoTime();
      frameBytes.flush();
      to.write(positions.get(), stateParts);
      LOG.info("checkpoint of the review state written in {} ms", (System.nanoTime() - started) / 1_000_000);
    } catch (IOException | RuntimeException e) {
      LOG.warn("could not write a checkpoint of the review state ({}); the next start rebuilds it", e.toString());
    }
  }

  public static void main(String[] args) throws Exception {
    StartUp.run(() -> {
      ReviewConfig config = ReviewConfig.from(Env.system());
      if (config.tokensGenerated()) {
        // Shown once to whoever started the service, on the console; never logged.
        System.out.println("REVIEW_TOKENS was not set; admin token for this run: " + config.tokens().generatedToken().orElseThrow());
      }
      ReviewService service = start(config);
      GracefulShutdown.onSignal("review", service, config.http().shutdownGrace());
    });
  }
}
