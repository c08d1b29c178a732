package id.ektp.hub.down;

import static id.ektp.hub.policies.ErrorPolicies.LEAVE_AT_SOURCE;

import id.ektp.hub.config.HubConfig.Printer;
import id.ektp.hub.connectors.ministry.MinistrySftpConnector;
import id.ektp.hub.connectors.printer.PrinterConnector;
import id.ektp.hub.connectors.printer.ResultFileFilter;
import java.util.List;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.RouteTemplateDefinition;

/**
 * DOWN: print-ready records from the ministry, as print jobs, to the printers, and the printers'
 * results back.
 *
 * <ol>
 *   <li><b>Batches</b> ({@value #BATCH_INTAKE}): PRR batches from the ministry's SFTP outbox onto
 *       the hub's disk by {@link BatchIntake}, removed there only once the exchange completed.</li>
 *   <li><b>Jobs</b> ({@value #BATCH_PROCESS}): one batch a poll, the earliest in the ministry's
 *       order, checked whole, then into print jobs a chunk per transaction, the receipt with the
 *       last chunk ({@link BatchProcessor}).
 *       {@code eagerMaxMessagesPerPoll=false}: otherwise Camel takes the first file listed and
 *       sorts only that one.</li>
 *   <li><b>Dispatch</b> ({@value #DISPATCH}): pending jobs into each printer's {@code queue/},
 *       two-phase, a page of jobs per step ({@link JobDispatcher}).</li>
 *   <li><b>Results</b> ({@code down-results-<printer>}, one route per printer from the
 *       {@value #RESULTS_TEMPLATE} or {@value #SFTP_RESULTS_TEMPLATE} template): each result
 *       recorded by {@link PrintResultIntake}, its file deleted only after that. The route's own
 *       {@link ResultFileFilter} hands what it refuses from the listing to the same bean.</li>
 * </ol>
 */
public final class DownRoutes extends RouteBuilder {
    public static final String BATCH_INTAKE = "down-batch-intake";
    public static final String BATCH_PROCESS = "down-batch-process";
    public static final String DISPATCH = "down-dispatch";
    public static final String RESULTS_TEMPLATE = "printer-results";
    public static final String SFTP_RESULTS_TEMPLATE = "sftp-printer-results";
    public static final String RESULTS_PREFIX = "down-results-";
    /** Both batch routes' sorter bean ({@link BatchSpoolNames#MINISTRY_ORDER}). */
    public static final String BATCH_ORDER = "batchOrder";

    private static final String INTAKE_BEAN = "printResultIntake";

    private final List<Printer> printers;

    public DownRoutes(List<Printer> printers) {
        this.printers = List.copyOf(printers);
    }

    @Override
    public void configure() throws Exception {
        from(MinistrySftpConnector.outbox(BATCH_ORDER))
                .routeId(BATCH_INTAKE)
                .routeConfigurationId(LEAVE_AT_SOURCE)
                .bean("batchIntake", "receive");

        from("file:{{hub.spool.batches}}?readLock=none&noop=true&idempotent=false&sorter=#" + BATCH_ORDER
                + "&eagerMaxMessagesPerPoll=false&delay=500&initialDelay=0&maxMessagesPerPoll=1")
                .routeId(BATCH_PROCESS)
                .routeConfigurationId(LEAVE_AT_SOURCE)
                .bean("batchProcessor", "process");

        from("scheduler:dispatch?delay=500&initialDelay=0&greedy=true")
                .routeId(DISPATCH)
                .routeConfigurationId(LEAVE_AT_SOURCE)
                .bean("jobDispatcher", "dispatch");

        // A folder printer's result is a File (opened here without following links); an SFTP
        // printer's, the download's stream.
        results(RESULTS_TEMPLATE, PrinterConnector.FOLDER_RESULTS, PrinterConnector.FOLDER_PARAMETERS, "record");
        results(SFTP_RESULTS_TEMPLATE, PrinterConnector.SFTP_RESULTS, PrinterConnector.SFTP_PARAMETERS, "recordDownload");
        for (Printer printer : printers) {
            templatedRoute(template(printer)).routeId(resultsRouteId(printer)).parameters(PrinterConnector.parameters(printer));
        }
    }

    private void results(String templateId, String endpoint, List<String> parameters, String method) {
        RouteTemplateDefinition template = routeTemplate(templateId);
        parameters.forEach(template::templateParameter);
        template.templateBean(PrinterConnector.FILTER_BEAN, ResultFileFilter.class, rtc -> new ResultFileFilter<>(
                rtc.getProperty("printerId", String.class),
                rtc.getCamelContext().getRegistry().lookupByNameAndType(INTAKE_BEAN, PrintResultIntake.class)::refused));
        template.from(endpoint)
                .routeConfigurationId(LEAVE_AT_SOURCE)
                .setHeader(PrintResultIntake.PRINTER_HEADER, constant("{{printerId}}"))
                .bean(INTAKE_BEAN, method);
    }

    public static String resultsRouteId(Printer printer) {
        return RESULTS_PREFIX + printer.id();
    }

    /** The results template a printer's route comes from: also what a config reload adds it with. */
    public static String template(Printer printer) {
        return printer.folder() != null ? RESULTS_TEMPLATE : SFTP_RESULTS_TEMPLATE;
    }
}
