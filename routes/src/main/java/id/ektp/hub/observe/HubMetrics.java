package id.ektp.hub.observe;

import id.ektp.hub.across.StockKeeper;
import id.ektp.hub.across.StockSnapshot;
import id.ektp.hub.config.HubConfig;
import id.ektp.hub.config.HubConfig.Device;
import id.ektp.hub.observe.PeerStates.Kind;
import id.ektp.hub.observe.PeerStates.Peer;
import id.ektp.hub.observe.PeerStates.Status;
import id.ektp.hub.store.Backlog;
import id.ektp.hub.store.Outbox;
import id.ektp.hub.store.PacketRecords;
import id.ektp.hub.store.PacketState;
import id.ektp.hub.store.PrintJobState;
import id.ektp.hub.store.PrintJobs;
import id.ektp.hub.store.QuarantineRecords;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The hub's own gauges, read from the state store and the links when Prometheus scrapes
 * {@code /observe/metrics} (names as Prometheus shows them; the table is in docs/design.md):
 *
 * <ul>
 *   <li>{@code ektp_backlog_items{flow,state}} and {@code ektp_backlog_oldest_age_seconds{flow,state}}:
 *       what waits, per flow and state ({@code up}: RECEIVING, RECEIVED, OUTBOUND; {@code outbox}:
 *       UNSENT, PARKED; {@code down}: PENDING, QUEUED), and how long the oldest has waited (0 when none);</li>
 *   <li>{@code ektp_finished_items{flow,state}}: items in a final state so far (up: FORWARDED,
 *       QUARANTINED; down: PRINTED, FAILED);</li>
 *   <li>{@code ektp_stock_blanks_on_hand}, {@code ektp_stock_daily_usage} (7-day average) and
 *       {@code ektp_stock_days_of_cover} (+Inf while nothing was used);</li>
 *   <li>{@code ektp_device_up{device}} and {@code ektp_peer_up{peer}}: 1 up, 0 down, NaN not
 *       contacted since the hub started; {@code ektp_devices{state}}: how many devices in each.</li>
 *   <li>{@code ektp_disk_free_bytes}, {@code ektp_intake_paused} (1 below
 *       {@code limits.minFreeBytes}, see {@link DiskFloor}) and {@code ektp_stranded_jobs}
 *       (jobs QUEUED on a printer no longer configured);</li>
 *   <li>{@code ektp_outcomes_total{flow,outcome}}: counters of items forwarded (up), printed and
 *       failed (down), quarantined (up, down, across);</li>
 *   <li>{@code ektp_config_valid}: 0 while an edit of the configuration file is refused;</li>
 *   <li>{@code ektp_build_info{version,camel,java}}: always 1, the build in its labels ({@link BuildInfo}).</li>
 * </ul>
 *
 * One scrape reads the store once: the readings are kept for a second, so the dozen gauges
 * of a scrape share one consistent snapshot and hold the store's lock for a few queries only.
 */
public final class HubMetrics implements MeterBinder {
    static final String UP = "up";
    static final String OUTBOX = "outbox";
    static final String DOWN = "down";
    private static final long READINGS_MAX_AGE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private record Readings(Map<PacketState, Backlog> packets, Backlog outbox, Backlog parked, Map<PrintJobState, Backlog> jobs,
                            StockSnapshot stock, Map<String, Integer> quarantinedByFlow) {}

    private final PacketRecords packets;
    private final Outbox outbox;
    private final PrintJobs printJobs;
    private final StockKeeper stock;
    private final PeerStates peers;
    private final DiskFloor disk;
    private final LongSupplier strandedJobs;
    private final Supplier<HubConfig> config;
    private final QuarantineRecords quarantine;
    private final ConfigState configState;
    private final Clock clock;
    private Readings readings;
    private MeterRegistry registry;
    /** The ektp_device_up series by device key: a config reload adds and removes them. */
    private final Map<String, Gauge> deviceGauges = new HashMap<>();
    /** The ektp_peer_up series (ministry links, printers) by peer name, likewise. */
    private final Map<String, Gauge> peerGauges = new HashMap<>();
    private long readAtNanos;

