package io.labelstream.review.auth;

/** A person signed in with a bearer token. */
public record Reviewer(String name, Role role) {}
