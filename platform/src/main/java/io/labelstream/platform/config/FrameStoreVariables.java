package io.labelstream.platform.config;

import static io.labelstream.platform.config.ValueType.duration;
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

  public static final Setting<Long> FRAME_STORE_INLINE_MAX_BYTES = D.variable("FRAME_STORE_INLINE_MAX_BYTES",
          longInteger(0, 1L << 30))
      .byDefault(0L)
      .doc("Frames up to this size also travel inline in their frames.v1 record, so the worker does not read them "
          + "back from the store; every frame is stored either way. 0: none inline.");

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

  private FrameStoreVariables() {}

  static List<Setting<?>> all() {
    return D.all();
  }
}
