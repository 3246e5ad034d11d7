package io.labelstream.platform.kafka;

/**
 * Kafka size limits derived from the ingest limit, so that any frame ingest accepts also fits through the topic,
 * the producer and the consumer. A frame record is the image plus a few hundred bytes of fields; the headroom
 * covers that and the record batch overhead.
 *
 * @param ingestMaxBytes largest accepted image body
 */
public record FrameLimits(long ingestMaxBytes) {

  public static final long DEFAULT_INGEST_MAX_BYTES = 10L * 1024 * 1024;
  private static final int HEADROOM_BYTES = 64 * 1024;

  public static FrameLimits forIngestLimit(long ingestMaxBytes) {
    return new FrameLimits(ingestMaxBytes);
  }

  /** max.message.bytes of topics whose records carry images, producers' max.request.size. */
  public int maxRecordBytes() {
    return Math.toIntExact(Math.max(ingestMaxBytes + HEADROOM_BYTES, 1024 * 1024));
  }

  /** The consumer's max.partition.fetch.bytes and fetch.max.bytes for topics that carry images. */
  public int fetchBytes() {
    return Math.max(maxRecordBytes(), 50 * 1024 * 1024);
  }
}
