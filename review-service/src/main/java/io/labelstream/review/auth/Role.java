package io.labelstream.review.auth;

import java.util.Locale;
import java.util.Optional;

/** What a token may do: reviewers label; admins also run the queue (later: gold tasks, flags, exports). */
public enum Role {
  REVIEWER,
  ADMIN;

  public static Optional<Role> parse(String raw) {
    try {
      return Optional.of(valueOf(raw.strip().toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
