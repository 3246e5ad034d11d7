package io.labelstream.launcher;

import io.labelstream.platform.config.ConfigException;
import java.util.List;
import java.util.Optional;

/**
 * The options of {@code up} and {@code demo}: {@code --task classification|detection} (or {@code --task=...}), and
 * for {@code demo} {@code --exit}. Anything else is refused, so a mistyped option never runs the wrong model.
 */
record LaunchOptions(Optional<LaunchTask> task, boolean exit) {

  static LaunchOptions parse(String command, List<String> args) {
    Optional<LaunchTask> task = Optional.empty();
    boolean exit = false;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("--exit") && command.equals("demo")) {
        exit = true;
      } else if (arg.equals("--task") || arg.startsWith("--task=")) {
        if (task.isPresent()) {
          throw new ConfigException("--task is given twice");
        }
        String value = arg.startsWith("--task=") ? arg.substring("--task=".length())
            : i + 1 < args.size() ? args.get(++i) : "";
        if (value.isBlank()) {
          throw new ConfigException("--task needs a value: classification (the default) or detection");
        }
        task = Optional.of(LaunchTask.named(value));
      } else {
        throw new ConfigException("unknown option '" + arg + "' for '" + command + "' (it takes --task "
            + "classification|detection" + (command.equals("demo") ? " and --exit" : "") + ")");
      }
    }
    return new LaunchOptions(task, exit);
  }
}
