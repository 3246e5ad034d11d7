package io.labelstream.tools.model;

import io.labelstream.platform.config.Env;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import net.sourceforge.argparse4j.ArgumentParsers;
import net.sourceforge.argparse4j.impl.Arguments;
import net.sourceforge.argparse4j.inf.ArgumentParser;
import net.sourceforge.argparse4j.inf.ArgumentParserException;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;
import net.sourceforge.argparse4j.inf.Subparsers;
import net.sourceforge.argparse4j.internal.HelpScreenException;

/**
 * {@code ./labelstream model inspect|check}: the two steps between a user's exported {@code .onnx} and a model
 * LabelStream can run with an accuracy guarantee (see docs/bring-your-own-model.md).
 */
public final class ModelCommand {

  /** Images per model call in {@code check}: the worker's default most frames per batch. */
  private static final int DEFAULT_BATCH = 32;

  private ModelCommand() {}

  /** Runs {@code ./labelstream model ARGS}; returns the process's exit code (2 for a usage error). */
  public static int run(Env env, String[] args, PrintStream out, PrintStream err) {
    ArgumentParser parser = parser();
    Namespace ns;
    try {
      ns = parser.parseArgs(args);
    } catch (HelpScreenException e) {
      return 0;
    } catch (ArgumentParserException e) {
      parser.handleError(e);
      return 2;
    }
    Path onnx = Path.of(ns.getString("model"));
    try {
      if (!Files.isRegularFile(onnx)) {
        throw new IOException("no such file: " + onnx);
      }
      if (!onnx.getFileName().toString().endsWith(".onnx")) {
        throw new IOException(onnx + " is not an .onnx file");
      }
      if (ns.getString("action").equals("inspect")) {
        return ModelInspect.run(onnx, path(ns, "out"), ns.getBoolean("force"), path(ns, "labels"), out);
      }
      ModelCheck.run(new ModelCheck.Options(onnx, Path.of(ns.getString("images")), path(ns, "labels"), path(ns, "out"),
          ns.getBoolean("force"), ns.getInt("batch")), env, out);
      return 0;
    } catch (IOException e) {
      err.println("model " + ns.getString("action") + ": " + e.getMessage());
      return 1;
    }
  }

  private static ArgumentParser parser() {
    ArgumentParser parser = ArgumentParsers.newArgumentParser("./labelstream model")
        .description("Bring your own ONNX model: draft its card, then check it on labelled images.");
    Subparsers actions = parser.addSubparsers().dest("action").metavar("inspect|check");
    Subparser inspect = actions.addParser("inspect").help("print the graph's inputs and outputs and write a draft "
        + "<model>.card.json beside it");
    inspect.addArgument("model").metavar("FILE.onnx");
    inspect.addArgument("--out").metavar("CARD").help("write the draft card here instead of beside the model");
    inspect.addArgument("--labels").metavar("FILE").help("class names, one per line, in output order");
    inspect.addArgument("--force").action(Arguments.storeTrue()).help("overwrite an existing card");
    Subparser check = actions.addParser("check").help("run the model with its card on a folder of PNG/JPEG images, "
        + "and with --labels write <model>.validation.csv; a detector's mAP when the folder holds a COCO scenes.json");
    check.addArgument("model").metavar("FILE.onnx");
    check.addArgument("--images").metavar("DIR").required(true).help("a folder of .png/.jpg/.jpeg images (for a "
        + "detector, with their true boxes in scenes.json)");
    check.addArgument("--labels").metavar("CSV").help("a CSV with a header naming the columns file,label (label: a "
        + "class name of the card or an index 0..C-1); other columns are ignored");
    check.addArgument("--out").metavar("FILE").help("write the validation predictions here instead of beside the model");
    check.addArgument("--force").action(Arguments.storeTrue()).help("overwrite existing validation predictions");
    check.addArgument("--batch").metavar("N").type(Integer.class).choices(Arguments.range(1, 4096)).setDefault(DEFAULT_BATCH)
        .help("images per model call (default " + DEFAULT_BATCH + ")");
    return parser;
  }

  private static Optional<Path> path(Namespace ns, String name) {
    return Optional.ofNullable(ns.getString(name)).map(Path::of);
  }

  /** {@code cams} for {@code cams.onnx}. */
  static String baseName(Path onnx) {
    return onnx.getFileName().toString().replaceFirst("\\.onnx$", "");
  }

  /** The file beside the model with the same base name and this suffix: {@code cams.card.json}. */
  static Path sibling(Path onnx, String suffix) {
    return onnx.resolveSibling(baseName(onnx) + suffix);
  }
}
