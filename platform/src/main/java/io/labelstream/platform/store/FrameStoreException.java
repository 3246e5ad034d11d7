package io.labelstream.platform.store;

/** A frame store could not do what was asked; {@link #kind()} says whether trying again can help. */
public final class FrameStoreException extends Exception {

  /** What went wrong. */
  public enum Kind {
    /** The store did not answer or refused for now: try again later (503 to a client, a paused consumer). */
    UNAVAILABLE,
    /** No object under the key: deleted by retention, or its write never happened. */
    MISSING,
    /** The object's bytes do not match the reference's size or SHA-256: never served. */
    CORRUPT
  }

  private final Kind kind;

  public FrameStoreException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public FrameStoreException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  /** Whether trying the same call again later can succeed. */
  public boolean isTransient() {
    return kind == Kind.UNAVAILABLE;
  }
}
