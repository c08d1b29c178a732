package id.ektp.hub.app;

import id.ektp.hub.observe.BuildInfo;
import java.io.PrintStream;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * {@code java -jar ektp-hub.jar <command> [options]}: the hub's command line (ICD section 4).
 * Each command is a small class of its own (a {@link HubCommand}); picocli parses, refuses
 * what it does not know (suggesting the closest known option or command), prints each
 * command's {@code --help}, and this class turns the outcome into the process exit code.
 *
 * <p>A new command: a {@link HubCommand} subclass annotated {@code @Command(name = "...",
 * description = "...")}, its options as {@code @Option} fields ({@code @Mixin ConfigFile} for
 * {@code --config FILE}), and its class added to {@code subcommands} below.
 */
@Command(name = "ektp-hub", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT,
        versionProvider = EktpHub.Version.class,
        synopsisSubcommandLabel = "COMMAND",
        description = "The regency's e-KTP integration hub. 'ektp-hub COMMAND --help' explains a command.",
        exitCodeOnInvalidInput = EktpHub.USAGE,
        exitCodeOnExecutionException = EktpHub.FAILED,
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            " 0:ok",
            " 1:failed, refused by the hub, or the hub is not answering",
            " 2:bad configuration, or another hub runs on its dataDir",
            "64:bad usage (an unknown command or option, a missing or malformed value)"},
        subcommands = {
            RunCommand.class,
            ValidateCommand.class,
            SandboxCommand.class,
            QuarantineCommand.class,
            OutboxCommand.class,
            StatusCommand.class,
            FollowupsCommand.class,
            LookupCommand.class,
            AdminCommand.StockArrival.class,
            AdminCommand.StockRequest.class,
            AdminCommand.Destruction.class,
            AdminCommand.RequeueJobs.class,
            CommandLine.HelpCommand.class})
public final class EktpHub implements Runnable {
    /** Exit codes: 0 fine, 1 failed at run time, 2 bad configuration, 64 bad usage (sysexits' EX_USAGE). */
    static final int OK = 0;
    static final int FAILED = 1;
    static final int BAD_CONFIG = 2;
    static final int USAGE = 64;

    @Spec
    CommandSpec spec;

    private EktpHub() {}

    public static void main(String[] args) {
        System.exit(execute(args, System.out, System.err));
    }

    static int execute(String[] args, PrintStream out, PrintStream err) {
        return execute(args, out, err, CommandLine.defaultFactory());
    }

    /** With the commands made by {@code factory}: a test's way to give a command its own stdin. */
    static int execute(String[] args, PrintStream out, PrintStream err, CommandLine.IFactory factory) {
        PrintWriter o = new PrintWriter(out, true);
        PrintWriter e = new PrintWriter(err, true);
        try {
            return commandLine(o, e, factory).execute(args);
        } finally {
            o.flush();
            e.flush();
        }
    }

    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        return commandLine(out, err, CommandLine.defaultFactory());
    }

    static CommandLine commandLine(PrintWriter out, PrintWriter err, CommandLine.IFactory factory) {
        return new CommandLine(new EktpHub(), factory)
                .setOut(out)
                .setErr(err)
                .setParameterExceptionHandler(EktpHub::usageError)
                .setExecutionExceptionHandler((ex, cli, parsed) -> {
                    cli.getErr().println(cli.getCommandSpec().qualifiedName() + ": failed: " + ex);
                    ex.printStackTrace(cli.getErr());
                    return FAILED;
                });
    }

    /** {@code ektp-hub} alone: a usage error, like any other. */
    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a command is required");
    }

    /**
     * The message, the closest known option or command when the word was not one ("Possible
     * solutions: --damaged"), and where the command's help is; exit 64.
     */
    private static int usageError(ParameterException ex, String[] args) {
        CommandLine cli = ex.getCommandLine();
        PrintWriter err = cli.getErr();
        String name = cli.getCommandSpec().qualifiedName();
        // picocli reports a missing required option before an unknown one; but "--resaon" is
        // what the operator got wrong, and "--reason is missing" only follows from it.
        ParameterException first = ex instanceof UnmatchedArgumentException || cli.getUnmatchedArguments().isEmpty()
                ? ex : new UnmatchedArgumentException(cli, cli.getUnmatchedArguments());
        boolean unknownCommand = first instanceof UnmatchedArgumentException && !cli.getSubcommands().isEmpty()
                && !cli.getUnmatchedArguments().isEmpty() && !cli.getUnmatchedArguments().get(0).startsWith("-");
        err.println(name + ": " + (unknownCommand
                ? "unknown command '" + cli.getUnmatchedArguments().get(0) + "'"
                : first.getMessage().replaceFirst("^Error: ", "")));
        UnmatchedArgumentException.printSuggestions(first, err);
        err.print("usage: " + cli.getHelp().synopsis(0));
        err.println("'" + name + " --help' says more.");
        return USAGE;
    }

    /** {@code --version}: {@code ektp-hub 0.1.0-SNAPSHOT (Camel 4.18.0, Java 17.0.15)}. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {BuildInfo.current().text()};
        }
    }
}
