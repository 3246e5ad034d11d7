package io.labelstream.launcher;

import io.labelstream.platform.config.ConfigException;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.config.SharedVariables;
import io.labelstream.platform.model.ModelFolder;
import io.labelstream.platform.model.ModelIdentity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code up} and {@code demo} label: classes (the bundled ensemble, today's default) or boxes (the bundled
 * detector). The task only chooses a model, and through the one setting every service reads, LABELSTREAM_MODEL_DIR, so
 * the services never learn of it: with the setting unset, {@code detection} sets it to the detector in the
 * repository's {@code model/} folder. A model the user named wins; its card says its task, and a {@code --task} that
 * disagrees is refused rather than silently ignored.
 */
enum LaunchTask {
  CLASSIFICATION(ModelIdentity.CLASSIFICATION, Optional.empty()),
  DETECTION(ModelIdentity.DETECTION, Optional.of(Path.of("model", "fashion-detector.onnx")));

  private final String cardTask;
  /** The bundled model's .onnx below the repository, or empty for the one inside the service jars. */
  private final Optional<Path> bundledModel;

  LaunchTask(String cardTask, Optional<Path> bundledModel) {
    this.cardTask = cardTask;
    this.bundledModel = bundledModel;
  }

  /** The name {@code --task} takes and a model card's {@code task} says. */
  String cardTask() {
    return cardTask;
  }

  static LaunchTask named(String name) {
    return Arrays.stream(values()).filter(t -> t.cardTask.equals(name.toLowerCase(Locale.ROOT))).findFirst()
        .orElseThrow(() -> new ConfigException("unknown task '" + name + "': --task takes classification (the "
            + "default) or detection"));
  }

  /** The task and the environment the services start with: the model the task picked, or the one the user named. */
  record Launch(LaunchTask task, Map<String, String> environment) {}

  /**
   * Resolves {@code requested} against the environment.
   *
   * @param repository where {@code model/} is: the working directory, as the script runs from the repository
   */
  static Launch resolve(Map<String, String> environment, Optional<LaunchTask> requested, Path repository) {
    Optional<Path> named = new Env(environment).find(SharedVariables.LABELSTREAM_MODEL_DIR);
    if (named.isPresent()) {
      return new Launch(taskOfNamedModel(named.get(), requested), environment);
    }
    LaunchTask task = requested.orElse(CLASSIFICATION);
    if (task.bundledModel.isEmpty()) {
      return new Launch(task, environment);
    }
    Path onnx = repository.resolve(task.bundledModel.get()).toAbsolutePath().normalize();
    if (!Files.isRegularFile(onnx)) {
      throw new ConfigException("--task " + task.cardTask + " runs the bundled " + task.cardTask + " model "
          + task.bundledModel.get() + ", which is not in " + repository.toAbsolutePath().normalize()
          + " (run ./labelstream from the repository, or set LABELSTREAM_MODEL_DIR to your own model)");
    }
    Map<String, String> withModel = new HashMap<>(environment);
    withModel.put(SharedVariables.LABELSTREAM_MODEL_DIR.name(), onnx.toString());
    return new Launch(task, withModel);
  }

  /**
   * The named model's task from its card. Without {@code --task} an unreadable card is left to the services, which
   * name what is wrong with it, and the run stays a classification one as before.
   */
  private static LaunchTask taskOfNamedModel(Path setting, Optional<LaunchTask> requested) {
    String cardTask;
    try {
      cardTask = ModelIdentity.read(ModelFolder.of(setting)).task();
    } catch (IOException e) {
      if (requested.isEmpty()) {
        return CLASSIFICATION;
      }
      throw Env.invalid(SharedVariables.LABELSTREAM_MODEL_DIR, setting.toString(),
          "a model whose card says its task, to check --task " + requested.get().cardTask + " against ("
              + e.getMessage() + ")");
    }
    LaunchTask task = named(cardTask);
    if (requested.isPresent() && requested.get() != task) {
      throw new ConfigException("--task " + requested.get().cardTask + " and LABELSTREAM_MODEL_DIR=" + setting
          + " disagree: that model's card says task " + cardTask + ". Unset LABELSTREAM_MODEL_DIR to run the "
          + "bundled " + requested.get().cardTask + " model, or leave out --task to run yours");
    }
    return task;
  }
}
