package id.ektp.hub.app;

import id.ektp.hub.config.ConfigLoader;
import id.ektp.hub.config.ConfigProblem;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/** {@code validate --config FILE}: every problem with its key, exit 0 valid or 2 not. */
final class ValidateCommand implements Command {
    @Override
    public int execute(Options options, PrintStream out, PrintStream err) throws Options.UsageException {
        Path file = options.requiredPath("config");
        List<ConfigProblem> problems = ConfigLoader.check(file);
        if (problems.isEmpty()) {
            out.println(file + ": valid");
            return EktpHub.OK;
        }
        printProblems(file, problems, err);
        return EktpHub.BAD_CONFIG;
    }

    static void printProblems(Path file, List<ConfigProblem> problems, PrintStream err) {
        err.println(file + ": " + problems.size() + " problem" + (problems.size() == 1 ? "" : "s") + ":");
        for (ConfigProblem problem : problems) {
            err.println("  " + problem.key() + ": " + problem.message());
        }
    }
}
