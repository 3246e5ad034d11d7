package io.labelstream.review.dataset;

import io.labelstream.platform.hash.Sha256;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Names inside exports. FrameIds come from fleets (anyone who may produce to frames.v1) and class names from
 * configuration, so neither is trusted as a path: whoever unpacks a {@code folders} ZIP must never get a
 * {@code ../} or an absolute path out of it, and two frames must never share a file.
 */
final class ExportNames {

  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final Pattern UNSAFE_CHARS = Pattern.compile("[^A-Za-z0-9_-]");

  private ExportNames() {}

  /**
   * The file name (without extension) for a frame: the frameId itself when it is a plain name of letters, digits,
   * dots, dashes and underscores (ingest's UUIDs are), otherwise its letters, digits, dashes and underscores plus a
   * hash of the whole id.
   */
  static String frameFile(String frameId) {
    if (SAFE.matcher(frameId).matches()) {
      return frameId;
    }
    String cleaned = UNSAFE_CHARS.matcher(frameId).replaceAll("_");
    if (cleaned.length() > 64) {
      cleaned = cleaned.substring(0, 64);
    }
    return "frame-" + cleaned + "-" + sha256Hex(frameId).substring(0, 16);
  }

  /**
   * One folder name per class, in class order: the class name with anything but letters, digits, spaces, dots,
   * dashes and underscores replaced by {@code _} ({@code T-shirt/top} becomes {@code T-shirt_top}); where two
   * classes would share a folder, or a name is empty or dots only, the class index is put in front.
   */
  static List<String> classFolders(List<String> classes) {
    List<String> cleaned = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    Set<String> clashing = new HashSet<>();
    for (String name : classes) {
      String folder = name.replaceAll("[^A-Za-z0-9 ._-]", "_").strip();
      cleaned.add(folder);
      if (!seen.add(folder.toLowerCase(Locale.ROOT))) {
        clashing.add(folder.toLowerCase(Locale.ROOT));
      }
    }
    List<String> folders = new ArrayList<>();
    for (int i = 0; i < cleaned.size(); i++) {
      String folder = cleaned.get(i);
      boolean usable = !folder.isEmpty() && !folder.replace(".", "").isEmpty()
          && !clashing.contains(folder.toLowerCase(Locale.ROOT));
      folders.add(usable ? folder : String.format(Locale.ROOT, "%03d_%s", i, folder.replace(".", "_")));
    }
    return folders;
  }

  /** The file extension for a frame's media type. */
  static String extension(String contentType) {
    if (contentType == null) {
      return "bin";
    }
    return switch (contentType.strip().toLowerCase(Locale.ROOT)) {
      case "image/png" -> "png";
      case "image/jpeg", "image/jpg" -> "jpg";
      default -> "bin";
    };
  }

  static String sha256Hex(String text) {
    return HexFormat.of().formatHex(Sha256.of(text));
  }
}
