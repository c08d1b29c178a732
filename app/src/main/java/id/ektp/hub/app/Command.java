package id.ektp.hub.app;

import java.io.PrintStream;

/** One command of the command line. Returns the process exit code. */
interface Command {
    int execute(Options options, PrintStream out, PrintStream err) throws Options.UsageException;

    /** Whether plain words may follow the command ({@code quarantine release ID}); most take none. */
    default boolean takesWords() {
        return false;
    }
}
