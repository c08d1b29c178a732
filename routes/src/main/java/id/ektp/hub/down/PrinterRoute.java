package id.ektp.hub.down;

import id.ektp.hub.config.HubConfig.Printer;
import java.util.List;
import org.apache.camel.builder.RouteBuilder;

/**
 * DOWN, steps 3 and 4: pending jobs into the printers' {@code queue/} folders, and each
 * printer's {@code results/} back into the hub (one route per printer, from the
 * {@value #RESULTS_TEMPLATE} template). A result file is deleted only after it was recorded.
 */
public final class PrinterRoute extends RouteBuilder {
    public static final String DISPATCH_ROUTE_ID = "down-dispatch";
    public static final String RESULTS_TEMPLATE = "printer-results";
    public static final String RESULTS_PREFIX = "down-results-";

    private final List<Printer> printers;

    public PrinterRoute(List<Printer> printers) {
        this.printers = List.copyOf(printers);
    }

    @Override
    public void configure() {
        errorHandler(defaultErrorHandler().maximumRedeliveries(0).logStackTrace(false));

        from("scheduler:dispatch?delay=500&initialDelay=0&greedy=true")
                .routeId(DISPATCH_ROUTE_ID)
                .bean("jobDispatcher", "dispatch");

        // readLock=changed: a printer may write its result file in several steps.
        routeTemplate(RESULTS_TEMPLATE)
                .templateParameter("printerId").templateParameter("resultsDir")
                .from("file:{{resultsDir}}?include=.*\\.result\\.json&delete=true&autoCreate=false"
                        + "&readLock=changed&readLockCheckInterval=250&readLockMinAge=250&readLockTimeout=10000"
                        + "&delay=500&initialDelay=0&maxMessagesPerPoll=200")
                .setHeader(PrintResultIntake.PRINTER_HEADER, constant("{{printerId}}"))
                .bean("printResultIntake", "record");

        for (Printer printer : printers) {
            if (printer.folder() != null) {
                templatedRoute(RESULTS_TEMPLATE)
                        .routeId(RESULTS_PREFIX + printer.id())
                        .parameter("printerId", printer.id())
                        .parameter("resultsDir", Printers.results(printer).toString());
            }
        }
    }
}
