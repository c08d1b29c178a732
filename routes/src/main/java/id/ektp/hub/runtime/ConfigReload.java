package id.ektp.hub.runtime;

import id.ektp.hub.across.AcrossRoutes;
import id.ektp.hub.connectors.device.DeviceConnector;
import id.ektp.hub.connectors.link.Links;
import id.ektp.hub.connectors.printer.PrinterConnector;
import id.ektp.hub.down.DownRoutes;
import id.ektp.hub.up.UpRoutes;
import id.ektp.hub.across.DeviceWatch;
import id.ektp.hub.across.StockKeeper;
import id.ektp.hub.admin.AdminApi;
import id.ektp.hub.config.ConfigLoader;
import id.ektp.hub.config.ConfigProblem;
import id.ektp.hub.config.HubConfig;
import id.ektp.hub.config.HubConfig.Device;
import id.ektp.hub.config.HubConfig.Printer;
import id.ektp.hub.down.StrandedJobs;
import id.ektp.hub.observe.ConfigState;
import id.ektp.hub.spool.Spool;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Config hot reload. Each check reads the configuration file's checksum; when the bytes
 * changed, the file is validated with the same loader as {@code validate}. A valid edit is
 * applied without a restart; an invalid one changes nothing: the hub keeps running the last
 * good configuration and {@link ConfigState} (status page, {@code /api/status}) and the log say
 * which key is wrong and why.
 *
 * <p>Nothing in flight is lost or doubled. A device route removed or replaced is stopped
 * gracefully: a download under way completes and is recorded before the route goes, and the
 * device's copy is deleted only after that, as always. Packets already spooled belong to the
 * UP flow, not to the device route: they are still validated and forwarded. Jobs waiting for a
 * removed printer stay in the hub until a printer serves their kecamatan again; a printer's
 * results route is replaced like a device's, so a result being read completes first. Jobs
 * already QUEUED on a printer taken out are {@link StrandedJobs}: shown, and queued again only
 * by an operator.
 */
public final class ConfigReload {
    private static final Logger LOG = LoggerFactory.getLogger("ektp.config");
    /**
     * How long a route may take to finish what is in flight before it is stopped anyway: a
     * 64 MiB packet over a slow kecamatan link takes minutes. Cut short, nothing is lost (the
     * device deletes its copy only once the hub has it), the download is only done again.
     */
    private static final long STOP_TIMEOUT_SECONDS = 15 * 60;

    private final AtomicReference<HubConfig> config;
    private final ConfigState state;
    private final Clock clock;
    private final StockKeeper stock;
    private final DeviceWatch deviceWatch;
    private final Links deviceLinks;
    private final AdminApi adminApi;
    private final Links peerLinks;
    private final StrandedJobs stranded;
    /** Told of each configuration applied, after the routes changed (the metrics follow the devices). */
    private final Consumer<HubConfig> followers;
    /** The checksum of the file as last checked, applied or refused: the same bytes are not checked twice. */
    private String lastSeen;
    /** The configuration as last applied in full: each edit is compared with it, not with a half-applied one. */
    private HubConfig applied;
    /** The checksum of an edit whose application failed (it is retried each check; logged once). */
    private String lastFailed;

    ConfigReload(AtomicReference<HubConfig> config, ConfigState state, Clock clock, StockKeeper stock,
                 DeviceWatch deviceWatch, Links deviceLinks, Links peerLinks, AdminApi adminApi,
                 StrandedJobs stranded, Consumer<HubConfig> followers) {
        this.config = config;
        this.state = state;
        this.clock = clock;
        this.stock = stock;
        this.deviceWatch = deviceWatch;
        this.deviceLinks = deviceLinks;
        this.adminApi = adminApi;
        this.peerLinks = peerLinks;
        this.stranded = stranded;
        this.followers = followers;
        this.lastSeen = state.current().sha256();
        this.applied = config.get();
    }

    /** One check of the file; applies or refuses an edit. Called by the config-watch route. */
    public synchronized void check(Exchange exchange) throws Exception {
        Path file = state.current().file();
        String sha;
        try {
            sha = Spool.sha256Of(file);
        } catch (IOException e) {
            refuse("(unreadable)", List.of("(file): cannot read " + file + ": " + e.getMessage()));
            return;
        }
        if (sha.equals(lastSeen)) {
            return;
        }
        ConfigLoader.Checked checked = ConfigLoader.inspect(file);
        if (!checked.problems().isEmpty()) {
            refuse(sha, checked.problems().stream().map(ConfigProblem::toString).toList());
            return;
        }
        ConfigChange change = ConfigChange.between(applied, checked.config());
        try {
            apply(exchange.getContext(), change);
        } catch (Exception e) {
            // Valid, but a step failed (a folder that cannot be created, a route that will not
            // start). Every step is safe to repeat, so the next check tries the whole edit again.
            if (!sha.equals(lastFailed)) {
                LOG.error("{}: edit valid but not fully applied; retrying every check", state.current().file(), e);
            }
            lastFailed = sha;
            state.rejected(clock.instant(), List.of("(applying the edit): " + Links.describe(e)
                    + "; the hub retries it every few seconds"));
            return;
        }
        applied = change.running();
        lastSeen = sha;
        lastFailed = null;
        state.applied(sha, clock.instant(), change.restartNeeded());
        // Applied all the same: a warning never stops an edit.
        checked.warnings().forEach(w -> LOG.warn("{}: warning: {}", state.current().file(), w));
    }

