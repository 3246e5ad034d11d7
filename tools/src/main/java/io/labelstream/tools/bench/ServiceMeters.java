package io.labelstream.tools.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** A service's own meters, read from its {@code /metrics} page: where its time went during a bench. */
record ServiceMeters(String text) {

  /** Reads the Prometheus page of the service listening on {@code port} of 127.0.0.1. */
  static ServiceMeters scrape(int port) throws IOException, InterruptedException {
    return new ServiceMeters(HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body());
  }

  /** The mean of a timer or distribution summary: its {@code _sum} over its {@code _count}, over every tag. */
  double mean(String name) {
    return value(name + "_sum") / value(name + "_count");
  }

  /** The value of a meter, summed over its tags. */
  double value(String name) {
    return value(name, "");
  }

  /** The value of a meter, summed over the series whose tags include {@code tag} (e.g. {@code area="heap"}). */
  double value(String name, String tag) {
    return text.lines()
        .filter(l -> (l.startsWith(name + "{") && l.contains(tag)) || (tag.isEmpty() && l.startsWith(name + " ")))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }
}
