package id.ektp.hub.app;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * One command of the command line: a picocli {@code @Command} whose {@link #call()} returns the
 * process exit code ({@link EktpHub#OK}, {@link EktpHub#FAILED}, {@link EktpHub#BAD_CONFIG}).
 * Options are annotated fields; picocli refuses unknown ones before {@link #call()} runs.
 */
abstract class HubCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** A usage error found after parsing (a word that is not an action, say): exit 64, like any other. */
    ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
