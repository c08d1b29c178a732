package id.ektp.hub.app;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Map;

/**
 * {@code java -jar ektp-hub.jar <command> [options]}: the hub's command line (ICD section 4).
 * Each command is its own class; this one only dispatches and turns the outcome into the
 * process exit code.
 */
public final class EktpHub {
    /** Exit codes: 0 fine, 1 failed at run time, 2 bad configuration, 64 bad usage. */
    static final int OK = 0;
    static final int FAILED = 1;
    static final int BAD_CONFIG = 2;
    static final int USAGE = 64;

    private static final Map<String, Command> COMMANDS = Map.ofEntries(
            Map.entry("run", new RunCommand()),
            Map.entry("validate", new ValidateCommand()),
            Map.entry("sandbox", new SandboxCommand()),
            Map.entry("quarantine", new QuarantineCommand()),
            Map.entry("outbox", new OutboxCommand()),
            Map.entry("status", new StatusCommand()),
            Map.entry("followups", new FollowupsCommand()),
            Map.entry("lookup", new LookupCommand()),
            Map.entry("stock-arrival", AdminCommand.stockArrival()),
            Map.entry("stock-request", AdminCommand.stockRequest()),
            Map.entry("destruction", AdminCommand.destruction()),
            Map.entry("requeue-jobs", AdminCommand.requeueJobs()));

    private EktpHub() {}

    public static void main(String[] args) {
        System.exit(execute(args, System.out, System.err));
    }

    static int execute(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
            usage(out);
            return args.length == 0 ? USAGE : OK;
        }
        Command command = COMMANDS.get(args[0]);
        if (command == null) {
            err.println("ektp-hub: unknown command '" + args[0] + "'");
            usage(err);
            return USAGE;
        }
        try {
            return command.execute(Options.parse(Arrays.copyOfRange(args, 1, args.length), command.takesWords()), out, err);
        } catch (Options.UsageException e) {
            err.println("ektp-hub " + args[0] + ": " + e.getMessage());
            usage(err);
            return USAGE;
        }
    }

    private static void usage(PrintStream out) {
        out.println("""
                usage: java -jar ektp-hub.jar <command> [options]

                  run --config FILE          run the hub until stopped (SIGTERM stops it gracefully)
                  validate --config FILE     check a configuration and every file it names
                  sandbox [--dir DIR]        run the hub against simulated devices, ministry and printers
                  quarantine --config FILE [all]
                                             list quarantined items with their reasons (all: released
                                             and dropped ones too)
                  quarantine --config FILE show ID
                                             one item with its audit trail
                  quarantine --config FILE release ID
                                             check the item again and forward it if it is valid now
                  quarantine --config FILE drop ID
                                             drop the item (the audit trail keeps it)
                  outbox --config FILE       list the messages the ministry broker refused for good
                                             (parked; the others still go)
                  outbox --config FILE retry ID | drop ID
                                             send a parked message again (next, same id) or give it up
                  status --config FILE | --url URL
                                             what the running hub says of its devices, backlogs,
                                             links, stock, quarantine and configuration
                  followups --config FILE    residents who must come in (duplicate, rejected) and
                                             packets overdue at the ministry, by kecamatan
                  followups --config FILE close PACKET-ID --reason TEXT
                                             close one by hand (settled at the office): it leaves the
                                             list, the reason is kept in the packet's audit trail

                admin calls to the running hub (its HTTP API, with the token in http.adminTokenFile):
                  stock-arrival --config FILE --allocation ID --received N
                                             blanks of an announced allocation arrived
                  stock-request --config FILE --quantity N --reason TEXT
                                             ask the ministry for blanks
                  destruction --config FILE --period P --destroyed-at TIME --witness NAME
                              [--damaged N] [--unused N] [--chip-invalid N] [--data-invalid N]
                                             record the destruction of invalid cards
                  requeue-jobs --config FILE --printer ID --reason TEXT
                                             queue again the jobs left QUEUED on a printer taken out
                                             of the configuration (only if it will not print them)
                  lookup --config FILE       where is a resident's e-KTP: the NIK is read from standard
                                             input or a prompt, never from the command line

                exit codes: 0 ok, 1 failed, 2 bad configuration, 64 bad usage""");
    }
}
