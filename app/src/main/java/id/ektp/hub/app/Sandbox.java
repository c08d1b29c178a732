package id.ektp.hub.app;

import id.ektp.hub.config.ConfigLoader;
import id.ektp.hub.config.HubConfig;
import id.ektp.hub.config.HubConfig.Device;
import id.ektp.hub.runtime.Hub;
import id.ektp.hub.sandbox.sftp.EmbeddedSftpServer;
import id.ektp.hub.sandbox.sftp.SshKeys;
import id.ektp.hub.sandbox.sim.DeviceSimulator;
import id.ektp.hub.sandbox.sim.MinistrySimulator;
import id.ektp.hub.sandbox.sim.MinistryDesk;
import id.ektp.hub.sandbox.prr.PrinterSimulator;
import id.ektp.hub.sandbox.broker.EmbeddedBroker;
import id.ektp.hub.across.StockSnapshot;
import id.ektp.hub.store.PrintJobState;
import id.ektp.hub.store.StockLedger;
import id.ektp.hub.spool.SecureFiles;
import id.ektp.hub.store.Backlog;
import id.ektp.hub.store.PacketState;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default: the real hub, configured by {@code config/sandbox.yaml}, against
 * embedded SFTP servers (one for the kecamatan devices, one for the ministry) on loopback with
 * real keys and strictly checked host keys, simulated devices recording citizens, and a
 * ministry whose link drops now and then. Everything lives in one folder, kept between runs.
 */
