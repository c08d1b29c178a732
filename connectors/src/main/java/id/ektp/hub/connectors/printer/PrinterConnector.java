package id.ektp.hub.connectors.printer;

import id.ektp.hub.config.HubConfig.Printer;
import id.ektp.hub.connectors.sftp.SftpOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The card printers: a local (or mounted) {@code folder}, or an SFTP account whose
 * {@code baseDir} holds the same two folders, {@code queue/} (jobs the hub writes, through
 * {@link PrinterQueues}) and {@code results/} (what the printer reports, read by a route per
 * printer from {@link #FOLDER_RESULTS} or {@link #SFTP_RESULTS}). Each printer's link is the
 * peer {@code printer-<id>} of the hub's peer links.
 *
 * <p>Results, either kind: a printer may write its result file in several steps and the ICD
 * gives it no temporary name, so a file is taken once two polls in a row saw it unchanged
 * ({@link SettledSinceLastPoll}, bean {@value #SETTLED_BEAN}), and deleted only once the
 * exchange completed (the result recorded). What the listing shows is checked first
 * ({@link ResultFileFilter}, a template bean {@value #FILTER_BEAN} per route): no link, no path
 * for a name, nothing over {@link #MAX_RESULT_BYTES}. Polls wait while the disk is nearly full
 * ({@link ResultsPolls}, bean {@value #POLLS_BEAN}).
 */
public final class PrinterConnector {
    /** The registry name of the results consumers' read lock, a {@link SettledSinceLastPoll}. */
    public static final String SETTLED_BEAN = "settledResults";
    /** The registry name of the results consumers' poll strategy, a {@link ResultsPolls}. */
    public static final String POLLS_BEAN = "printerResultsPolls";
    /** The name of each results route's own {@link ResultFileFilter}: a route template bean, named as {@code #{{resultFiles}}}. */
    public static final String FILTER_BEAN = "resultFiles";
    /** A result is a few hundred bytes: more is not read, nor downloaded. */
    public static final long MAX_RESULT_BYTES = 64 * 1024;
    private static final String RESULT_FILES = "&include=.*\\.result\\.json&delete=true&filter=#{{" + FILTER_BEAN + "}}"
            + "&pollStrategy=#" + POLLS_BEAN;

    /** A folder printer's {@code results/}, with the route template parameters {@link #FOLDER_PARAMETERS}. */
    public static final String FOLDER_RESULTS = "file:{{resultsDir}}?autoCreate=false" + RESULT_FILES
            + "&exclusiveReadLockStrategy=#" + SETTLED_BEAN
            + "&delay=500&initialDelay=0&maxMessagesPerPoll=200";
    public static final List<String> FOLDER_PARAMETERS = List.of("printerId", "resultsDir");

    /**
     * An SFTP printer's {@code results/}, with the route template parameters {@link #SFTP_PARAMETERS}.
     * <ul>
     *   <li>The same read lock as a folder printer's, polls 2 s apart. No minimum age: that would
     *       compare the printer's clock with ours, and a print station's clock may be minutes off.</li>
     *   <li>{@code streamDownload}: the result is read from the link, at most
     *       {@link #MAX_RESULT_BYTES} and one more byte of it whatever the listing said, and never
     *       stored on the hub's disk (no local work folder, whose paths camel-ftp 4.18.0 builds
     *       from the server's names).</li>
     *   <li>{@code autoCreate=false}: otherwise the consumer connects while the route starts, and
     *       one dead printer would delay the hub's start. A failed connect fails the poll
     *       ({@code throwExceptionOnConnectFailed}); after one, 15 polls are skipped, so a dead
     *       printer is tried every half minute, not every two seconds.</li>
     * </ul>
     */
    public static final String SFTP_RESULTS = SftpOptions.secure(SftpOptions.placeholders(""), "{{resultsDir}}")
            + "&autoCreate=false&maximumReconnectAttempts=1&reconnectDelay=2000" + RESULT_FILES
            + "&stepwise=false&streamDownload=true"
            + "&exclusiveReadLockStrategy=#" + SETTLED_BEAN + "&fastExistsCheck=true"
            + "&delay=2000&initialDelay=0&maxMessagesPerPoll=200"
            + "&throwExceptionOnConnectFailed=true&backoffErrorThreshold=1&backoffMultiplier=15"
            + "&runLoggingLevel=DEBUG";
    public static final List<String> SFTP_PARAMETERS;

    static {
        List<String> names = new ArrayList<>(List.of("printerId", "resultsDir"));
        names.addAll(SftpOptions.PARAMETERS);
        SFTP_PARAMETERS = List.copyOf(names);
    }

    private PrinterConnector() {}

    /** The printer's name among the hub's peer links. */
    public static String peer(String printerId) {
        return "printer-" + printerId;
    }

    /** The results route's template parameters for one printer ({@link #FOLDER_PARAMETERS} or {@link #SFTP_PARAMETERS}). */
    public static Map<String, String> parameters(Printer printer) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("printerId", printer.id());
        if (printer.folder() != null) {
            p.put("resultsDir", results(printer).toString());
            return p;
        }
        SftpOptions.parameters(p, "", printer.sftp());
        p.put("resultsDir", remote(printer, "results"));
        return p;
    }

    public static Path queue(Printer printer) {
        return printer.folder().resolve("queue");
    }

    public static Path results(Printer printer) {
        return printer.folder().resolve("results");
    }

    /** {@code queue} or {@code results} inside an SFTP printer's {@code baseDir}, as a path on its account. */
    public static String remote(Printer printer, String folder) {
        String base = printer.baseDir() == null ? "." : printer.baseDir();
        return base.equals(".") ? folder : base.endsWith("/") ? base + folder : base + "/" + folder;
    }
}
