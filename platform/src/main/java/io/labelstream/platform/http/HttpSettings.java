package io.labelstream.platform.http;

import io.labelstream.platform.config.Env;

/**
 * Where a service listens.
 *
 * @param host interface to bind: 0.0.0.0 in containers, 127.0.0.1 for a local run
 * @param port TCP port; 0 picks a free one (tests)
 */
public record HttpSettings(String host, int port) {

  public static HttpSettings from(Env env, String portVariable, int defaultPort) {
    return new HttpSettings(env.string("HTTP_HOST", "0.0.0.0"), env.port(portVariable, defaultPort));
  }
}
