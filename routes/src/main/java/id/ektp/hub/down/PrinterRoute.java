package id.ektp.hub.down;

import id.ektp.hub.config.HubConfig.Printer;
import id.ektp.hub.runtime.SftpParameters;
import id.ektp.hub.spool.SecureFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.builder.RouteBuilder;

/**
 * DOWN, steps 3 and 4: pending jobs into the printers' {@code queue/}, and each printer's
 * {@code results/} back into the hub: one route per printer, {@code down-results-<id>}, from
 * the {@value #RESULTS_TEMPLATE} template for a folder printer and the
 * {@value #SFTP_RESULTS_TEMPLATE} template for an SFTP printer. A result file is deleted only
 * after it was recorded.
 */
public final class PrinterRoute extends RouteBuilder {
    public static final String DISPATCH_ROUTE_ID = "down-dispatch";
    public static final String RESULTS_TEMPLATE = "printer-results";
    public static final String SFTP_RESULTS_TEMPLATE = "sftp-printer-results";
    public static final String RESULTS_PREFIX = "down-results-";
    /** The registry name of the results routes' read lock, a {@link SettledSinceLastPoll}. */
    public static final String SETTLED_BEAN = "settledResults";

    private final List<Printer> printers;
    private final Path dataDir;

    public PrinterRoute(List<Printer> printers, Path dataDir) {
        this.printers = List.copyOf(printers);
        this.dataDir = dataDir;
    }

    @Override
    public void configure() throws Exception {
        // No redelivery, never "handled": a failed exchange leaves the result file for the next poll.
        errorHandler(defaultErrorHandler().maximumRedeliveries(0).logStackTrace(false));

        from("scheduler:dispatch?delay=500&initialDelay=0&greedy=true")
                .routeId(DISPATCH_ROUTE_ID)
                .bean("jobDispatcher", "dispatch");

        // A printer may write its result file in several steps: a file is taken once two polls
        // in a row saw it unchanged (SettledSinceLastPoll, the same for both kinds of printer).
        routeTemplate(RESULTS_TEMPLATE)
                .templateParameter("printerId").templateParameter("resultsDir")
                .from("file:{{resultsDir}}?include=.*\\.result\\.json&delete=true&autoCreate=false"
                        + "&exclusiveReadLockStrategy=#" + SETTLED_BEAN
                        + "&delay=500&initialDelay=0&maxMessagesPerPoll=200")
                .setHeader(PrintResultIntake.PRINTER_HEADER, constant("{{printerId}}"))
                .bean("printResultIntake", "record");

        // The same over SFTP, with the connection options of every other SFTP link.
        // - the same read lock as a folder printer's: a file is taken once two polls (2 s apart)
        //   listed it with the same size and time. No minimum age: that would compare the
        //   printer's clock with ours, and a print station's clock may be minutes off.
        // - localWorkDirectory: the file is downloaded to our disk (an owner-only folder) and
        //   handed over as a File, whose size PrintResultIntake checks before reading it.
        // - autoCreate=false: otherwise the consumer connects while the route starts, and one
        //   dead printer would delay the hub's start. A failed connect fails the poll
        //   (throwExceptionOnConnectFailed); after one, 15 polls are skipped, so a dead printer
        //   is tried every half minute, not every two seconds.
        routeTemplate(SFTP_RESULTS_TEMPLATE)
                .templateParameter("printerId")
                .templateParameter("host").templateParameter("port").templateParameter("username")
                .templateParameter("privateKeyFile").templateParameter("knownHostsFile")
                .templateParameter("resultsDir").templateParameter("workDir")
                .templateParameter("connectTimeoutMillis").templateParameter("aliveIntervalMillis")
                .from("sftp://{{username}}@{{host}}:{{port}}/{{resultsDir}}"
                        + "?privateKeyFile=RAW({{privateKeyFile}})&knownHostsFile=RAW({{knownHostsFile}})"
                        + "&strictHostKeyChecking=yes&useUserKnownHostsFile=false"
                        + "&connectTimeout={{connectTimeoutMillis}}"
                        + "&serverAliveInterval={{aliveIntervalMillis}}&serverAliveCountMax=3"
                        + "&autoCreate=false&maximumReconnectAttempts=1&reconnectDelay=2000"
                        + "&include=.*\\.result\\.json&delete=true&stepwise=false"
                        + "&localWorkDirectory=RAW({{workDir}})"
                        + "&exclusiveReadLockStrategy=#" + SETTLED_BEAN + "&fastExistsCheck=true"
                        + "&delay=2000&initialDelay=0&maxMessagesPerPoll=200"
                        + "&throwExceptionOnConnectFailed=true&backoffErrorThreshold=1&backoffMultiplier=15"
                        + "&jschLoggingLevel=WARN&runLoggingLevel=DEBUG")
                .setHeader(PrintResultIntake.PRINTER_HEADER, constant("{{printerId}}"))
                .bean("printResultIntake", "record");

        for (Printer printer : printers) {
            templatedRoute(template(printer)).routeId(routeId(printer)).parameters(parameters(printer, dataDir));
        }
    }

    public static String routeId(Printer printer) {
        return RESULTS_PREFIX + printer.id();
    }

    /** The results template a printer's route comes from: also what a config reload adds it with. */
    public static String template(Printer printer) {
        return printer.folder() != null ? RESULTS_TEMPLATE : SFTP_RESULTS_TEMPLATE;
    }

    /** The template's parameters for one printer; creates an SFTP printer's local work folder. */
    public static Map<String, String> parameters(Printer printer, Path dataDir) throws IOException {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("printerId", printer.id());
        if (printer.folder() != null) {
            p.put("resultsDir", Printers.results(printer).toString());
            return p;
        }
        Path workDir = SecureFiles.ownerOnlyDirectories(dataDir.resolve("spool/printer-results").resolve(printer.id()));
        SftpParameters.put(p, "", printer.sftp());
        p.put("resultsDir", Printers.remote(printer, "results"));
        p.put("workDir", workDir.toString());
        return p;
    }
}
