package io.labelstream.platform.config;

import static io.labelstream.platform.config.ValueType.integer;
import static io.labelstream.platform.config.ValueType.text;

import java.util.List;

/** How every service reaches Kafka. The security settings are passed to the Kafka clients unchanged. */
public final class KafkaVariables {

  private static final Declarations D = new Declarations(Scope.KAFKA);

  public static final Setting<String> KAFKA_BOOTSTRAP_SERVERS = D.variable("KAFKA_BOOTSTRAP_SERVERS",
          text("host:port, comma-separated"))
      .defaultDescribed("unset: `./labelstream up` and `demo` start an embedded broker; a service run alone needs it")
      .doc("The Kafka cluster.");

  public static final Setting<String> KAFKA_SECURITY_PROTOCOL = D.variable("KAFKA_SECURITY_PROTOCOL",
          text("PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL"))
      .doc("Kafka's security.protocol.");

  public static final Setting<String> KAFKA_SASL_MECHANISM = D.variable("KAFKA_SASL_MECHANISM",
          text("a SASL mechanism, e.g. SCRAM-SHA-512 or PLAIN"))
      .doc("Kafka's sasl.mechanism.");

  public static final Setting<String> KAFKA_SASL_JAAS_CONFIG = D.variable("KAFKA_SASL_JAAS_CONFIG",
          text("a JAAS login module line"))
      .secret()
      .doc("Kafka's sasl.jaas.config (secret: never logged).");

  public static final Setting<String> KAFKA_SSL_TRUSTSTORE_LOCATION = D.variable("KAFKA_SSL_TRUSTSTORE_LOCATION",
          text("a file path"))
      .doc("Kafka's ssl.truststore.location.");

  public static final Setting<String> KAFKA_SSL_TRUSTSTORE_PASSWORD = D.variable("KAFKA_SSL_TRUSTSTORE_PASSWORD",
          text("a password"))
      .secret()
      .doc("Kafka's ssl.truststore.password (secret: never logged).");

  public static final Setting<String> KAFKA_SSL_KEYSTORE_LOCATION = D.variable("KAFKA_SSL_KEYSTORE_LOCATION",
          text("a file path"))
      .doc("Kafka's ssl.keystore.location, for mutual TLS.");

  public static final Setting<String> KAFKA_SSL_KEYSTORE_PASSWORD = D.variable("KAFKA_SSL_KEYSTORE_PASSWORD",
          text("a password"))
      .secret()
      .doc("Kafka's ssl.keystore.password (secret: never logged).");

  public static final Setting<String> KAFKA_SSL_KEY_PASSWORD = D.variable("KAFKA_SSL_KEY_PASSWORD", text("a password"))
      .secret()
      .doc("Kafka's ssl.key.password (secret: never logged).");

  public static final Setting<Integer> KAFKA_TOPIC_PARTITIONS = D.variable("KAFKA_TOPIC_PARTITIONS", integer(1, 10_000))
      .byDefault(6)
      .doc("Partitions of the topics a service creates when it finds them missing.");

  public static final Setting<Integer> KAFKA_REPLICATION_FACTOR = D.variable("KAFKA_REPLICATION_FACTOR", integer(1, 32))
      .byDefault(1)
      .doc("Replication of the topics a service creates when it finds them missing.");

  private KafkaVariables() {}

  static List<Setting<?>> all() {
    return D.all();
  }
}
