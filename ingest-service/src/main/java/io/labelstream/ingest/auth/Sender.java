package io.labelstream.ingest.auth;

/** A fleet (or gateway) allowed to upload frames, known by the name its INGEST_TOKENS entry gives it. */
public record Sender(String name) {}
