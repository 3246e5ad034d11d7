package io.labelstream.ingest.http;

import io.labelstream.ingest.config.IngestConfig;
import io.labelstream.ingest.metrics.IngestMetrics;

/**
 * What both upload endpoints share: the senders and their rates, the limits, the room for bodies being read, the
 * checks, the idempotent writes, the answers and the meters.
 */
record FrameIntake(IngestConfig config, SenderGate senders, BodyBudget bodies, FrameChecks checks,
    FrameSubmitter submitter, Acknowledgements acks, IngestMetrics metrics) {}
