package id.ektp.hub.runtime;

import id.ektp.hub.admin.AdminApi;
import id.ektp.hub.across.AllocationIntake;
import id.ektp.hub.across.DeviceWatch;
import id.ektp.hub.across.FailureReports;
import id.ektp.hub.across.HubStatusReport;
import id.ektp.hub.across.Messages;
import id.ektp.hub.across.OutboxRelay;
import id.ektp.hub.across.StockKeeper;
import id.ektp.hub.config.HubConfig;
import id.ektp.hub.down.BatchIntake;
import id.ektp.hub.down.BatchProcessor;
import id.ektp.hub.down.JobDispatcher;
import id.ektp.hub.down.PrintResultIntake;
import id.ektp.hub.down.Printers;
import id.ektp.hub.observe.ConfigState;
import id.ektp.hub.observe.PeerLinks;
import id.ektp.hub.store.PrintJobs;
import java.util.function.Predicate;
import id.ektp.hub.config.HubConfig.Device;
import id.ektp.hub.spool.Spool;
import id.ektp.hub.store.DeviceStates;
import id.ektp.hub.store.HubStore;
import id.ektp.hub.store.Outbox;
import id.ektp.hub.store.PacketRecords;
import id.ektp.hub.store.QuarantineRecords;
import id.ektp.hub.store.StockLedger;
import id.ektp.hub.up.DeviceLinks;
import id.ektp.hub.up.OutboundQueue;
import id.ektp.hub.up.PacketForwarding;
import id.ektp.hub.up.PacketInspector;
import id.ektp.hub.up.PacketIntake;
import id.ektp.hub.up.PacketQuarantine;
import id.ektp.hub.up.PacketValidation;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Every service of one hub, built once from its configuration, store and clock. The routes
 * find them in the Camel registry under the names {@link #beans()} gives; tests reach them
 * through {@link Hub}.
 */
public final class HubServices {
    final AtomicReference<HubConfig> config;
    final HubStore store;
    final Spool spool;
    final PacketRecords packets;
    final QuarantineRecords quarantine;
    final Outbox outbox;
    final StockLedger ledger;
    final DeviceLinks deviceLinks;
    final StockKeeper stock;
    final FailureReports reports;
    final HubStatusReport status;
    final PrintJobs printJobs;
    final JobDispatcher dispatcher;
    final BatchIntake batchIntake;
    final PeerLinks peerLinks;
    final ConfigState configState;
    private final Map<String, Object> beans;

    HubServices(HubConfig initial, HubStore store, Spool spool, Clock clock) throws IOException {
        this.config = new AtomicReference<>(initial);
        this.store = store;
        this.spool = spool;
        this.packets = new PacketRecords(store, clock);
        this.quarantine = new QuarantineRecords(store, clock);
        this.outbox = new Outbox(store, clock);
        this.ledger = new StockLedger(store);
        this.deviceLinks = new DeviceLinks(clock);
        this.peerLinks = new PeerLinks(clock);
        this.configState = new ConfigState(initial.source(), Spool.sha256Of(initial.source()), clock.instant());
        Messages messages = new Messages(initial.regency(), clock);
        this.reports = new FailureReports(outbox, messages);
        this.stock = new StockKeeper(store, ledger, outbox, messages, reports, initial.stock());
        java.util.function.Supplier<List<Device>> devices = () -> config.get().devices();
        this.status = new HubStatusReport(messages, packets, outbox, deviceLinks, stock, devices);

        this.printJobs = new PrintJobs(store, clock);
        this.dispatcher = new JobDispatcher(printJobs, messages, () -> new Printers(config.get().printers()),
                peerLinks);
        this.batchIntake = new BatchIntake(spool, printJobs, initial.dataDir());
        Predicate<String> configuredKecamatan = k -> config.get().devices().stream().anyMatch(d -> d.kecamatan().equals(k));

        PacketQuarantine packetQuarantine = new PacketQuarantine(store, packets, quarantine, spool, reports);
        OutboundQueue outboundQueue = new OutboundQueue(spool.outbound());
        long maxPacketBytes = initial.limits().maxPacketBytes();
        this.beans = Map.ofEntries(
                Map.entry("hubStore", store),
                Map.entry("deviceLinks", deviceLinks),
                Map.entry("peerLinks", peerLinks),
                Map.entry("configState", configState),
                Map.entry("packetIntake", new PacketIntake(spool, packets, packetQuarantine, maxPacketBytes)),
                Map.entry("packetValidation", new PacketValidation(spool, packets, packetQuarantine,
                        new PacketInspector(maxPacketBytes), outboundQueue)),
                Map.entry("packetForwarding", new PacketForwarding(packets, outboundQueue)),
                Map.entry("outboxRelay", new OutboxRelay(outbox, initial.regency().code())),
                Map.entry("stockKeeper", stock),
                Map.entry("allocationIntake", new AllocationIntake(stock, quarantine, initial.dataDir(),
                        initial.regency().code(), clock)),
                Map.entry("deviceWatch", new DeviceWatch(deviceLinks, new DeviceStates(store), reports, store, clock,
                        devices, initial.reports().deviceDownAfter())),
                Map.entry("hubStatusReport", status),
                Map.entry("adminApi", new AdminApi(stock, initial.http().adminTokenFile())),
                Map.entry("batchIntake", batchIntake),
                Map.entry("batchProcessor", new BatchProcessor(store, printJobs, outbox, quarantine, messages,
                        configuredKecamatan, initial.dataDir())),
                Map.entry("jobDispatcher", dispatcher),
                Map.entry("printResultIntake", new PrintResultIntake(store, printJobs, stock, reports, outbox, messages,
                        quarantine, () -> config.get().printing().maxAttempts(), initial.dataDir())));
    }

    Map<String, Object> beans() {
        return beans;
    }
}
