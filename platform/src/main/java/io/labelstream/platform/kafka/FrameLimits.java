package io.labelstream.platform.kafka;

/**
 * Kafka size limits for the topics whose records carry images, so that any frame ingest accepts also fits through
 * the topic, the producer and the consumer. A frame record is its inline image bytes plus a few hundred bytes of
 * fields; the headroom covers that and the record batch overhead.
 *
 * <p>Without a frame store every image travels inline, so the limits follow the ingest limit. With a store, images
 * above the inline limit travel by reference only: the limits follow the inline limit instead, and a 50 MB frame
 * needs no 50 MB Kafka record.
 *
 * @param ingestMaxBytes largest accepted image body
 * @param inlineMaxBytes largest image a frame record carries inline (at most {@code ingestMaxBytes})
 */
public record FrameLimits(long ingestMaxBytes, long inlineMaxBytes) {

  public static final long DEFAULT_INGEST_MAX_BYTES = 10L * 1024 * 1024;
  private static final int HEADROOM_BYTES = 64 * 1024;

  public FrameLimits {
    inlineMaxBytes = Math.min(ingestMaxBytes, inlineMaxBytes);
  }

  /** Limits when every image travels inline (no frame store). */
  public static FrameLimits forIngestLimit(long ingestMaxBytes) {
    return new FrameLimits(ingestMaxBytes, ingestMaxBytes);
  }

  /** Limits when a frame store holds every image and only those up to {@code inlineMaxBytes} also travel inline. */
  public static FrameLimits withFrameStore(long ingestMaxBytes, long inlineMaxBytes) {
    return new FrameLimits(ingestMaxBytes, inlineMaxBytes);
  }

  /** max.message.bytes of topics whose records carry images, producers' max.request.size. */
  public int maxRecordBytes() {
    return Math.toIntExact(Math.max(inlineMaxBytes + HEADROOM_BYTES, 1024 * 1024));
  }

  /** The consumer's max.partition.fetch.bytes and fetch.max.bytes for topics that carry images. */
  public int fetchBytes() {
    return Math.max(maxRecordBytes(), 50 * 1024 * 1024);
  }
}
