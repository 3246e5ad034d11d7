package io.labelstream.platform.config;

/** Who reads a setting: one section of docs/configuration.md each, in this order. */
public enum Scope {
  SHARED("Shared", "Read by more than one service, each the same way."),
  KAFKA("Every service: Kafka", "How every Kafka client of a service reaches the cluster. Values are passed to the "
      + "Kafka clients unchanged."),
  FRAME_STORE("Every service: frame store", "Where frame images are kept so that they outlive Kafka's retention "
      + "(ingest writes them, every other service reads them). Credentials are never logged."),
  INGEST("Ingest", "The HTTP front door that writes frames to Kafka (`./labelstream ingest`)."),
  INFERENCE("Inference", "The worker that labels frames with the model and routes them (`./labelstream inference`)."),
  REVIEW("Review", "The review queue, the reviewers' API and the routing policy (`./labelstream review`)."),
  LAUNCHER("Launcher (all in one)", "`./labelstream up` and `./labelstream demo`, which run every service in one JVM "
      + "and read every service's settings as well as these."),
  TOOLS("Tools", "`./labelstream evaluate` and `./labelstream bench`; they also read the services' settings they "
      + "exercise.");

  private final String title;
  private final String summary;

  Scope(String title, String summary) {
    this.title = title;
    this.summary = summary;
  }

  public String title() {
    return title;
  }

  public String summary() {
    return summary;
  }
}