    public HubMetrics(PacketRecords packets, Outbox outbox, PrintJobs printJobs, StockKeeper stock, PeerStates peers,
                      DiskFloor disk, LongSupplier strandedJobs, Supplier<HubConfig> config, QuarantineRecords quarantine,
                      ConfigState configState, Clock clock) {
        this.packets = packets;
        this.outbox = outbox;
        this.printJobs = printJobs;
        this.stock = stock;
        this.peers = peers;
        this.disk = disk;
        this.strandedJobs = strandedJobs;
        this.config = config;
        this.quarantine = quarantine;
        this.configState = configState;
        this.clock = clock;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (PacketState state : List.of(PacketState.RECEIVING, PacketState.RECEIVED, PacketState.OUTBOUND)) {
            backlog(registry, UP, state.name(), r -> r.packets().get(state));
        }
        backlog(registry, OUTBOX, "UNSENT", Readings::outbox);
        // Refused by the broker for good: waiting for an admin, not for the broker (alert on any).
        backlog(registry, OUTBOX, "PARKED", Readings::parked);
        for (PrintJobState state : List.of(PrintJobState.PENDING, PrintJobState.QUEUED)) {
            backlog(registry, DOWN, state.name(), r -> r.jobs().get(state));
        }
        for (PacketState state : List.of(PacketState.FORWARDED, PacketState.QUARANTINED)) {
            finished(registry, UP, state.name(), r -> r.packets().get(state));
        }
        for (PrintJobState state : List.of(PrintJobState.PRINTED, PrintJobState.FAILED)) {
            finished(registry, DOWN, state.name(), r -> r.jobs().get(state));
        }
        outcome(registry, UP, "forwarded", r -> r.packets().get(PacketState.FORWARDED).count());
        outcome(registry, DOWN, "printed", r -> r.jobs().get(PrintJobState.PRINTED).count());
        outcome(registry, DOWN, "failed", r -> r.jobs().get(PrintJobState.FAILED).count());
        for (String flow : List.of("UP", "DOWN", "ACROSS")) {
            outcome(registry, flow.toLowerCase(java.util.Locale.ROOT), "quarantined",
                    r -> r.quarantinedByFlow().getOrDefault(flow, 0));
        }
        gauge("ektp.config.valid", m -> m.configState.current().valid() ? 1 : 0)
                .description("1 while the configuration file on disk is the one running; 0 after an edit was refused"
                        + " (the hub keeps running the last good one: see the status page)")
                .register(registry);

        gauge("ektp.stock.blanks.on.hand", m -> m.read().stock().onHand())
                .description("Blank cards on hand (the stock ledger)").register(registry);
        gauge("ektp.stock.daily.usage", m -> m.read().stock().avgDailyUsage())
                .description("Blanks used per day, averaged over the last 7 days").register(registry);
        gauge("ektp.stock.days.of.cover", m -> m.read().stock().daysOfCover())
                .description("Days the blanks on hand last at the 7-day average use; +Inf while none are used")
                .register(registry);

        gauge("ektp.disk.free.bytes", m -> m.disk.read().freeBytes())
                .description("Free space on dataDir's disk").register(registry);
        gauge("ektp.intake.paused", m -> m.disk.read().below() ? 1 : 0)
                .description("1 while the free space is below limits.minFreeBytes: no packets, batches or print results are taken")
                .register(registry);
        gauge("ektp.stranded.jobs", m -> m.strandedJobs.getAsLong())
                .description("Jobs QUEUED on a printer no longer configured: moved on only by an operator")
                .register(registry);
        BuildInfo build = BuildInfo.current();
        gauge("ektp.build.info", m -> 1)
                .description("Always 1; which build runs is in its labels (as ektp-hub --version says it)")
                .tag("version", build.version()).tag("camel", build.camelVersion()).tag("java", build.javaVersion())
                .register(registry);

        this.registry = registry;
        followDevices(config.get().devices());
        for (Status status : Status.values()) {
            gauge("ektp.devices", m -> m.devicesIn(status))
                    .description("Kecamatan devices per link state")
                    .tag("state", status.name()).register(registry);
        }
        followPeers();
    }

    /** The series of the configured devices and printers; called after each config reload. */
    public synchronized void follow(HubConfig applied) {
        followDevices(applied.devices());
        followPeers();
    }