    private void refuse(String sha, List<String> problems) {
        if (sha.equals(lastSeen)) {
            return;
        }
        lastSeen = sha;
        state.rejected(clock.instant(), problems);
        LOG.warn("{}: edit REFUSED, still running the configuration applied at {} ({} problem(s)):",
                state.current().file(), state.current().appliedAt(), problems.size());
        problems.forEach(p -> LOG.warn("  {}", p));
    }

    private void apply(CamelContext context, ConfigChange change) throws Exception {
        if (change.isEmpty()) {
            LOG.info("{}: edited, nothing the hub does changes", state.current().file());
            config.set(change.running());
            return;
        }
        for (Device device : change.devicesRemoved()) {
            removeRoute(context, UpRoutes.intakeRouteId(device));
            removeRoute(context, UpRoutes.receiptsRouteId(device));
            deviceLinks.forget(device.key());
        }
        for (Device device : change.devicesChanged()) {
            removeRoute(context, UpRoutes.intakeRouteId(device));
            removeRoute(context, UpRoutes.receiptsRouteId(device));
        }
        for (Printer printer : change.printersRemoved()) {
            removeRoute(context, DownRoutes.resultsRouteId(printer));
            peerLinks.forget(PrinterConnector.peer(printer.id()));
            stranded.printerRemoved(printer);
        }
        for (Printer printer : change.printersChanged()) {
            removeRoute(context, DownRoutes.resultsRouteId(printer));
        }
        // The new config is in place before routes start: the flows read it as they go.
        config.set(change.running());
        for (Device device : change.devicesAdded()) {
            addDeviceRoute(context, device);
        }
        for (Device device : change.devicesChanged()) {
            addDeviceRoute(context, device);
        }
        // The dispatcher reads the printers from the running configuration at each pass; the
        // results routes are the printers' own.
        for (Printer printer : change.printersAdded()) {
            addPrinterRoute(context, printer);
        }
        for (Printer printer : change.printersChanged()) {
            addPrinterRoute(context, printer);
        }
        if (change.stockChanged()) {
            stock.policy(change.running().stock());
        }
        if (change.reportsChanged()) {
            deviceWatch.downAfter(change.running().reports().deviceDownAfter());
        }
        if (change.adminTokenFileChanged()) {
            adminApi.token(change.running().http().adminTokenFile());
        }
        if (change.schedulesChanged()) {
            replaceRoute(context, AcrossRoutes.STOCK_CHECK, AcrossRoutes.STOCK_CHECK,
                    AcrossRoutes.stockCheck(change.running().stock().checkSchedule(), change.running().regency().timeZone()));
            replaceRoute(context, AcrossRoutes.HUB_STATUS, AcrossRoutes.HUB_STATUS,
                    AcrossRoutes.hubStatus(change.running().reports().statusInterval().toMillis()));
        }
        followers.accept(change.running());
        LOG.info("{}: edit APPLIED: {}", state.current().file(), String.join("; ", change.summary()));
        change.restartNeeded().forEach(line -> LOG.warn("  {}", line));
    }

    private static void addDeviceRoute(CamelContext context, Device device) throws Exception {
        replaceRoute(context, UpRoutes.INTAKE_TEMPLATE, UpRoutes.intakeRouteId(device), DeviceConnector.parameters(device));
        replaceRoute(context, UpRoutes.RECEIPTS_TEMPLATE, UpRoutes.receiptsRouteId(device),
                DeviceConnector.receiptParameters(device));
    }

    private void addPrinterRoute(CamelContext context, Printer printer) throws Exception {
        replaceRoute(context, DownRoutes.template(printer), DownRoutes.resultsRouteId(printer),
                PrinterConnector.parameters(printer));
    }

    /**
     * Adds a route from its template, as the flow's RouteBuilder does at start, after removing one
     * of the same id (the running one, or one left by a failed attempt at this edit).
     */
    private static void replaceRoute(CamelContext context, String template, String routeId,
                                     Map<String, String> parameters) throws Exception {
        removeRoute(context, routeId);
        TemplatedRouteBuilder builder = TemplatedRouteBuilder.builder(context, template).routeId(routeId);
        parameters.forEach(builder::parameter);
        builder.add();
    }

    /** Stops a route gracefully (what is in flight completes) and removes it. */
    private static void removeRoute(CamelContext context, String routeId) throws Exception {
        if (context.getRoute(routeId) == null) {
            return;
        }
        context.getRouteController().stopRoute(routeId, STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        context.removeRoute(routeId);
    }
}
