package io.labelstream.review.dataset;

import java.util.Optional;

/** The ways a snapshot can be exported: {@code GET /v1/datasets/{id}/export?format=...}. */
public enum ExportFormat {
  /** One JSON object per frame and line, in snapshot order; its SHA-256 is the snapshot's content hash. */
  JSONL("application/x-ndjson", "jsonl"),
  /**
   * COCO JSON: for classification categories, images and one annotation per image; for detection images with their
   * sizes and one annotation per box ({@link CocoDetectionWriter}).
   */
  COCO("application/json", "coco.json"),
  /**
   * Classification only: a ZIP of {@code <class>/<frameId>.<png|jpg>} with the images from the frame store (or
   * frames.v1), and missing.txt / refused.txt for the rest.
   */
  FOLDERS("application/zip", "zip"),
  /**
   * Detection only: a ZIP in Ultralytics' YOLO layout, {@code images/}, {@code labels/<frameId>.txt} and
   * {@code data.yaml} ({@link YoloLabels}), with missing.txt / refused.txt as in {@link #FOLDERS}.
   */
  YOLO("application/zip", "yolo.zip");

  private final String contentType;
  private final String extension;

  ExportFormat(String contentType, String extension) {
    this.contentType = contentType;
    this.extension = extension;
  }

  /** The format named by a query parameter; JSONL when none is given. */
  public static Optional<ExportFormat> parse(String raw) {
    if (raw == null || raw.isBlank()) {
      return Optional.of(JSONL);
    }
    for (ExportFormat format : values()) {
      if (format.name().equalsIgnoreCase(raw.strip())) {
        return Optional.of(format);
      }
    }
    return Optional.empty();
  }

  /** Whether a snapshot of this kind can be exported in this format; JSONL and COCO suit both. */
  public boolean suits(boolean detection) {
    return switch (this) {
      case JSONL, COCO -> true;
      case FOLDERS -> !detection;
      case YOLO -> detection;
    };
  }

  public String contentType() {
    return contentType;
  }

  /** The file name extension of the download, after the dataset id. */
  public String extension() {
    return extension;
  }
}
