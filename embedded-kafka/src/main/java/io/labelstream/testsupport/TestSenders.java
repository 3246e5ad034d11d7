package io.labelstream.testsupport;

import java.util.HashMap;
import java.util.Map;

/**
 * The ingest settings a test that starts ingest on its own needs, since ingest refuses to run without senders and a
 * frame-id secret: one sender, {@code test-fleet}, whose token tests send as {@code Authorization: Bearer}.
 */
public final class TestSenders {

  public static final String TOKEN = "test-fleet-secret-token";
  public static final String AUTHORIZATION = "Bearer " + TOKEN;
  public static final String INGEST_TOKENS = "test-fleet:" + TOKEN;
  public static final String FRAME_ID_SECRET = "test-frame-id-secret-0123456789";

  private TestSenders() {}

  /** {@code environment} with INGEST_TOKENS and INGEST_FRAME_ID_SECRET added, unless it sets them itself. */
  public static Map<String, String> with(Map<String, String> environment) {
    Map<String, String> vars = new HashMap<>(environment);
    vars.putIfAbsent("INGEST_TOKENS", INGEST_TOKENS);
    vars.putIfAbsent("INGEST_FRAME_ID_SECRET", FRAME_ID_SECRET);
    return vars;
  }
}