    private void followPeers() {
        Map<String, Supplier<Gauge>> wanted = new LinkedHashMap<>();
        for (Peer peer : peers.all()) {
            if (peer.kind() != Kind.DEVICE) {
                wanted.put(peer.name(), () -> gauge("ektp.peer.up", m -> m.peerUp(peer.name(), peer.kind()))
                        .description("1 while the peer's last contact succeeded, 0 while it failed, NaN before the first contact")
                        .tag("peer", peer.name()).register(registry));
            }
        }
        follow(peerGauges, wanted);
    }

    private void followDevices(List<Device> devices) {
        Map<String, Supplier<Gauge>> wanted = new LinkedHashMap<>();
        for (Device device : devices) {
            wanted.put(device.key(), () -> gauge("ektp.device.up", m -> m.deviceUp(device.key()))
                    .description("1 while the kecamatan device answers its polls, 0 while it does not, NaN before the first poll")
                    .tag("device", device.key()).tag("kecamatan", device.kecamatan())
                    .register(registry));
        }
        follow(deviceGauges, wanted);
    }

    /** One series per wanted key: those no longer wanted leave the registry, the new ones join it. */
    private void follow(Map<String, Gauge> series, Map<String, Supplier<Gauge>> wanted) {
        series.entrySet().removeIf(e -> {
            if (wanted.containsKey(e.getKey())) {
                return false;
            }
            registry.remove(e.getValue());
            return true;
        });
        wanted.forEach((key, register) -> series.computeIfAbsent(key, k -> register.get()));
    }

    private void backlog(MeterRegistry registry, String flow, String state, Function<Readings, Backlog> of) {
        gauge("ektp.backlog.items", m -> of.apply(m.read()).count())
                .description("Items waiting, per flow and state")
                .tag("flow", flow).tag("state", state).register(registry);
        gauge("ektp.backlog.oldest.age", m -> m.ageSeconds(of.apply(m.read()).oldest()))
                .description("How long the oldest waiting item has waited (0 when none)")
                .baseUnit("seconds").tag("flow", flow).tag("state", state).register(registry);
    }

    private void finished(MeterRegistry registry, String flow, String state, Function<Readings, Backlog> of) {
        gauge("ektp.finished.items", m -> of.apply(m.read()).count())
                .description("Items in a final state, per flow and state")
                .tag("flow", flow).tag("state", state).register(registry);
    }

    /**
     * {@code ektp_outcomes_total{flow,outcome}}: items that reached an outcome, counted by the state
     * store, so the counter carries on across restarts and never goes down (a released quarantined
     * packet still counts as quarantined once); {@code rate()} gives the pace.
     */
    private void outcome(MeterRegistry registry, String flow, String outcome, ToDoubleFunction<Readings> count) {
        FunctionCounter.builder("ektp.outcomes", this, m -> count.applyAsDouble(m.read()))
                .description("Items that reached an outcome, per flow: forwarded, printed, failed, quarantined")
                .tag("flow", flow).tag("outcome", outcome).register(registry);
    }

    /** Held strongly: Micrometer's default weak reference would let this object be collected, and every gauge read NaN. */
    private Gauge.Builder<HubMetrics> gauge(String name, ToDoubleFunction<HubMetrics> value) {
        return Gauge.builder(name, this, value).strongReference(true);
    }

    private synchronized Readings read() {
        long now = System.nanoTime();
        if (readings == null || now - readAtNanos > READINGS_MAX_AGE_NANOS) {
            readings = new Readings(packets.backlog(), outbox.backlog(), outbox.parkedBacklog(), printJobs.backlog(),
                    stock.snapshot(), quarantine.everByFlow());
            readAtNanos = now;
        }
        return readings;
    }

    private double ageSeconds(Instant oldest) {
        return oldest == null ? 0 : Math.max(0, Duration.between(oldest, clock.instant()).toMillis() / 1000.0);
    }

    private double deviceUp(String key) {
        return config.get().devices().stream().filter(d -> d.key().equals(key)).findFirst()
                .map(d -> value(peers.device(d).status()))
                .orElse(Double.NaN); // no longer configured
    }

    private double devicesIn(Status status) {
        return config.get().devices().stream().filter(d -> peers.device(d).status() == status).count();
    }

    private double peerUp(String name, Kind kind) {
        return value(peers.peer(name, kind).status());
    }

    private static double value(Status status) {
        return switch (status) {
            case UP -> 1;
            case DOWN -> 0;
            case NOT_CONTACTED -> Double.NaN;
        };
    }
}
