package io.labelstream.review.auth;

import io.javalin.security.RouteRole;
import java.util.Locale;
import java.util.Optional;

/**
 * What a token may do: reviewers label and flag; admins also see the queue, reviewers' quality, statistics, gold
 * tasks and dataset exports. Every {@code /v1} endpoint names the roles it admits.
 */
public enum Role implements RouteRole {
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
