package id.ektp.hub.runtime;

import id.ektp.hub.connectors.device.DeviceConnector;
import id.ektp.hub.connectors.device.DeviceReceiptFiles;
import id.ektp.hub.connectors.sftp.SftpSessions;
import id.ektp.hub.up.DeviceIntake;
import id.ektp.hub.connectors.link.Links;
import id.ektp.hub.connectors.link.SftpPolls;
import id.ektp.hub.connectors.ministry.MinistryInbox;
import id.ektp.hub.connectors.ministry.MinistrySftpConnector;
import id.ektp.hub.connectors.printer.PrinterConnector;
import id.ektp.hub.connectors.printer.ResultsPolls;
import id.ektp.hub.connectors.printer.SettledSinceLastPoll;
import id.ektp.hub.down.DownRoutes;
import id.ektp.hub.admin.AdminApi;
import id.ektp.hub.admin.JourneyApi;
import id.ektp.hub.admin.PersonalDataHeaders;
import id.ektp.hub.store.ResidentJourneys;
import id.ektp.hub.admin.QuarantineDesk;
import id.ektp.hub.across.AllocationIntake;
import id.ektp.hub.across.PacketResultIntake;
import id.ektp.hub.across.DeviceWatch;
import id.ektp.hub.across.OverdueWatch;
import id.ektp.hub.across.FailureReports;
import id.ektp.hub.across.HubStatusReport;
import id.ektp.hub.across.Messages;
import id.ektp.hub.across.OutboxRelay;
import id.ektp.hub.across.StockKeeper;
import id.ektp.hub.config.HubConfig;
import id.ektp.hub.down.BatchIntake;
import id.ektp.hub.down.BatchProcessor;
import id.ektp.hub.down.BatchSpoolNames;
import id.ektp.hub.down.JobDispatcher;
import id.ektp.hub.down.PrintResultIntake;
import id.ektp.hub.down.Printers;
import id.ektp.hub.down.StrandedJobs;
import id.ektp.hub.observe.ConfigState;
import id.ektp.hub.observe.DiskFloor;
import id.ektp.hub.observe.HubHealthChecks;
import id.ektp.hub.observe.HubMetrics;
import id.ektp.hub.observe.PacketBytes;
import id.ektp.hub.observe.PeerStates;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.component.micrometer.MicrometerConstants;
import id.ektp.hub.status.StatusView;
import id.ektp.hub.status.FollowUpView;
import id.ektp.hub.store.PrintJobs;
import java.util.function.Predicate;
import id.ektp.hub.config.HubConfig.Device;
import id.ektp.hub.spool.Spool;
import id.ektp.hub.store.DeviceStates;
import id.ektp.hub.store.HubStore;
import id.ektp.hub.store.Outbox;
import id.ektp.hub.store.PacketRecords;
import id.ektp.hub.store.NikIndex;
import id.ektp.hub.store.PacketResults;
import id.ektp.hub.store.FollowUps;
import id.ektp.hub.store.Receipts;
import id.ektp.hub.codes.NikKey;
import id.ektp.hub.store.QuarantineRecords;
import id.ektp.hub.store.StockLedger;
import id.ektp.hub.up.OutboundQueue;
import id.ektp.hub.up.PacketForwarding;
import id.ektp.hub.up.DeviceReceipts;
import id.ektp.hub.up.PacketInspector;
import id.ektp.hub.up.PacketIntake;
import id.ektp.hub.up.PacketQuarantine;
import id.ektp.hub.up.PacketRelease;
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
    final Links deviceLinks;
    final DiskFloor diskFloor;
    final StockKeeper stock;
    final FailureReports reports;
    final HubStatusReport status;
    final PrintJobs printJobs;
    final JobDispatcher dispatcher;
    final BatchIntake batchIntake;
    final Links peerLinks;
    final ConfigState configState;
    final ConfigReload configReload;
    final StatusView statusView;
    /** The hub's own SFTP client (device intake, ministry upload); closed with the hub. */
    final SftpSessions sftp = new SftpSessions();
    final NikIndex nikIndex;
    final PacketResults packetResults;
    final FollowUps followUps;
    final Receipts receipts;
    private final Map<String, Object> beans;

    HubServices(HubConfig initial, HubStore store, Spool spool, Clock clock) throws IOException {
        this.config = new AtomicReference<>(initial);
        this.store = store;
        this.spool = spool;
        this.nikIndex = nikIndex(initial);
        this.packets = new PacketRecords(store, clock, nikIndex);
        this.packetResults = new PacketResults(store);
        this.followUps = new FollowUps(store);
        this.receipts = new Receipts(store);
        this.quarantine = new QuarantineRecords(store, clock);
        this.outbox = new Outbox(store, clock);
        this.ledger = new StockLedger(store);
        this.diskFloor = new DiskFloor(initial.dataDir(), () -> config.get().limits().minFreeBytes(), clock);
        DeviceConnector devicesConnector = new DeviceConnector(clock);
        this.deviceLinks = devicesConnector.links();
        this.peerLinks = new Links(clock, "ektp.links", peer -> peer);
        this.configState = new ConfigState(initial.source(), Spool.sha256Of(initial.source()), clock.instant());
        Messages messages = new Messages(initial.regency(), clock);
        this.reports = new FailureReports(outbox, messages);
        this.stock = new StockKeeper(store, ledger, outbox, messages, reports, initial.stock());
        java.util.function.Supplier<List<Device>> devices = () -> config.get().devices();
        this.status = new HubStatusReport(messages, packets, outbox, deviceLinks, stock, devices);

        this.printJobs = new PrintJobs(store, clock, nikIndex);
        StrandedJobs strandedJobs = new StrandedJobs(printJobs, config::get);
        this.dispatcher = new JobDispatcher(printJobs, messages, () -> new Printers(config.get().printers()),
                peerLinks);
        this.batchIntake = new BatchIntake(spool, printJobs, initial.dataDir());
        FollowUpView followUpView = new FollowUpView(config::get, messages, followUps);
        this.statusView = new StatusView(config::get, messages, deviceLinks, peerLinks, configState, packets, printJobs,
                strandedJobs, diskFloor, outbox, stock, ledger, quarantine, followUpView);
        Predicate<String> configuredKecamatan = k -> config.get().devices().stream().anyMatch(d -> d.kecamatan().equals(k));

        PacketQuarantine packetQuarantine = new PacketQuarantine(store, packets, quarantine, spool, reports);
        OutboundQueue outboundQueue = new OutboundQueue(spool.outbound());
        long maxPacketBytes = initial.limits().maxPacketBytes();
        // Release re-checks with the very instances the flows use: the same rules, the same limits.
        PacketInspector inspector = new PacketInspector(maxPacketBytes);
        AllocationIntake allocationIntake = new AllocationIntake(store, stock, quarantine, initial.dataDir(),
                initial.regency().code(), clock);
        BatchProcessor batchProcessor = new BatchProcessor(store, printJobs, outbox, quarantine, messages,
                configuredKecamatan, initial.dataDir());
        PrintResultIntake printResultIntake = new PrintResultIntake(store, printJobs, stock, reports, outbox, messages,
                quarantine, () -> config.get().printing().maxAttempts(), initial.dataDir());
        PacketResultIntake packetResultIntake = new PacketResultIntake(store, packets, packetResults, followUps,
                quarantine, initial.dataDir(), initial.regency().code(), clock);
        QuarantineDesk quarantineDesk = new QuarantineDesk(quarantine, initial.dataDir(), Map.of(
                "packets", new PacketRelease(store, packets, quarantine, spool, inspector, outboundQueue)::release,
                "batches", batchProcessor::release,
                "results", printResultIntake::release,
                // Both kinds of ministry message keep their text there; the id says which.
                "messages", (entry, file) -> entry.quarantineId().startsWith(PacketResultIntake.ID_PREFIX)
                        ? packetResultIntake.release(entry, file) : allocationIntake.release(entry, file)));
        DeviceWatch deviceWatch = new DeviceWatch(deviceLinks, new DeviceStates(store), reports, store, clock,
                devices, initial.reports().deviceDownAfter());
        OverdueWatch overdueWatch = new OverdueWatch(store, followUps, reports, messages, clock,
                initial.reports().packetOverdueAfter());
        AdminApi adminApi = new AdminApi(stock, quarantineDesk, strandedJobs, outbox,
                initial.http().adminTokenFile());
        // Health and metrics (id.ektp.hub.observe). The meter registry is ours, bound under the
        // name camel-micrometer-prometheus looks up, so Camel's route meters and ours share one scrape.
        PeerStates peerStates = new PeerStates(config::get, deviceLinks, peerLinks);
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        HubMetrics metrics = new HubMetrics(packets, outbox, printJobs, stock, peerStates, diskFloor,
                () -> strandedJobs.list().stream().mapToLong(j -> j.queued().count()).sum(), config::get, quarantine,
                configState, clock);
        metrics.bindTo(meters);
        this.configReload = new ConfigReload(config, configState, clock, stock, deviceWatch, deviceLinks, peerLinks, adminApi,
                strandedJobs, applied -> {
                    metrics.follow(applied);
                    overdueWatch.after(applied.reports().packetOverdueAfter());
                });
        this.beans = Map.ofEntries(
                Map.entry("hubStore", store),
                Map.entry("deviceLinks", deviceLinks),
                Map.entry("peerLinks", peerLinks),
                Map.entry("configState", configState),
                Map.entry("hubHealthChecks", new HubHealthChecks(store, spool, peerStates)),
                Map.entry(MicrometerConstants.METRICS_REGISTRY_NAME, meters),
                Map.entry("packetBytes", new PacketBytes(meters, initial.devices())),
                Map.entry(MinistrySftpConnector.POLLS_BEAN, MinistrySftpConnector.polls(peerLinks, diskFloor::mayTakeMore)),
                Map.entry("deviceReceiptFiles", new DeviceReceiptFiles(sftp, devices)),
                Map.entry("deviceIntake", new DeviceIntake(sftp, deviceLinks, devices, diskFloor,
                        new PacketIntake(store, spool, packets, packetQuarantine, maxPacketBytes), spool)),
                Map.entry(PrinterConnector.SETTLED_BEAN, new SettledSinceLastPoll<>()),
                Map.entry(PrinterConnector.POLLS_BEAN, new ResultsPolls(diskFloor::mayTakeMore)),
                Map.entry("packetValidation", new PacketValidation(spool, packets, packetQuarantine,
                        inspector, outboundQueue)),
                Map.entry("packetForwarding", new PacketForwarding(packets, outboundQueue,
                        new MinistryInbox(sftp, () -> config.get().ministry().sftp(), spool.uploads()))),
                Map.entry("deviceReceipts", new DeviceReceipts(receipts, messages, deviceLinks, clock)),
                Map.entry("outboxRelay", new OutboxRelay(outbox, initial.regency().code())),
                Map.entry("stockKeeper", stock),
                Map.entry("allocationIntake", allocationIntake),
                Map.entry("packetResultIntake", packetResultIntake),
                Map.entry("deviceWatch", deviceWatch),
                Map.entry("overdueWatch", overdueWatch),
                Map.entry("hubStatusReport", status),
                Map.entry("statusView", statusView),
                Map.entry("followUpView", followUpView),
                Map.entry("adminApi", adminApi),
                Map.entry(PersonalDataHeaders.BEAN, new PersonalDataHeaders()),
                Map.entry("journeyApi", new JourneyApi(new ResidentJourneys(store, packets, packetResults, receipts,
                        followUps, printJobs), followUps, nikIndex, messages, config::get, clock)),
                Map.entry("quarantineDesk", quarantineDesk),
                Map.entry("configReload", configReload),
                Map.entry("batchIntake", batchIntake),
                Map.entry("batchProcessor", batchProcessor),
                Map.entry(DownRoutes.BATCH_ORDER, BatchSpoolNames.MINISTRY_ORDER),
                Map.entry("jobDispatcher", dispatcher),
                Map.entry("printResultIntake", printResultIntake));
    }

    Map<String, Object> beans() {
        return beans;
    }

    /** The keyed NIK hash, when {@code privacy.nikKeyFile} is configured (read once: a key change needs a restart). */
    private static NikIndex nikIndex(HubConfig config) throws IOException {
        return config.privacy().keyFile().isPresent()
                ? NikIndex.of(NikKey.load(config.privacy().keyFile().get())) : NikIndex.NONE;
    }
}