final class Sandbox implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("sandbox");
    static final String TEMPLATE = "/sandbox/sandbox.yaml";

    /** The ports the sandbox config names; tests move them to free ones. */
    record Ports(int devices, int ministry, int http, int broker) {
        static final Ports DEFAULT = new Ports(2222, 2223, 8080, 61616);
    }

    /** How lively the simulation is; {@code resultAfter}: about how long the ministry takes to answer a packet. */
    record Pace(Duration packetEvery, double faultRatio, Duration linkUpFor, Duration linkDownFor,
                Duration deviceOutageEvery, Duration deviceOutageFor, Duration resultAfter) {
        static final Pace DEFAULT = new Pace(Duration.ofSeconds(4), 0.08, Duration.ofSeconds(90), Duration.ofSeconds(20),
                Duration.ofMinutes(3), Duration.ofSeconds(75), Duration.ofSeconds(15));
    }

    /** Residents listed in {@code residents.txt}, newest first: NIKs a newcomer can try at the counter. */
    static final int RESIDENTS_LISTED = 30;
    /**
     * Residents remembered to choose the listed ones from: the newest are often still on their
     * device or waiting for the ministry, and the counter finds a resident only once the hub has
     * checked the packet.
     */
    private static final int RESIDENTS_KEPT = 1000;

    /** Blanks the sandbox regency starts with: enough for a minute or two, so a stock request soon goes out. */
    static final int STARTING_STOCK = 120;

    private final Path dir;
    private final HubConfig config;
    private final EmbeddedSftpServer deviceServer;
    private final EmbeddedSftpServer ministryServer;
    private final MinistrySimulator ministry;
    private final List<DeviceSimulator> devices;
    private final List<PrinterSimulator> printers;
    private final EmbeddedBroker broker;
    private final Hub hub;
    private final ScheduledExecutorService scheduler;
    private final Deque<DeviceSimulator.Recorded> residents = new ConcurrentLinkedDeque<>();

    private Sandbox(Path dir, HubConfig config, EmbeddedSftpServer deviceServer, EmbeddedSftpServer ministryServer,
                    MinistrySimulator ministry, List<DeviceSimulator> devices, List<PrinterSimulator> printers,
                    EmbeddedBroker broker, Hub hub, ScheduledExecutorService scheduler) {
        this.dir = dir;
        this.config = config;
        this.deviceServer = deviceServer;
        this.ministryServer = ministryServer;
        this.ministry = ministry;
        this.devices = devices;
        this.printers = printers;
        this.broker = broker;
        this.hub = hub;
        this.scheduler = scheduler;
    }

    static Sandbox start(Path dir, Ports ports, Pace pace) throws Exception {
        dir = dir.toAbsolutePath().normalize();
        Path secrets = SecureFiles.ownerOnlyDirectories(dir.resolve("secrets"));
        Path configFile = writeConfig(SecureFiles.ownerOnlyDirectories(dir.resolve("config")), ports);
        PublicKey hubKey = SshKeys.loadOrGenerate(secrets.resolve("hub_key")).getPublic();
        writeSecretIfAbsent(secrets.resolve("admin.token"));
        writeSecretIfAbsent(secrets.resolve("broker.password"));
        writeSecretIfAbsent(secrets.resolve("nik.key"));

        EmbeddedSftpServer deviceServer = EmbeddedSftpServer.builder().host("127.0.0.1").port(ports.devices())
                .hostKeyFile(secrets.resolve("device_server_host_key")).start();
        EmbeddedSftpServer ministryServer = EmbeddedSftpServer.builder().host("127.0.0.1").port(ports.ministry())
                .hostKeyFile(secrets.resolve("ministry_server_host_key")).start();
        deviceServer.writeKnownHosts(secrets.resolve("known_hosts"));
        ministryServer.writeKnownHosts(secrets.resolve("known_hosts"));
        EmbeddedBroker broker = EmbeddedBroker.builder().dataDir(dir.resolve("broker")).port(ports.broker()).name("ministry")
                .username("reg3310").password(Files.readString(secrets.resolve("broker.password")).strip()).start();

        HubConfig config = ConfigLoader.load(configFile);
        Clock clock = Clock.systemUTC();
        List<DeviceSimulator> simulators = new ArrayList<>();
        long seed = 33_10;
        for (Device device : config.devices()) {
            Path home = dir.resolve("sftp/devices").resolve(device.sftp().username());
            deviceServer.addAccount(device.sftp().username(), home, hubKey);
            Files.createDirectories(home.resolve(device.outboxDir()));
            simulators.add(new DeviceSimulator(device.kecamatan(), device.deviceId(),
                    home.resolve(device.outboxDir()), pace.faultRatio(), seed++, clock));
        }
        Path ministryHome = dir.resolve("sftp/ministry");
        ministryServer.addAccount(config.ministry().sftp().account().username(), ministryHome, hubKey);
        Path inbox = Files.createDirectories(ministryHome.resolve(config.ministry().sftp().inboxDir()));
        Path outbox = Files.createDirectories(ministryHome.resolve(config.ministry().sftp().outboxDir()));
        List<PrinterSimulator> printers = new ArrayList<>();
        for (HubConfig.Printer printer : config.printers()) {
            Path folder = printer.folder();
            if (folder == null) { // an SFTP printer: an account on the device server, simulated on its home folder
                folder = dir.resolve("sftp/printers").resolve(printer.sftp().username());
                deviceServer.addAccount(printer.sftp().username(), folder, hubKey);
                folder = folder.resolve(printer.baseDir());
            }
            Files.createDirectories(folder.resolve("queue"));
            Files.createDirectories(folder.resolve("results"));
            printers.add(new PrinterSimulator(printer.id(), folder, seed++));
        }

        Hub hub = Hub.create(config, clock);
        hub.start();
        if (hub.stock().snapshot().onHand() == 0 && hub.ledger().allocation("ALLOC-SANDBOX-START").isEmpty()) {
            hub.ledger().announce(new StockLedger.Allocation("ALLOC-SANDBOX-START", STARTING_STOCK, "BLK2026S0000001",
                    String.format("BLK2026S%07d", STARTING_STOCK), "2026-11-01T08:00:00+07:00", clock.instant(), null, null));
            hub.stock().confirmArrival("ALLOC-SANDBOX-START", STARTING_STOCK);
        }
        MinistrySimulator ministry = new MinistrySimulator(ministryServer, inbox, outbox, config.regency().code())
                .publishingResults(broker, pace.resultAfter(), seed++);
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(3, r -> {
            Thread t = new Thread(r, "sandbox-simulators");
            t.setDaemon(true);
            return t;
        });
        Sandbox sandbox = new Sandbox(dir, config, deviceServer, ministryServer, ministry, simulators, printers, broker,
                hub, scheduler);
        for (int i = 0; i < simulators.size(); i++) {
            Device device = config.devices().get(i);
            simulators.get(i).withReceipts(dir.resolve("sftp/devices").resolve(device.sftp().username())
                    .resolve(device.receiptsDir()), sandbox::recorded);
        }
        sandbox.schedule(pace, new MinistryDesk(broker, config.regency().code(), scheduler));
        return sandbox;
    }

    private void schedule(Pace pace, MinistryDesk desk) {
        long every = pace.packetEvery().toMillis();
        for (int i = 0; i < devices.size(); i++) {
            // Staggered, so the devices do not all record at the same instant.
            scheduler.scheduleWithFixedDelay(devices.get(i), every * i / devices.size(), every, TimeUnit.MILLISECONDS);
        }
        scheduler.scheduleWithFixedDelay(ministry::collect, 1, 1, TimeUnit.SECONDS);
        if (!pace.linkDownFor().isZero()) {
            long cycle = pace.linkUpFor().plus(pace.linkDownFor()).toMillis();
            scheduler.scheduleAtFixedRate(ministry::linkDown, pace.linkUpFor().toMillis(), cycle, TimeUnit.MILLISECONDS);
            scheduler.scheduleAtFixedRate(ministry::linkUp, cycle, cycle, TimeUnit.MILLISECONDS);
        }
        scheduler.scheduleWithFixedDelay(ministry::issueBatch, 10, 10, TimeUnit.SECONDS);
        scheduler.scheduleWithFixedDelay(ministry::publishResults, 1, 1, TimeUnit.SECONDS);
        devices.forEach(d -> scheduler.scheduleWithFixedDelay(d::readReceipts, 3, 3, TimeUnit.SECONDS));
        scheduler.scheduleWithFixedDelay(desk, 2, 2, TimeUnit.SECONDS);
        printers.forEach(p -> scheduler.scheduleWithFixedDelay(p, 2, 2, TimeUnit.SECONDS));
        scheduler.scheduleWithFixedDelay(this::operatorConfirmsArrivals, 5, 5, TimeUnit.SECONDS);
        if (!pace.deviceOutageFor().isZero() && !devices.isEmpty()) {
            // One kecamatan's device fails now and then (a forgotten password): its logins are refused.
            String user = config.devices().get(config.devices().size() - 1).sftp().username();
            long outageEvery = pace.deviceOutageEvery().toMillis();
            scheduler.scheduleAtFixedRate(() -> setDeviceDown(user, true), outageEvery / 2, outageEvery, TimeUnit.MILLISECONDS);
            scheduler.scheduleAtFixedRate(() -> setDeviceDown(user, false),
                    outageEvery / 2 + pace.deviceOutageFor().toMillis(), outageEvery, TimeUnit.MILLISECONDS);
        }
        scheduler.scheduleWithFixedDelay(this::logStatus, 10, 10, TimeUnit.SECONDS);
    }

    private void setDeviceDown(String username, boolean down) {
        deviceServer.refuseLogins(username, down);
        if (down) {
            deviceServer.disconnectUser(username);
        }
        LOG.warn("device account {}: {} (simulated)", username, down ? "logins refused: the device is DOWN" : "working again");
    }

    /** The regency's operator: an announced shipment is counted in a little after it arrives. */
    private void operatorConfirmsArrivals() {
        try {
            for (StockLedger.Allocation a : hub.ledger().awaitingArrival()) {
                if (a.announcedAt().isBefore(Instant.now().minusSeconds(10))) {
                    hub.stock().confirmArrival(a.allocationId(), a.quantity());
                    LOG.info("operator: allocation {} arrived, {} blanks counted in", a.allocationId(), a.quantity());
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("operator: {}", e.toString());
        }
    }

    private void recorded(DeviceSimulator.Recorded resident) {
        if (!resident.deliberatelyBad()) {
            residents.addFirst(resident);
            while (residents.size() > RESIDENTS_KEPT) {
                residents.pollLast();
            }
        }
    }

    /**
     * {@code residents.txt}: the newest residents whose packets the hub has forwarded (so the
     * counter page finds them), for the counter page. Synthetic NIKs
     * of the sandbox only, in an owner-only file; the hub itself never writes a NIK down.
     */
    private void writeResidents() throws IOException {
        StringBuilder text = new StringBuilder("# Residents recorded in the sandbox, newest first: look one up at"
                + " http://127.0.0.1:" + config.http().port() + "/counter\n# NIK              packet id                          kecamatan\n");
        residents.stream()
                .filter(r -> hub.packets().find(r.packetId()).map(p -> p.state() == PacketState.FORWARDED).orElse(false))
                .limit(RESIDENTS_LISTED)
                .forEach(r -> text.append(r.nik()).append("  ").append(r.packetId()).append("  ")
                        .append(r.kecamatanCode()).append('\n'));
        Path file = dir.resolve("residents.txt");
        Path temp = dir.resolve(".residents.txt.part");
        Files.deleteIfExists(temp);
        SecureFiles.createOwnerOnlyFile(temp);
        Files.writeString(temp, text);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** One line a newcomer can follow: packets recorded, waiting, delivered, rejected. */
    void logStatus() {
        try {
            Map<PacketState, Backlog> backlog = hub.packets().backlog();
            Backlog waiting = backlog.get(PacketState.OUTBOUND);
            Map<PrintJobState, Backlog> jobs = hub.printJobs().backlog();
            StockSnapshot stock = hub.stock().snapshot();
            LOG.info("UP: devices recorded {}, hub checking {}, waiting for ministry {}{}, forwarded {}, quarantined {}, "
                            + "ministry link {} | DOWN: jobs pending {}, queued {}, printed {}, failed {} | "
                            + "ACROSS: blanks on hand {} ({} days of cover), messages waiting {}",
                    devices.stream().mapToInt(DeviceSimulator::written).sum(),
                    backlog.get(PacketState.RECEIVED).count(), waiting.count(),
                    waiting.oldest() == null ? "" : " (oldest " + Duration.between(waiting.oldest(), Instant.now()).toSeconds() + "s)",
                    backlog.get(PacketState.FORWARDED).count(), hub.quarantine().held().size(),
                    ministry.isLinkUp() ? "UP" : "DOWN",
                    jobs.get(PrintJobState.PENDING).count(), jobs.get(PrintJobState.QUEUED).count(),
                    jobs.get(PrintJobState.PRINTED).count(), jobs.get(PrintJobState.FAILED).count(),
                    stock.onHand(), stock.daysOfCoverOrNull() == null ? "unlimited" : stock.daysOfCoverOrNull(),
                    hub.outbox().backlog().count());
            Map<String, Long> results = hub.packetResults().forwardedByStatus();
            Map<String, Long> followUps = hub.followUps().openByKind();
            Map<String, Integer> read = new TreeMap<>();
            devices.forEach(d -> d.receiptsByState().forEach((state, n) -> read.merge(state, n, Integer::sum)));
            LOG.info("JOURNEY: ministry results enrolled {}, duplicate {}, rejected {}, in its intake {}, none yet {} |"
                            + " receipts waiting on the hub {}, read by devices {} | follow-ups: come to the regency office"
                            + " {}, record again {}, overdue at the ministry {} (see /counter, residents.txt)",
                    results.getOrDefault("ENROLLED", 0L), results.getOrDefault("DUPLICATE", 0L),
                    results.getOrDefault("REJECTED", 0L), results.getOrDefault("RECEIVED", 0L),
                    results.getOrDefault("NONE", 0L),
                    hub.receipts().unsentByDevice().values().stream().mapToLong(Backlog::count).sum(), read,
                    followUps.get("DUPLICATE"), followUps.get("REJECTED"), followUps.get("OVERDUE"));
            writeResidents();
        } catch (IOException | RuntimeException e) {
            LOG.warn("status: {}", e.toString());
        }
    }

    Path dir() {
        return dir;
    }

    HubConfig config() {
        return config;
    }

    Hub hub() {
        return hub;
    }

    MinistrySimulator ministry() {
        return ministry;
    }

    List<DeviceSimulator> devices() {
        return devices;
    }

    List<PrinterSimulator> printers() {
        return printers;
    }

    EmbeddedBroker broker() {
        return broker;
    }

    private static Path writeConfig(Path configDir, Ports ports) throws IOException {
        String yaml;
        try (InputStream in = Sandbox.class.getResourceAsStream(TEMPLATE)) {
            if (in == null) {
                throw new IOException("the sandbox configuration " + TEMPLATE + " is missing from the jar");
            }
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        yaml = yaml.replace("port: " + Ports.DEFAULT.devices(), "port: " + ports.devices())
                .replace("port: " + Ports.DEFAULT.ministry(), "port: " + ports.ministry())
                .replace("port: " + Ports.DEFAULT.http(), "port: " + ports.http())
                .replace("127.0.0.1:" + Ports.DEFAULT.broker(), "127.0.0.1:" + ports.broker());
        Path file = configDir.resolve("sandbox.yaml");
        Files.deleteIfExists(file);
        SecureFiles.createOwnerOnlyFile(file);
        Files.writeString(file, yaml);
        return file;
    }

    private static void writeSecretIfAbsent(Path file) throws IOException {
        if (Files.exists(file)) {
            return;
        }
        byte[] secret = new byte[24];
        new SecureRandom().nextBytes(secret);
        SecureFiles.createOwnerOnlyFile(file);
        Files.writeString(file, HexFormat.of().formatHex(secret) + "\n");
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            hub.close();
        } finally {
            deviceServer.close();
            ministryServer.close();
            broker.close();
        }
    }
}
