package io.labelstream.inference.store;

/**
 * A frame whose image this worker can never get: waiting would not help, so the frame is dead-lettered with
 * {@link #getMessage()} as the reason, which starts with a stable code ({@code image_missing}, {@code image_corrupt},
 * {@code image_mismatch}, {@code no_image}, {@code no_frame_store}, {@code other_frame_store}).
 */
public final class UnusableImageException extends Exception {

  private final String code;

  UnusableImageException(String code, String detail, Throwable cause) {
    super(code + ": " + detail, cause);
    this.code = code;
  }

  /** The stable code the reason starts with. */
  public String code() {
    return code;
  }
}
