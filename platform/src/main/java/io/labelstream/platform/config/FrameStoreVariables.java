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

  /**
   * An inline limit above any INGEST_MAX_BYTES: every frame travels inline as well as by reference. It is the default
   * while some readers of frames.v1 still take only inline bytes; once every reader takes images from the store,
   * the default becomes the measured break-even (docs/performance.md) by changing {@link #INLINE_DEFAULT} alone.
   */
  public static final long INLINE_EVERY_FRAME = 1L << 30;
  /** The one place the default inline limit is chosen. */
  static final long INLINE_DEFAULT = INLINE_EVERY_FRAME;

  public static final Setting<Long> FRAME_STORE_INLINE_MAX_BYTES = D.variable("FRAME_STORE_INLINE_MAX_BYTES",
          longInteger(0, INLINE_EVERY_FRAME))
      .byDefault(INLINE_DEFAULT)
      .doc("Frames up to this size also travel inline in their frames.v1 record, so a reader does not fetch them "
          + "back from the store; every frame is stored either way, and larger ones travel by reference only (a "
          + "record of about 300 bytes), so the frame topics' Kafka limits no longer follow INGEST_MAX_BYTES. "
          + "0: none inline; the default (1 GiB) keeps every frame inline too.");

  public static final Setting<Duration> FRAME_STORE_RETENTION = D.variable("FRAME_STORE_RETENTION", duration())
      .byDefault(Duration.ofDays(365))
      .doc("How long an image nothing needs any more is kept after its frame was last labelled. Images of a dataset "
          + "snapshot or an open task are kept whatever their age.");

  private FrameStoreVariables() {}

  static List<Setting<?>> all() {
    return D.all();
  }
}
