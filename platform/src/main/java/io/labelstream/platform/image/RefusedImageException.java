package io.labelstream.platform.image;

import java.io.IOException;

/**
 * An image that will not be decoded, with the reason as a stable code: ingest answers with it, the worker puts it
 * in the dead letter. The message starts with the code, so a dead letter's reason can be searched for it.
 */
public final class RefusedImageException extends IOException {

  private static final long serialVersionUID = 1L;

  /** Why an image is refused. */
  public enum Reason {
    /** The header cannot be read: not a PNG or JPEG we know, or cut before its size. */
    UNREADABLE_HEADER("undecodable_image"),
    /** A valid image in a variant the decoder does not read (12-bit or arithmetic-coded JPEG, for example). */
    UNSUPPORTED("unsupported_image"),
    /** Smaller than {@link DecodeBudget#MIN_SIDE} on a side: a broken camera or a probe, not a picture. */
    TOO_SMALL("image_too_small"),
    /** Wider or taller than the budget's side limit. */
    DIMENSIONS_TOO_LARGE("dimensions_too_large"),
    /** More pixels, or more decoded bytes, than the budget allows. */
    TOO_LARGE("image_too_large"),
    /** The file ends before its structure does (no JPEG EOI, no PNG IEND). */
    TRUNCATED("truncated_image"),
    /** Bytes after the JPEG EOI or the PNG IEND chunk. */
    DATA_AFTER_END("data_after_image_end"),
    /** A broken structure (bad CRC, a missing marker) or data the decoder could not fully decode. */
    CORRUPT("corrupt_image"),
    /** Decoding took longer than the per-frame time limit and was abandoned. */
    DECODE_TIMEOUT("decode_timeout");

    private final String code;

    Reason(String code) {
      this.code = code;
    }

    public String code() {
      return code;
    }
  }

  private final Reason reason;
  private final String detail;

  public RefusedImageException(Reason reason, String detail) {
    super(reason.code() + ": " + detail);
    this.reason = reason;
    this.detail = detail;
  }

  public Reason reason() {
    return reason;
  }

  /** The explanation without the code, for an HTTP error's message. */
  public String detail() {
    return detail;
  }
}
