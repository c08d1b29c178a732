package id.ektp.hub.runtime;

import id.ektp.hub.config.HubConfig;
import id.ektp.hub.spool.Spool;
import id.ektp.hub.store.HubStore;
import id.ektp.hub.store.PacketRecords;
import id.ektp.hub.store.QuarantineRecords;
import id.ektp.hub.up.DeviceIntakeRoute;
import id.ektp.hub.up.DeviceLinks;
import id.ektp.hub.up.PacketForwardRoute;
import id.ektp.hub.up.PacketForwarding;
import id.ektp.hub.up.PacketInspector;
import id.ektp.hub.up.PacketIntake;
import id.ektp.hub.up.PacketQuarantine;
import id.ektp.hub.up.PacketValidation;
import id.ektp.hub.up.PacketValidationRoute;
import id.ektp.hub.up.OutboundQueue;
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

    private final HubConfig config;
    private final HubStore store;
    private final Main main;
    private final DeviceLinks deviceLinks;
    private final PacketRecords packets;
    private final QuarantineRecords quarantine;

    private Hub(HubConfig config, HubStore store, Main main, DeviceLinks deviceLinks,
                PacketRecords packets, QuarantineRecords quarantine) {
        this.config = config;
        this.store = store;
        this.main = main;
        this.deviceLinks = deviceLinks;
        this.packets = packets;
        this.quarantine = quarantine;
    }

    public static Hub create(HubConfig config) throws IOException, SQLException {
        return create(config, Clock.systemUTC());
    }

    public static Hub create(HubConfig config, Clock clock) throws IOException, SQLException {
        HubStore store = HubStore.open(config.dataDir());
        Spool spool = new Spool(config.dataDir());
        int stale = spool.clearIncoming();
        if (stale > 0) {
            LOG.info("Removed {} unfinished download(s) from the last run; their devices still hold them", stale);
        }
        PacketRecords packets = new PacketRecords(store, clock);
        QuarantineRecords quarantine = new QuarantineRecords(store, clock);
        PacketQuarantine packetQuarantine = new PacketQuarantine(store, packets, quarantine, spool);
        DeviceLinks deviceLinks = new DeviceLinks(clock);

        Main main = new Main();
        main.bind("hubStore", store);
        main.bind("deviceLinks", deviceLinks);
        main.bind("packetIntake", new PacketIntake(spool, packets, packetQuarantine, config.limits().maxPacketBytes()));
        OutboundQueue outboundQueue = new OutboundQueue(spool.outbound());
        main.bind("packetValidation", new PacketValidation(spool, packets, packetQuarantine,
                new PacketInspector(config.limits().maxPacketBytes()), outboundQueue));
        main.bind("packetForwarding", new PacketForwarding(packets, outboundQueue));
        main.configure().addRoutesBuilder(new DeviceIntakeRoute(config.devices()));
        main.configure().addRoutesBuilder(new PacketValidationRoute());
        main.configure().addRoutesBuilder(new PacketForwardRoute(config.ministry().sftp().retryMaxDelay().toMillis()));
        HubProperties.of(config, spool).forEach(main::addInitialProperty);
        return new Hub(config, store, main, deviceLinks, packets, quarantine);
    }

    /** Starts the routes and returns. */
    public void start() throws Exception {
        main.start();
        LOG.info("ektp-hub for {} ({}) started: {} device(s), data in {}", config.regency().name(),
                config.regency().code(), config.devices().size(), config.dataDir());
    }

    /** Runs until the JVM is asked to stop (SIGTERM, Ctrl-C), then stops gracefully. */
    public void run() throws Exception {
        LOG.info("ektp-hub for {} ({}) starting: {} device(s), data in {}", config.regency().name(),
                config.regency().code(), config.devices().size(), config.dataDir());
        try {
            main.run();
        } finally {
            store.close();
        }
    }

    public CamelContext camelContext() {
        return main.getCamelContext();
    }

    public HubConfig config() {
        return config;
    }

    public DeviceLinks deviceLinks() {
        return deviceLinks;
    }

    public PacketRecords packets() {
        return packets;
    }

    public QuarantineRecords quarantine() {
        return quarantine;
    }

    @Override
    public void close() {
        try {
            main.stop();
        } finally {
            store.close();
        }
    }
}
