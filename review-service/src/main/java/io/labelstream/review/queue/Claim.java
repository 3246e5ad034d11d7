package io.labelstream.review.queue;

/** What a reviewer gets from a successful claim. */
public record Claim(ReviewTask task, Lease lease) {}
