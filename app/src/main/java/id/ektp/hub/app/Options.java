package id.ektp.hub.app;

import id.ektp.hub.config.ConfigLoader;
import id.ektp.hub.config.HubConfig;
import id.ektp.hub.config.InvalidConfigException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code --name value} pairs after the command word, and for the few commands that take them
 * ({@code quarantine release ID}) plain words.
 */
final class Options {
    private final Map<String, String> values;
    private final List<String> words;

    private Options(Map<String, String> values, List<String> words) {
        this.values = values;
        this.words = words;
    }

    static Options parse(String[] args) throws UsageException {
        return parse(args, false);
    }

    static Options parse(String[] args, boolean wordsAllowed) throws UsageException {
        Map<String, String> values = new HashMap<>();
        List<String> words = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                if (!wordsAllowed) {
                    throw new UsageException("unexpected argument '" + arg + "'");
                }
                words.add(arg);
                continue;
            }
            String name = arg.substring(2);
            int eq = name.indexOf('=');
            if (eq > 0) {
                values.put(name.substring(0, eq), name.substring(eq + 1));
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                values.put(name, args[++i]);
            } else {
                throw new UsageException("--" + name + " needs a value");
            }
        }
        return new Options(values, List.copyOf(words));
    }

    /** The plain words, in order. */
    List<String> words() {
        return words;
    }

    Optional<String> get(String name) {
        return Optional.ofNullable(values.get(name));
    }

    String required(String name) throws UsageException {
        return get(name).orElseThrow(() -> new UsageException("--" + name + " is required"));
    }

    int requiredInt(String name) throws UsageException {
        String value = required(name);
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a whole number, not '" + value + "'");
        }
    }

    /**
     * The configuration named by {@code --config}, loaded and validated; null (after printing
     * every problem with its key to {@code err}) when it is not valid: the caller exits 2.
     */
    HubConfig config(PrintStream err) throws UsageException {
        ConfigLoader.Checked checked = checkedConfig(err);
        return checked == null ? null : checked.config();
    }

    /** {@link #config}, with the configuration's warnings, for the command that runs on it. */
    ConfigLoader.Checked checkedConfig(PrintStream err) throws UsageException {
        Path file = requiredPath("config");
        try {
            return ConfigLoader.valid(file);
        } catch (InvalidConfigException e) {
            ValidateCommand.printProblems(file, e.problems(), err);
            return null;
        }
    }

    Path requiredPath(String name) throws UsageException {
        return Path.of(get(name).orElseThrow(() -> new UsageException("--" + name + " FILE is required")));
    }

    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }
}
