package io.labelstream.kafka.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one process) started from the Kafka jars.
 *
 * <p>It listens on 127.0.0.1 only. Its data directory survives restarts: the ports chosen on first start are kept
 * in {@code ports.properties} and reused when still free, and storage is formatted only once, so a demo can be
 * stopped and started again without losing what was accepted. The controller quorum is configured statically
 * ({@code controller.quorum.voters}), so a change of port after a restart is harmless.
 *
 * <p>{@link #startWithSaslPlain} starts it with a SASL_PLAINTEXT listener instead, for showing that services
 * authenticate: clients must log in with SASL/PLAIN as one of the given users, and a wrong password is rejected.
 * No authorizer runs, so every authenticated user may do everything.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
  private static final String HOST = "127.0.0.1";
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private static final String PLAIN_LOGIN_MODULE = "org.apache.kafka.common.security.plain.PlainLoginModule";
  /** The user the broker itself logs in as on its SASL listener (inter-broker traffic and the readiness check). */
  private static final String BROKER_USER = "embedded-broker";

  private final KafkaRaftServer server;
  private final String bootstrapServers;
  private final Path dataDir;
  private final Map<String, Object> ownClientSecurity;

  private EmbeddedKafkaBroker(KafkaRaftServer server, String bootstrapServers, Path dataDir,
      Map<String, Object> ownClientSecurity) {
    this.server = server;
    this.bootstrapServers = bootstrapServers;
    this.dataDir = dataDir;
    this.ownClientSecurity = ownClientSecurity;
  }

  /** Starts a broker whose logs and metadata live under {@code dataDir}, and waits until it answers. */
  public static EmbeddedKafkaBroker start(Path dataDir) {
    return start(dataDir, Map.of());
  }

  /**
   * Starts a broker with extra broker properties layered over the defaults. Its readiness check connects without
   * credentials, so a secured listener needs {@link #startWithSaslPlain} instead.
   */
  public static EmbeddedKafkaBroker start(Path dataDir, Map<String, String> overrides) {
    return start(dataDir, Optional.empty(), overrides);
  }

  /**
   * Starts a broker whose only client listener is SASL_PLAINTEXT with mechanism PLAIN, accepting the given users.
   * Clients connect with {@code security.protocol=SASL_PLAINTEXT}, {@code sasl.mechanism=PLAIN} and
   * {@code sasl.jaas.config=}{@link #plainJaasConfig}.
   *
   * <p>That listener also carries the broker's traffic to itself (inter-broker), under a user of its own with a
   * random password, so nothing reaches the data without logging in. The controller listener stays PLAINTEXT: only
   * the broker in this process uses it, on 127.0.0.1, and it is never advertised to clients; securing it too would
   * add a second JAAS configuration and show nothing more about the services.
   *
   * @param passwordsByUser the users clients may log in as, and their passwords
   */
  public static EmbeddedKafkaBroker startWithSaslPlain(Path dataDir, Map<String, String> passwordsByUser) {
    if (passwordsByUser.isEmpty() || passwordsByUser.containsKey(BROKER_USER)) {
      throw new IllegalArgumentException("give at least one user, and none called " + BROKER_USER);
    }
    return start(dataDir, Optional.of(new SaslPlain(passwordsByUser, Uuid.randomUuid().toString())), Map.of());
  }

  /** The {@code sasl.jaas.config} value a client logs in with over SASL/PLAIN. */
  public static String plainJaasConfig(String user, String password) {
    return PLAIN_LOGIN_MODULE + " required username=\"" + user + "\" password=\"" + password + "\";";
  }

  private static EmbeddedKafkaBroker start(Path dataDir, Optional<SaslPlain> sasl, Map<String, String> overrides) {
    try {
      Files.createDirectories(dataDir);
      Path logDir = dataDir.resolve("logs");
      Ports ports = Ports.loadOrChoose(dataDir.resolve("ports.properties"));
      Properties props = brokerProperties(logDir, ports);
      sasl.ifPresent(s -> props.putAll(s.brokerProperties(ports)));
      props.putAll(overrides);
      formatOnce(dataDir, logDir, props);

      long started = System.nanoTime();
      KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
      server.startup();
      String bootstrap = HOST + ":" + ports.broker;
      EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(server, bootstrap, dataDir,
          sasl.map(SaslPlain::ownClientSecurity).orElse(Map.of()));
      broker.awaitReady();
      LOG.info("embedded Kafka broker ready at {} in {} ms (data in {})", bootstrap,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), dataDir.toAbsolutePath());
      return broker;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the embedded broker's data directory " + dataDir, e);
    }
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  public Path dataDir() {
    return dataDir;
  }

  @Override
  public void close() {
    LOG.info("stopping embedded Kafka broker at {}", bootstrapServers);
    server.shutdown();
    server.awaitShutdown();
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    Map<String, Object> config = new HashMap<>(ownClientSecurity);
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    try (Admin admin = Admin.create(config)) {
      while (true) {
        try {
          if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (Exception e) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("embedded broker did not become ready within " + READY_TIMEOUT, e);
          }
        }
      }
    }
  }

  private static Properties brokerProperties(Path logDir, Ports ports) {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@" + HOST + ":" + ports.controller);
    p.put("listeners", "PLAINTEXT://" + HOST + ":" + ports.broker + ",CONTROLLER://" + HOST + ":" + ports.controller);
    p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + ports.broker);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("log.dirs", logDir.toAbsolutePath().toString());
    // One node: every internal topic has a single replica.
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "6");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "6");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    // A review queue leader killed mid-transaction leaves it open, and its successor serves once the coordinator has
    // aborted it: after the queue's transaction timeout (10 s), at the next of these checks (default every 10 s, so a
    // takeover took 10 to 20 s; ReviewFailoverIT saw 11.4 and 19.6).
    p.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");
    p.put("auto.create.topics.enable", "false");
    // The default 128 MiB dedupe buffer is far more than a demo's compacted topics need.
    p.put("log.cleaner.dedupe.buffer.size", "16777216");
    return p;
  }

  private static void formatOnce(Path dataDir, Path logDir, Properties props) throws IOException {
    if (Files.exists(logDir.resolve("meta.properties"))) {
      return;
    }
    Path config = dataDir.resolve("server.properties");
    try (OutputStream out = Files.newOutputStream(config)) {
      props.store(out, "embedded LabelStream broker, written for kafka-storage format");
    }
    String clusterId = Uuid.randomUuid().toString();
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
    int rc;
    try {
      rc = StorageTool.execute(new String[] {"format", "-t", clusterId, "-c", config.toString()}, quiet);
    } finally {
      // Only the format step reads it, and it may hold the SASL users' passwords.
      Files.deleteIfExists(config);
    }
    if (rc != 0) {
      throw new IllegalStateException("kafka-storage format failed with exit code " + rc + " for " + logDir);
    }
  }

  /** A SASL_PLAINTEXT listener with mechanism PLAIN in place of the PLAINTEXT one. */
  private record SaslPlain(Map<String, String> passwordsByUser, String brokerPassword) {

    private static final String LISTENER = "SASL_PLAINTEXT";

    Map<String, String> brokerProperties(Ports ports) {
      StringBuilder jaas = new StringBuilder(PLAIN_LOGIN_MODULE + " required")
          .append(" username=\"").append(BROKER_USER).append("\" password=\"").append(brokerPassword).append('"');
      Map<String, String> users = new LinkedHashMap<>(passwordsByUser);
      users.put(BROKER_USER, brokerPassword);
      users.forEach((user, password) -> jaas.append(" user_").append(user).append("=\"").append(password).append('"'));
      jaas.append(';');
      Map<String, String> p = new HashMap<>();
      p.put("listeners", LISTENER + "://" + HOST + ":" + ports.broker + ",CONTROLLER://" + HOST + ":" + ports.controller);
      p.put("advertised.listeners", LISTENER + "://" + HOST + ":" + ports.broker);
      p.put("inter.broker.listener.name", LISTENER);
      p.put("listener.security.protocol.map", LISTENER + ":SASL_PLAINTEXT,CONTROLLER:PLAINTEXT");
      p.put("sasl.enabled.mechanisms", "PLAIN");
      p.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
      p.put("listener.name.sasl_plaintext.plain.sasl.jaas.config", jaas.toString());
      return p;
    }

    Map<String, Object> ownClientSecurity() {
      return Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN",
          "sasl.jaas.config", plainJaasConfig(BROKER_USER, brokerPassword));
    }

    @Override
    public String toString() {
      return "SaslPlain[users=" + passwordsByUser.keySet() + "]";
    }
  }

  /** The broker and controller ports, kept in the data directory so a restarted demo keeps its address. */
  private record Ports(int broker, int controller) {

    static Ports loadOrChoose(Path file) throws IOException {
      if (Files.exists(file)) {
        Properties saved = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
          saved.load(in);
        }
        Ports previous = new Ports(Integer.parseInt(saved.getProperty("broker")), Integer.parseInt(saved.getProperty("controller")));
        if (isFree(previous.broker) && isFree(previous.controller)) {
          return previous;
        }
      }
      Ports chosen = choose();
      Properties toSave = new Properties();
      toSave.setProperty("broker", Integer.toString(chosen.broker));
      toSave.setProperty("controller", Integer.toString(chosen.controller));
      try (OutputStream out = Files.newOutputStream(file)) {
        toSave.store(out, "ports of the embedded broker");
      }
      return chosen;
    }

    private static boolean isFree(int port) {
      try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName(HOST))) {
        socket.setReuseAddress(true);
        return true;
      } catch (IOException e) {
        return false;
      }
    }

    /**
     * Two free ports, both sockets held open together: one after the other, the system may hand out the same port
     * twice, and the broker then refuses to start (a CI run met it).
     */
    private static Ports choose() throws IOException {
      InetAddress host = InetAddress.getByName(HOST);
      try (ServerSocket broker = new ServerSocket(0, 1, host); ServerSocket controller = new ServerSocket(0, 1, host)) {
        return new Ports(broker.getLocalPort(), controller.getLocalPort());
      }
    }
  }
}
