package io.labelstream.platform.config;

import static io.labelstream.platform.config.ValueType.bool;
import static io.labelstream.platform.config.ValueType.duration;
import static io.labelstream.platform.config.ValueType.integer;
import static io.labelstream.platform.config.ValueType.longInteger;
import static io.labelstream.platform.config.ValueType.text;

import java.time.Duration;
import java.util.List;

/** Where frame images are kept; read by every service, each the same way ({@code FrameStoreSettings}). */
public final class FrameStoreVariables {

  private static final Declarations D = new Declarations(Scope.FRAME_STORE);

  public static final Setting<String> FRAME_STORE = D.variable("FRAME_STORE",
          text("file:///an/absolute/folder, or s3://bucket or s3://bucket/prefix"))
      .defaultDescribed("unset when a service runs alone: images travel inline in frames.v1 only and are lost with "
          + "its retention (a warning at start); `./labelstream up` and `demo` use file://LABELSTREAM_DATA_DIR/frames")
      .doc("The frame store: every image ingest accepts is written here first, content-addressed by its SHA-256, "
          + "and Kafka records carry a reference to it, so images live as long as a dataset or an open task needs "
          + "them, not as long as a topic's retention. Every service must name the same store.");

  /** An inline limit above any INGEST_MAX_BYTES: every frame travels inline as well as by reference. */
  public static final long INLINE_EVERY_FRAME = 1L << 30;
  /**
   * The default inline limit. Every reader checks an inline copy against its reference's SHA-256, so inline bytes
   * save a reader only the fetch: next to nothing from a local folder, one round trip from S3 (10 to 17 ms for a
   * 300 KB put against S3Proxy here), which is worth a Kafka copy only for small frames. 16 KiB keeps the bundled
   * task's 28x28 frames (under 1 KB) inline and sends camera frames (50 KB and more) by reference, whose records are
   * about 370 bytes (docs/performance.md).
   */
  static final long INLINE_DEFAULT = 16 * 1024;

  public static final Setting<Long> FRAME_STORE_INLINE_MAX_BYTES = D.variable("FRAME_STORE_INLINE_MAX_BYTES",
          longInteger(0, INLINE_EVERY_FRAME))
      .byDefault(INLINE_DEFAULT)
      .doc("Frames up to this size also travel inline in their frames.v1 record, so a reader does not fetch them "
          + "back from the store; every frame is stored either way, and larger ones travel by reference only (a "
          + "record of about 300 bytes), so the frame topics' Kafka limits no longer follow INGEST_MAX_BYTES. "
          + "0: none inline; INGEST_MAX_BYTES or more: every frame inline too (what readers older than the store need).");

  public static final Setting<Duration> FRAME_STORE_RETENTION = D.variable("FRAME_STORE_RETENTION", duration())
      .byDefault(Duration.ofDays(365))
      .doc("How long an image nothing needs any more is kept after its frame was last labelled. Images of a dataset "
          + "snapshot or an open task are kept whatever their age.");

  public static final Setting<Duration> FRAME_STORE_ORPHAN_GRACE = D.variable("FRAME_STORE_ORPHAN_GRACE", duration())
      .byDefault(Duration.ofHours(1))
      .doc("How old an image must be before the collector may delete it when nothing refers to it: an image whose "
          + "Kafka record was never written (Kafka failed after the store write) is an orphan, deleted after this. "
          + "Keep it well above ingest's produce timeout.");

  public static final Setting<Duration> FRAME_STORE_COLLECT_INTERVAL = D.variable("FRAME_STORE_COLLECT_INTERVAL",
          duration())
      .byDefault(Duration.ofHours(6))
      .doc("How often the review service's queue leader deletes the images nothing needs (see FRAME_STORE_RETENTION "
          + "and FRAME_STORE_ORPHAN_GRACE); `POST /v1/admin/frame-store/collect` runs a collection at once.");

  public static final Setting<Integer> FRAME_STORE_TIMEOUT_MS = D.variable("FRAME_STORE_TIMEOUT_MS",
          integer(100, 600_000))
      .byDefault(5_000)
      .doc("How long one call to an S3 store may take before the store counts as unavailable (ingest answers 503, "
          + "the worker pauses): the limit to connect, to wait for the next bytes, and for a whole call, plus 1 s per "
          + "MB the call moves (a 20 MB frame: 25 s by default). Not used by the file store, whose reads and writes "
          + "cannot be cut short.");

  public static final Setting<String> FRAME_STORE_S3_ENDPOINT = D.variable("FRAME_STORE_S3_ENDPOINT",
          text("an http:// or https:// URL, e.g. http://minio.storage:9000"))
      .defaultDescribed("unset: AWS S3, at the endpoint of FRAME_STORE_S3_REGION")
      .doc("The S3 API's URL for an S3-compatible store (MinIO, Ceph RGW, S3Proxy, ...).");

  public static final Setting<String> FRAME_STORE_S3_REGION = D.variable("FRAME_STORE_S3_REGION",
          text("an AWS region name, e.g. eu-west-1"))
      .byDefault("us-east-1")
      .doc("The region requests are signed for (AWS: the bucket's region; most S3-compatible stores accept any).");

  public static final Setting<Boolean> FRAME_STORE_S3_PATH_STYLE = D.variable("FRAME_STORE_S3_PATH_STYLE", bool())
      .defaultDescribed("true when FRAME_STORE_S3_ENDPOINT is set, false otherwise")
      .doc("Path-style addressing (endpoint/bucket/key) instead of virtual-hosted (bucket.endpoint/key). AWS S3 "
          + "wants virtual-hosted; self-hosted stores usually have no wildcard DNS name per bucket, so with an "
          + "endpoint set the default is path-style.");

  public static final Setting<String> FRAME_STORE_S3_ACCESS_KEY_ID = D.variable("FRAME_STORE_S3_ACCESS_KEY_ID",
          text("an access key id"))
      .secret()
      .defaultDescribed("unset: the AWS SDK's default credentials chain (AWS_* variables, profile files, web identity "
          + "(EKS IRSA), container and instance roles)")
      .doc("With FRAME_STORE_S3_SECRET_ACCESS_KEY, the static key S3 requests are signed with; set both or neither. "
          + "The IAM policy needs s3:GetObject, s3:PutObject, s3:DeleteObject and s3:ListBucket (without ListBucket "
          + "a missing object reads as 403, not 404).");

  public static final Setting<String> FRAME_STORE_S3_SECRET_ACCESS_KEY = D.variable(
          "FRAME_STORE_S3_SECRET_ACCESS_KEY", text("the secret of FRAME_STORE_S3_ACCESS_KEY_ID"))
      .secret()
      .defaultDescribed("unset: the AWS SDK's default credentials chain")
      .doc("The secret of FRAME_STORE_S3_ACCESS_KEY_ID; never logged.");

  private FrameStoreVariables() {}

  static List<Setting<?>> all() {
    return D.all();
  }
}
