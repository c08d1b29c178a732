package id.ektp.hub.app;

import id.ektp.hub.config.ConfigLoader;
import id.ektp.hub.config.ConfigProblem;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code validate --config FILE}: every problem with its key, exit 0 valid or 2 not; warnings
 * are printed apart and never change the exit code.
 */
@Command(name = "validate",
        description = "Check a configuration and every file it names: each problem with its key, warnings apart."
                + " Exit 0 when valid (with warnings or not), 2 when not.")
final class ValidateCommand extends HubCommand {
    @Mixin
    ConfigFile config;

    @Override
    public Integer call() {
        Path file = config.file;
        ConfigLoader.Checked checked = ConfigLoader.inspect(file);
        List<ConfigProblem> problems = checked.problems();
        if (problems.isEmpty()) {
            int warnings = checked.warnings().size();
            out().println(file + ": valid" + (warnings == 0 ? "" : " (" + warnings + " warning" + (warnings == 1 ? "" : "s") + ")"));
            printWarnings(file, checked.warnings(), err());
            return EktpHub.OK;
        }
        printProblems(file, problems, err());
        printWarnings(file, checked.warnings(), err());
        return EktpHub.BAD_CONFIG;
    }

    static void printWarnings(Path file, List<ConfigProblem> warnings, PrintWriter err) {
        if (warnings.isEmpty()) {
            return;
        }
        err.println(file + ": " + warnings.size() + " warning" + (warnings.size() == 1 ? "" : "s") + ":");
        for (ConfigProblem warning : warnings) {
            err.println("  " + warning.key() + ": " + warning.message());
        }
    }

    static void printProblems(Path file, List<ConfigProblem> problems, PrintWriter err) {
        err.println(file + ": " + problems.size() + " problem" + (problems.size() == 1 ? "" : "s") + ":");
        for (ConfigProblem problem : problems) {
            err.println("  " + problem.key() + ": " + problem.message());
        }
    }
}
