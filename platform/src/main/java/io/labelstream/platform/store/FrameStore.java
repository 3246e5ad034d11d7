package io.labelstream.platform.store;

import io.labelstream.schemas.avro.ImageRef;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * Where frame images live, so that they outlive Kafka's retention (the claim-check pattern): ingest puts a frame's
 * bytes here first and then writes a Kafka record carrying only the {@link ImageRef}; every reader gets the bytes
 * back through the same reference.
 *
 * <p>Content-addressed: an image's key is made from the SHA-256 of its bytes ({@link ContentKeys}), so a retried or
 * duplicated upload costs nothing and two frames with the same bytes share one object. Every read checks the
 * SHA-256 of what came back: a store never hands out a wrong image, it refuses with {@link FrameStoreException.Kind#CORRUPT}.
 *
 * <p>Implementations are safe to call from several threads.
 */
public interface FrameStore extends AutoCloseable {

  /**
   * Stores {@code image} under its content key, unless an object is already there; durable when this returns. Either
   * way the object's modification time becomes now, so the collector sees it as young again.
   *
   * @return the reference a record carries
   * @throws FrameStoreException {@link FrameStoreException.Kind#UNAVAILABLE} when the store cannot take it now
   */
  ImageRef put(byte[] image, String contentType) throws FrameStoreException;

  /**
   * The image {@code ref} names, its size and SHA-256 checked.
   *
   * @throws FrameStoreException {@code MISSING} when no such object exists (deleted, or never written),
   *     {@code CORRUPT} when its bytes do not match the reference, {@code UNAVAILABLE} when the store does not answer
   */
  byte[] get(ImageRef ref) throws FrameStoreException;

  /** The object under {@code key} as {@link #forEach} would list it now; empty when there is none. */
  java.util.Optional<StoredObject> stat(String key) throws FrameStoreException;

  /** Deletes the object under {@code key}, if there is one. */
  void delete(String key) throws FrameStoreException;

  /** Calls {@code visitor} with every object in the store, for the collector that deletes what nothing needs. */
  void forEach(Consumer<StoredObject> visitor) throws FrameStoreException;

  /** The store as {@link ImageRef#getStore()} names it: its URI without credentials, safe to log. */
  String location();

  @Override
  void close();

  /** One object as the store lists it. */
  record StoredObject(String key, long size, Instant lastModified) {}
}
