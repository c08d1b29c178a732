package id.ektp.hub.runtime;

import id.ektp.hub.across.AcrossRoutes;
import id.ektp.hub.admin.AdminApiPolicy;
import id.ektp.hub.admin.AdminRoutes;
import id.ektp.hub.down.DownRoutes;
import id.ektp.hub.policies.ErrorPolicies;
import id.ektp.hub.up.UpRoutes;
import id.ektp.hub.connectors.link.Links;
import id.ektp.hub.connectors.ministry.MinistryBrokerConnector;
import id.ektp.hub.across.HubStatusReport;
import id.ektp.hub.across.OverdueWatch;
import id.ektp.hub.across.StockKeeper;
import id.ektp.hub.config.HubConfig;
import id.ektp.hub.observe.ConfigState;
import id.ektp.hub.observe.DiskFloor;
import id.ektp.hub.status.StatusRoute;
import id.ektp.hub.status.StatusView;
import id.ektp.hub.store.PrintJobs;
import id.ektp.hub.spool.Spool;
import id.ektp.hub.store.HubStore;
import id.ektp.hub.store.Outbox;
import id.ektp.hub.store.PacketRecords;
import id.ektp.hub.store.PacketResults;
import id.ektp.hub.store.FollowUps;
import id.ektp.hub.store.Receipts;
import id.ektp.hub.store.QuarantineRecords;
import id.ektp.hub.store.StockLedger;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Clock;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One regency hub: its state store, its spool and its Camel routes on {@code camel-main},
 * wired from a validated {@link HubConfig}. {@link #run()} serves until SIGTERM;
 * {@link #start()}/{@link #close()} are for tests and the sandbox.
 */
public final class Hub implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Hub.class);

    private final DataDirLock lock;
    private final HubServices services;
    private final Main main;

    private Hub(DataDirLock lock, HubServices services, Main main) {
        this.lock = lock;
        this.services = services;
        this.main = main;
    }

    public static Hub create(HubConfig config) throws IOException, SQLException {
        return create(config, Clock.systemUTC());
    }

    /**
     * Wires a hub on its {@code dataDir}, which it takes for itself first.
     *
     * @throws DataDirLock.InUse if another hub runs on that {@code dataDir}
     */
    public static Hub create(HubConfig config, Clock clock) throws IOException, SQLException {
        DataDirLock lock = DataDirLock.take(config.dataDir());
        try {
            return create(config, clock, lock);
        } catch (IOException | SQLException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    private static Hub create(HubConfig config, Clock clock, DataDirLock lock) throws IOException, SQLException {
        HubStore store = HubStore.open(config.dataDir());
        Spool spool = new Spool(config.dataDir());
        int stale = spool.clearIncoming();
        if (stale > 0) {
            LOG.info("Removed {} unfinished download(s) from the last run; their devices still hold them", stale);
        }
        HubServices services = new HubServices(config, store, spool, clock);
        services.nikIndex.start(store, clock);
        Main main = new Main();
        services.beans().forEach(main::bind);
        MinistryBrokerConnector.beans(config.ministry().broker()).forEach(main::bind);
        // How routes fail, declared once and picked by name; then one RouteBuilder per flow.
        main.configure().addRoutesBuilder(new ErrorPolicies(config.ministry().sftp().retryMaxDelay().toMillis(),
                config.ministry().broker().retryMaxDelay().toMillis()));
        main.configure().addRoutesBuilder(new AdminApiPolicy());
        main.configure().addRoutesBuilder(new UpRoutes(config.devices()));
        main.configure().addRoutesBuilder(new DownRoutes(config.printers()));
        main.configure().addRoutesBuilder(new AcrossRoutes(config.stock().checkSchedule(), config.regency().timeZone(),
                config.reports().statusInterval().toMillis(), OverdueWatch.checkMillis(config.reports().packetOverdueAfter())));
        main.configure().addRoutesBuilder(new AdminRoutes());
        main.configure().addRoutesBuilder(new StatusRoute());
        HubProperties.of(config, spool).forEach(main::addInitialProperty);
        return new Hub(lock, services, main);
    }

    /** Starts the routes and returns. */
    public void start() throws Exception {
        main.start();
        LOG.info("ektp-hub for {} ({}) started: {} device(s), data in {}", config().regency().name(),
                config().regency().code(), config().devices().size(), config().dataDir());
    }

    /**
     * Runs until {@link #stop} is called (the command line does on SIGTERM and Ctrl-C) or the JVM
     * shuts down, then stops gracefully and returns.
     */
    public void run() throws Exception {
        LOG.info("ektp-hub for {} ({}) starting: {} device(s), data in {}", config().regency().name(),
                config().regency().code(), config().devices().size(), config().dataDir());
        try {
            main.run();
        } finally {
            services.sftp.close();
            services.store.close();
            lock.close();
        }
        LOG.info("ektp-hub for {} ({}) stopped gracefully", config().regency().name(), config().regency().code());
    }

    /** Asks {@link #run()} to stop gracefully and return: quick, and safe to call again. */
    public void stop(String why) {
        LOG.info("{}: stopping gracefully (what is in flight finishes first)", why);
        main.completed();
    }

    public CamelContext camelContext() {
        return main.getCamelContext();
    }

    public HubConfig config() {
        return services.config.get();
    }

    public Links deviceLinks() {
        return services.deviceLinks;
    }

    public Links peerLinks() {
        return services.peerLinks;
    }

    public ConfigState configState() {
        return services.configState;
    }

    public PacketRecords packets() {
        return services.packets;
    }

    public QuarantineRecords quarantine() {
        return services.quarantine;
    }

    public Outbox outbox() {
        return services.outbox;
    }

    public StockLedger ledger() {
        return services.ledger;
    }

    public StockKeeper stock() {
        return services.stock;
    }

    public PrintJobs printJobs() {
        return services.printJobs;
    }

    public HubStatusReport status() {
        return services.status;
    }

    public StatusView statusView() {
        return services.statusView;
    }

    public DiskFloor diskFloor() {
        return services.diskFloor;
    }

    public PacketResults packetResults() {
        return services.packetResults;
    }

    public FollowUps followUps() {
        return services.followUps;
    }

    public Receipts receipts() {
        return services.receipts;
    }

    @Override
    public void close() {
        try {
            main.stop();
        } finally {
            services.sftp.close();
            services.store.close();
            try {
                lock.close();
            } catch (IOException e) {
                LOG.warn("Releasing the lock on {}: {}", config().dataDir(), e.getMessage());
            }
        }
    }
}
