package io.labelstream.launcher;

import io.labelstream.inference.InferenceService;
import io.labelstream.ingest.IngestService;
import io.labelstream.platform.config.ConfigException;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.config.KafkaVariables;
import io.labelstream.platform.lifecycle.StartUp;
import io.labelstream.review.ReviewService;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/**
 * The {@code ./labelstream} command: {@code up} runs everything in one JVM (with an embedded broker unless
 * KAFKA_BOOTSTRAP_SERVERS is set), {@code demo} also posts the bundled sample frames (both with the bundled
 * classifier, or with {@code --task detection} the bundled detector: {@link LaunchTask}), and {@code ingest},
 * {@code inference} and {@code review} run one service alone against an existing Kafka, as it is deployed.
 */
public final class Launcher {

  private static final String USAGE = """
      usage: ./labelstream <command>
        up          embedded Kafka (unless KAFKA_BOOTSTRAP_SERVERS is set) and all three services, in the foreground
                    (--task detection: with the bundled detector, labelling boxes; classification is the default)
        demo        the same, then post the bundled sample frames as a fleet would and print a summary
                    (--exit: stop after the summary instead of staying up for reviewers; --task detection: the
                    bundled detector on the sample scenes, scored against their true boxes)
        evaluate    replay the model's 10,000 test predictions through the threshold controller (20 seeds)
                    (--e2e: also run seed 1 through the real services; needs the Debian dataset-fashion-mnist;
                    --task detection [--target T] [--json FILE]: the detector's test scenes instead)
        bench       throughput and latency benchmark on an embedded broker (--json FILE, --frames N;
                    --quick: model and workers only; --ingest: HTTP ingest against the Kafka producer only;
                    --720p: only the 1280x720 colour-frame figures, on a MobileNet exported at bench time;
                    --review [--reviewers N]: the review queue, N reviewers (200) claiming and answering over HTTP)
        model       bring your own ONNX classifier: 'model inspect FILE.onnx' drafts its card, 'model check
                    FILE.onnx --images DIR --labels CSV' runs it on labelled images and writes its validation file
        ingest      the ingest service alone (needs KAFKA_BOOTSTRAP_SERVERS, INGEST_TOKENS, INGEST_FRAME_ID_SECRET)
        inference   the inference service alone (needs KAFKA_BOOTSTRAP_SERVERS)
        review      the review service alone (needs KAFKA_BOOTSTRAP_SERVERS)
      Settings are environment variables; see docs/configuration.md.""";

  private Launcher() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      System.err.println(USAGE);
      System.exit(2);
    }
    String command = args[0].toLowerCase(Locale.ROOT);
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    StartUp.run(() -> {
      switch (command) {
        case "up" -> {
          LaunchOptions options = LaunchOptions.parse(command, Arrays.asList(rest));
          runUntilStopped(AllInOne.start(LaunchTask.resolve(System.getenv(), options.task(), Path.of("")).environment()));
        }
        case "demo" -> Demo.run(System.getenv(), LaunchOptions.parse(command, Arrays.asList(rest)));
        case "ingest" -> {
          requireExternalKafka(command);
          IngestService.main(rest);
        }
        case "inference" -> {
          requireExternalKafka(command);
          InferenceService.main(rest);
        }
        case "review" -> {
          requireExternalKafka(command);
          ReviewService.main(rest);
        }
        case "evaluate", "bench", "model" -> {
          // They live in the tools module (io.labelstream.tools.Tools); the script sends them there.
          System.err.println("'" + command + "' is run by the tools module: ./labelstream " + command);
          System.exit(2);
        }
        case "help", "-h", "--help" -> System.out.println(USAGE);
        default -> {
          System.err.println("unknown command '" + args[0] + "'\n" + USAGE);
          System.exit(2);
        }
      }
    });
  }

  /** A service run alone joins an existing cluster; only {@code up} and {@code demo} start a broker. */
  private static void requireExternalKafka(String command) {
    if (!Env.system().isSet(KafkaVariables.KAFKA_BOOTSTRAP_SERVERS)) {
      throw new ConfigException("KAFKA_BOOTSTRAP_SERVERS must name the Kafka cluster to run '" + command
          + "' alone (./labelstream up starts an embedded broker and all services)");
    }
  }

  /** Blocks until Ctrl-C; the shutdown hook stops the services, then the broker. */
  static void runUntilStopped(AllInOne all) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("\nstopping LabelStream…");
      all.close();
      stopped.countDown();
    }, "labelstream-shutdown"));
    stopped.await();
  }
}
