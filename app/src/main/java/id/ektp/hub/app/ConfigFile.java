package id.ektp.hub.app;

import id.ektp.hub.config.ConfigLoader;
import id.ektp.hub.config.HubConfig;
import id.ektp.hub.config.InvalidConfigException;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --config FILE}, for the commands that need the hub's configuration ({@code @Mixin}). */
final class ConfigFile {
    @Option(names = "--config", paramLabel = "FILE", required = true,
            description = "the hub's configuration file (hub.yaml)")
    Path file;

    /**
     * The configuration, loaded and validated; null (after printing every problem with its key
     * to {@code err}) when it is not valid: the caller exits 2.
     */
    HubConfig load(PrintWriter err) {
        return load(file, err);
    }

    /** {@link #load}, with the configuration's warnings, for the command that runs on it. */
    ConfigLoader.Checked checked(PrintWriter err) {
        return checked(file, err);
    }

    static HubConfig load(Path file, PrintWriter err) {
        ConfigLoader.Checked checked = checked(file, err);
        return checked == null ? null : checked.config();
    }

    static ConfigLoader.Checked checked(Path file, PrintWriter err) {
        try {
            return ConfigLoader.valid(file);
        } catch (InvalidConfigException e) {
            ValidateCommand.printProblems(file, e.problems(), err);
            return null;
        }
    }
}
