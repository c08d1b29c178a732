package id.ektp.hub.app;

import id.ektp.hub.config.ConfigLoader;
import id.ektp.hub.config.ConfigProblem;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code validate --config FILE}: every problem with its key, exit 0 valid or 2 not; warnings
 * are printed apart and never change the exit code.
 */
final class ValidateCommand implements Command {
    @Override
    public int execute(Options options, PrintStream out, PrintStream err) throws Options.UsageException {
        Path file = options.requiredPath("config");
        ConfigLoader.Checked checked = ConfigLoader.inspect(file);
        List<ConfigProblem> problems = checked.problems();
        if (problems.isEmpty()) {
            int warnings = checked.warnings().size();
            out.println(file + ": valid" + (warnings == 0 ? "" : " (" + warnings + " warning" + (warnings == 1 ? "" : "s") + ")"));
            printWarnings(file, checked.warnings(), err);
            return EktpHub.OK;
        }
        printProblems(file, problems, err);
        printWarnings(file, checked.warnings(), err);
        return EktpHub.BAD_CONFIG;
    }

    static void printWarnings(Path file, List<ConfigProblem> warnings, PrintStream err) {
        if (warnings.isEmpty()) {
            return;
        }
        err.println(file + ": " + warnings.size() + " warning" + (warnings.size() == 1 ? "" : "s") + ":");
        for (ConfigProblem warning : warnings) {
            err.println("  " + warning.key() + ": " + warning.message());
        }
    }

    static void printProblems(Path file, List<ConfigProblem> problems, PrintStream err) {
        err.println(file + ": " + problems.size() + " problem" + (problems.size() == 1 ? "" : "s") + ":");
        for (ConfigProblem problem : problems) {
            err.println("  " + problem.key() + ": " + problem.message());
        }
    }
}
