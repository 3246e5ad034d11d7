package io.labelstream.platform.http;

/**
 * The JSON body of every error answer: a stable machine-readable code and a message for people.
 *
 * @param error stable code, lower snake case (for example {@code missing_header})
 * @param message what went wrong and, where it helps, what to do
 */
public record ApiError(String error, String message) {}
