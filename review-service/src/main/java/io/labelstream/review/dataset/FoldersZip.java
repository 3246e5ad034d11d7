package io.labelstream.review.dataset;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The {@code folders} and {@code yolo} exports as they go out: a ZIP written straight to the response, one entry per
 * image, stored as they are (PNG and JPEG are compressed already; YOLO's text files are compressed), then {@code missing.txt} (frames whose image is nowhere to be
 * found) and {@code refused.txt} (frames whose stored image no longer matches its reference, so it was left out).
 *
 * <p>Every entry carries the snapshot's creation time (as a UTC wall-clock time, so the server's time zone does
 * not matter) and no extra fields: the same entries in the same order give the same bytes. {@link ZipOutputStream}
 * keeps each entry's name and sizes for the central directory at the end: about 270 bytes an entry (measured with
 * 36-character frameIds), so 1,000,000 images need about 270 MB of heap until the export ends. A ZIP writer of our
 * own that kept only offset, CRC, size and name bytes per entry would need about 70.
 */
final class FoldersZip implements AutoCloseable {

  static final String MISSING = "missing.txt";
  static final String REFUSED = "refused.txt";

  private final ZipOutputStream zip;
  private final LocalDateTime entryTime;

  FoldersZip(OutputStream out, Instant snapshotCreatedAt) {
    this.zip = new ZipOutputStream(out, StandardCharsets.UTF_8);
    // DOS time has a 2-second resolution and no zone; the snapshot's time in UTC is the same everywhere.
    this.entryTime = LocalDateTime.ofInstant(snapshotCreatedAt, ZoneOffset.UTC).withNano(0);
  }

  /** One image, stored as it is under {@code name} ({@code <folder>/<file>}). */
  void image(String name, byte[] image) throws IOException {
    CRC32 crc = new CRC32();
    crc.update(image);
    ZipEntry entry = new ZipEntry(name);
    entry.setMethod(ZipEntry.STORED);
    entry.setSize(image.length);
    entry.setCompressedSize(image.length);
    entry.setCrc(crc.getValue());
    entry.setTimeLocal(entryTime);
    zip.putNextEntry(entry);
    zip.write(image);
    zip.closeEntry();
  }

  /** A small text file (a YOLO label file, data.yaml), compressed, under {@code name}. */
  void text(String name, String text) throws IOException {
    beginList(name);
    zip.write(text.getBytes(StandardCharsets.UTF_8));
    zip.closeEntry();
  }

  /** Opens {@code missing.txt}; lines follow with {@link #missingLine}. */
  void beginMissing() throws IOException {
    beginList(MISSING);
  }

  /** Opens {@code refused.txt}; lines follow with {@link #refusedLine}. */
  void beginRefused() throws IOException {
    beginList(REFUSED);
  }

  private void beginList(String name) throws IOException {
    ZipEntry entry = new ZipEntry(name);
    entry.setMethod(ZipEntry.DEFLATED);
    entry.setTimeLocal(entryTime);
    zip.putNextEntry(entry);
  }

  /** One frameId a line; an id with control characters in it (a fleet's doing) is written as a JSON string. */
  void missingLine(String frameId) throws IOException {
    zip.write((printable(frameId) + "\n").getBytes(StandardCharsets.UTF_8));
  }

  /** A frameId, a tab and why its image was refused (no control characters in it). */
  void refusedLine(String frameId, String reason) throws IOException {
    zip.write((printable(frameId) + "\t" + reason + "\n").getBytes(StandardCharsets.UTF_8));
  }

  private static String printable(String frameId) {
    return frameId.chars().anyMatch(c -> c < 0x20 || c == 0x7f) ? jsonString(frameId) : frameId;
  }

  private static String jsonString(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20 || c == 0x7f) {
        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }

  /** Closes {@code missing.txt} or {@code refused.txt}. */
  void endList() throws IOException {
    zip.closeEntry();
  }

  /** Writes the central directory; the underlying stream stays open. */
  @Override
  public void close() throws IOException {
    zip.finish();
    zip.flush();
  }
}
