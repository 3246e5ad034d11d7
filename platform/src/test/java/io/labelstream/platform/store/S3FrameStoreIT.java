package io.labelstream.platform.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelstream.platform.config.Env;
import io.labelstream.platform.store.FrameStoreException.Kind;
import io.labelstream.schemas.avro.ImageRef;
import io.labelstream.testsupport.S3Server;
import io.labelstream.testsupport.S3ServerExtension;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The frame store contract on the S3 backend, against a real S3-protocol server (S3Proxy in a child process) over
 * HTTP with signed requests, opened from the same settings a service reads; then the store going down, hanging and
 * coming back.
 */
class S3FrameStoreIT extends FrameStoreContract {

  private static final String BUCKET = "frames";
  private static final int TIMEOUT_MS = 2_000;
  private static final AtomicInteger STORES = new AtomicInteger();

  @RegisterExtension
  static final S3ServerExtension S3 = new S3ServerExtension(BUCKET);

  private static S3Server s3;
  private static S3Client raw;

  /** Each test its own prefix in the one bucket, so listings see only their own objects. */
  private String prefix;

  @BeforeAll
  static void connect() {
    s3 = S3.server();
    raw = S3Client.builder().endpointOverride(s3.endpoint()).region(Region.of(S3Server.REGION)).forcePathStyle(true)
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(s3.accessKeyId(), s3.secretAccessKey())))
        // as the store's own client: S3Proxy refuses the SDK's default CRC32 trailer (aws-chunked uploads)
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .build();
  }

  @AfterAll
  static void disconnect() {
    if (raw != null) {
      raw.close();
    }
  }

  @Override
  protected FrameStore openStore() {
    prefix = "run/" + STORES.incrementAndGet();
    return open(s3.endpoint(), "s3://" + BUCKET + "/" + prefix + "/");
  }

  private static FrameStore open(URI endpoint, String location) {
    Map<String, String> vars = new HashMap<>(S3.frameStoreVariables(""));
    vars.put("FRAME_STORE", location);
    vars.put("FRAME_STORE_S3_ENDPOINT", endpoint.toString());
    vars.put("FRAME_STORE_TIMEOUT_MS", String.valueOf(TIMEOUT_MS));
    return FrameStoreSettings.from(new Env(vars)).open().orElseThrow();
  }

  @Override
  protected void overwrite(String key, byte[] other) {
    raw.putObject(b -> b.bucket(BUCKET).key(prefix + "/" + key), RequestBody.fromBytes(other));
  }

  @Override
  protected void putForeignObject(String key, byte[] bytes) {
    raw.putObject(b -> b.bucket(BUCKET).key(prefix + "/" + key), RequestBody.fromBytes(bytes));
  }

  @Test
  void shouldNameItsLocationWithoutCredentialsAndKeepObjectsUnderItsPrefix() throws Exception {
    ImageRef ref = store.put(bytes(10, 20), "image/png");

    assertThat(store.location()).isEqualTo("s3://" + BUCKET + "/" + prefix).doesNotContain(s3.secretAccessKey());
    assertThat(raw.headObject(b -> b.bucket(BUCKET).key(prefix + "/" + ref.getKey())).contentType())
        .isEqualTo("image/png");
  }

  @Test
  void shouldKeepObjectsAtTheBucketRootWhenNoPrefixIsGiven() throws Exception {
    s3.createBucket("root-frames");
    try (FrameStore root = open(s3.endpoint(), "s3://root-frames")) {
      ImageRef ref = root.put(bytes(10, 26), "image/png");
      List<String> keys = new ArrayList<>();
      root.forEach(o -> keys.add(o.key()));

      assertThat(root.location()).isEqualTo("s3://root-frames");
      assertThat(keys).containsExactly(ref.getKey());
      assertThat(raw.headObject(b -> b.bucket("root-frames").key(ref.getKey())).contentLength()).isEqualTo(10);
      assertThat(root.get(ref)).isEqualTo(bytes(10, 26));
    }
  }

  @Test
  void shouldSayUnavailableWithinItsTimeoutWhileTheServerIsDownAndWorkAgainOnceItIsBack() throws Exception {
    ImageRef before = store.put(bytes(1_000, 21), "image/jpeg");
    s3.stop();
    try {
      long start = System.nanoTime();
      assertKind(() -> store.put(bytes(1_000, 22), "image/jpeg"), Kind.UNAVAILABLE);
      assertKind(() -> store.get(before), Kind.UNAVAILABLE);
      assertKind(() -> store.forEach(o -> {}), Kind.UNAVAILABLE);
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      assertThat(took).as("three calls on a store that is down").isLessThan(Duration.ofMillis(3 * TIMEOUT_MS));
      assertThat(requests("put", "unavailable")).isEqualTo(1);
      assertThat(requests("get", "unavailable")).isEqualTo(1);
    } finally {
      s3.restart();
    }

    assertThat(store.get(before)).isEqualTo(bytes(1_000, 21));
    ImageRef after = store.put(bytes(1_000, 22), "image/jpeg");
    assertThat(store.get(after)).isEqualTo(bytes(1_000, 22));
  }

  @Test
  void shouldSayUnavailableWithinItsTimeoutWhenTheServerTakesConnectionsButNeverAnswers() throws Exception {
    // a listening socket nobody accepts on: the kernel completes the handshake, no byte ever comes back
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        FrameStore hanging = new MeteredFrameStore(open(URI.create("http://127.0.0.1:" + silent.getLocalPort()),
            "s3://" + BUCKET), registry)) {
      long start = System.nanoTime();
      assertKind(() -> hanging.put(bytes(100, 23), "image/jpeg"), Kind.UNAVAILABLE);
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      assertThat(took).isBetween(Duration.ofMillis(TIMEOUT_MS / 2), Duration.ofMillis(TIMEOUT_MS + 1_500));
    }
  }

  @Test
  void shouldSayUnavailableNotMissingWhenTheBucketDoesNotExist() {
    try (FrameStore nowhere = open(s3.endpoint(), "s3://no-such-bucket")) {
      ImageRef ref = ContentKeys.ref(nowhere.location(), bytes(10, 24), "image/png");

      assertKind(() -> nowhere.get(ref), Kind.UNAVAILABLE);
      assertKind(() -> nowhere.put(bytes(10, 24), "image/png"), Kind.UNAVAILABLE);
    }
  }

  @Test
  void shouldSayUnavailableWhenTheKeyIsRefused() {
    Map<String, String> vars = new HashMap<>(S3.frameStoreVariables(""));
    vars.put("FRAME_STORE_S3_SECRET_ACCESS_KEY", "not-the-secret");
    try (FrameStore refused = FrameStoreSettings.from(new Env(vars)).open().orElseThrow()) {
      assertKind(() -> refused.put(bytes(10, 25), "image/png"), Kind.UNAVAILABLE);
    }
  }
}
