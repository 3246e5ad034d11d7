package io.labelstream.tools;

import io.labelstream.platform.lifecycle.StartUp;
import io.labelstream.tools.bench.Bench;
import io.labelstream.platform.config.Env;
import io.labelstream.tools.evaluate.Evaluate;
import io.labelstream.tools.model.ModelCommand;
import java.util.Arrays;
import java.util.Locale;

/**
 * The commands of {@code ./labelstream} that measure or prepare rather than run LabelStream: {@code evaluate},
 * {@code bench} and {@code model}. The script sends them here and every other command to the launcher, so the
 * services and the launcher carry none of the tools' code or dependencies.
 */
public final class Tools {

  private static final String USAGE = """
      usage: ./labelstream evaluate [--e2e] | evaluate --drift [--set tuning|held-out] [--recheck] [--only TEXT] [--per-seed] | evaluate --task detection [--target T] [--json FILE] | bench [--json FILE] [--frames N] [--quick | --ingest | --store [--rounds N] | --720p [--camera-model FILE.onnx] | --review [--reviewers N] [--warm-up S] [--seconds S] [--tasks N]]
             | model inspect FILE.onnx | model check FILE.onnx --images DIR [--labels CSV]
      (./labelstream help lists every command)""";

  private Tools() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      System.err.println(USAGE);
      System.exit(2);
    }
    String command = args[0].toLowerCase(Locale.ROOT);
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    StartUp.run(() -> {
      switch (command) {
        case "evaluate" -> System.exit(Evaluate.main(System.getenv(), rest));
        case "model" -> System.exit(ModelCommand.run(new Env(System.getenv()), rest, System.out, System.err));
        case "bench" -> {
          Bench.run(System.getenv(), rest);
          System.exit(0);
        }
        default -> {
          System.err.println("unknown tool '" + args[0] + "'\n" + USAGE);
          System.exit(2);
        }
      }
    });
  }
}
