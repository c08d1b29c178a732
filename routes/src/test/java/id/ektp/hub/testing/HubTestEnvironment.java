package id.ektp.hub.testing;

import id.ektp.hub.config.ConfigLoader;
import id.ektp.hub.config.HubConfig;
import id.ektp.hub.runtime.Hub;
import id.ektp.hub.sandbox.broker.EmbeddedBroker;
import id.ektp.hub.sandbox.packets.PacketFactory;
import id.ektp.hub.sandbox.packets.PacketSpec;
import id.ektp.hub.sandbox.sftp.EmbeddedSftpServer;
import id.ektp.hub.sandbox.sftp.KnownHosts;
import id.ektp.hub.sandbox.sftp.SshKeys;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.spi.CamelContextTracker;

/**
 * Real peers for a hub under test: an embedded SFTP server holding the kecamatan device
 * accounts and a second one holding the ministry account (so the ministry link can drop on
 * its own), real SSH keys, a known_hosts with the servers' real host keys, and a real YAML
 * configuration file validated by the same loader production uses.
 */
public final class HubTestEnvironment implements AutoCloseable {
    /**
     * A device account for the test config; {@code port} 0 means the device server, another
     * port a peer of the test's own (a server that hangs, say).
     */
    public record TestDevice(String kecamatan, String deviceId, String username, int port, String connectTimeout,
                             List<String> neighbours) {
        /**
         * A device on the shared device server. Its connect timeout is generous: a first SSH
         * handshake on a loaded machine can take over a second, and a device marked down by
         * that would fail tests that expect it up. A test that needs a short timeout (a
         * server that hangs) says so with {@link #at}.
         */
        public TestDevice(String kecamatan, String deviceId) {
            this(kecamatan, deviceId, deviceId.toLowerCase(), 0, "5s", List.of());
        }

        public static TestDevice at(String kecamatan, String deviceId, int port, String connectTimeout) {
            return new TestDevice(kecamatan, deviceId, deviceId.toLowerCase(), port, connectTimeout, List.of());
        }

        public TestDevice withNeighbours(String... kecamatan) {
            return new TestDevice(kecamatan(), deviceId, username, port, connectTimeout, List.of(kecamatan));
        }
    }

    /**
     * An SFTP printer for the test config: an account {@code username} on the printer server
     * (port 0) or a peer of the test's own at {@code port}, with {@code queue/} and
     * {@code results/} inside {@code baseDir} of its home.
     */
    public record TestSftpPrinter(String id, String username, int port, String baseDir, List<String> serves) {
        public static TestSftpPrinter of(String id, String baseDir, String... serves) {
            return new TestSftpPrinter(id, id.toLowerCase(), 0, baseDir, List.of(serves));
        }

        public static TestSftpPrinter at(String id, int port, String... serves) {
            return new TestSftpPrinter(id, id.toLowerCase(), port, ".", List.of(serves));
        }
    }

    public static final List<TestDevice> TWO_DEVICES = List.of(
            new TestDevice("33.10.05", "CWS01"), new TestDevice("33.10.06", "TRC01"));

    private final Path root;
    private final Path secrets;
    private final PublicKey hubKey;
    private final EmbeddedSftpServer deviceServer;
    private final EmbeddedSftpServer ministryServer;
    private final Map<String, TestDevice> devices = new LinkedHashMap<>();
    private final Map<String, TestSftpPrinter> sftpPrinters = new LinkedHashMap<>();
    private EmbeddedSftpServer printerServer;
    private final PacketFactory packets = new PacketFactory();
    private final List<Hub> hubs = new ArrayList<>();
    private final List<AtStart> atNextStart = new ArrayList<>();
    private String extraYaml = "";
    private String regencyYaml = "{code: \"33.10\", name: \"Kabupaten Klaten (test)\"}";
    private String stockYaml = "{reorderDaysOfCover: 7, targetDaysOfCover: 30, criticalDaysOfCover: 2, checkSchedule: \"0 0 7 * * ?\"}";
    private EmbeddedBroker broker;
    private String brokerUrl;
    private final int httpPort = freePort();
    private String ministryExtra = "retryMaxDelay: 2s";
    private int ministryPort;
    private String privacyYaml = "";

    private HubTestEnvironment(Path root) throws IOException {
        this.root = root;
        this.secrets = Files.createDirectories(root.resolve("secrets"));
        Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rwx------"));
        this.hubKey = SshKeys.generate(secrets.resolve("hub_key")).getPublic();
        this.deviceServer = EmbeddedSftpServer.builder().host("127.0.0.1").port(0)
                .hostKeyFile(secrets.resolve("device_host_key")).start();
        this.ministryServer = EmbeddedSftpServer.builder().host("127.0.0.1").port(0)
                .hostKeyFile(secrets.resolve("ministry_host_key")).start();
        deviceServer.writeKnownHosts(secrets.resolve("known_hosts"));
        ministryServer.writeKnownHosts(secrets.resolve("known_hosts"));
        ministryServer.addAccount("reg3310", root.resolve("ministry"), hubKey);
        Files.createDirectories(ministryInbox());
        Files.createDirectories(root.resolve("ministry/outbox"));
        for (String name : List.of("admin.token", "broker.password")) {
            Path file = secrets.resolve(name);
            Files.writeString(file, "test-secret\n");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
    }

    public static HubTestEnvironment create(Path root, List<TestDevice> devices) throws IOException {
        HubTestEnvironment env = new HubTestEnvironment(root);
        devices.forEach(env::addDevice);
        return env;
    }

    public void addDevice(TestDevice device) {
        devices.put(device.deviceId(), device);
        deviceServer.addAccount(device.username(), deviceHome(device.deviceId()), hubKey);
        try {
            Files.createDirectories(outbox(device.deviceId()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Takes a device out of the next {@link #config()}; its account and files stay on the device server. */
    public void removeDevice(String deviceId) {
        devices.remove(deviceId);
    }

    /**
     * Adds an SFTP printer beside the folder printer DKC-1 (the default). On the printer server
     * (its own SSHD, started with the first such printer, its host key in known_hosts) the
     * account's home gets {@code <baseDir>/queue} and {@code <baseDir>/results}.
     */
    public void addSftpPrinter(TestSftpPrinter printer) {
        sftpPrinters.put(printer.id(), printer);
        if (printer.port() != 0) {
            return;
        }
        if (printerServer == null) {
            printerServer = EmbeddedSftpServer.builder().host("127.0.0.1").port(0)
                    .hostKeyFile(secrets.resolve("printer_host_key")).start();
            printerServer.writeKnownHosts(secrets.resolve("known_hosts"));
        }
        printerServer.addAccount(printer.username(), printerHome(printer.id()), hubKey);
        try {
            Files.createDirectories(printerFolder(printer.id()).resolve("queue"));
            Files.createDirectories(printerFolder(printer.id()).resolve("results"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The server holding the SFTP printers' accounts; null before the first is added. */
    public EmbeddedSftpServer printerServer() {
        return printerServer;
    }

    /** An SFTP printer's home (its SFTP root) on the printer server's disk. */
    public Path printerHome(String printerId) {
        return root.resolve("printer-hosts").resolve(sftpPrinters.get(printerId).username());
    }

    /** Where an SFTP printer's {@code queue/} and {@code results/} are, on the printer server's disk. */
    public Path printerFolder(String printerId) {
        return printerHome(printerId).resolve(sftpPrinters.get(printerId).baseDir()).normalize();
    }

    /** Extra top-level YAML appended to the config (e.g. a limits section). */
    public HubTestEnvironment withExtraYaml(String yaml) {
        this.extraYaml = yaml;
        return this;
    }

    /**
     * Gives the hub a NIK key ({@code privacy.nikKeyFile}, 32 bytes, owner-only): packets and
     * print jobs then carry the keyed NIK hash, and {@code POST /api/lookup} answers.
     */
    public HubTestEnvironment withPrivacyKey() throws IOException {
        Path key = secrets.resolve("nik.key");
        Files.writeString(key, "0123456789abcdef0123456789abcdef");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        privacyYaml = "privacy: {nikKeyFile: secrets/nik.key}\n";
        return this;
    }

    /** Starts the ministry's broker (embedded, persistent in {@code root/broker}); the config points at it. */
    public EmbeddedBroker withBroker() {
        return withBroker(b -> b);
    }

    /** As {@link #withBroker()}, with more said to the broker's builder (credentials, refusals). */
    public EmbeddedBroker withBroker(java.util.function.UnaryOperator<EmbeddedBroker.Builder> more) {
        broker = more.apply(EmbeddedBroker.builder().dataDir(root.resolve("broker")).port(0).name("ministry")).start();
        return broker;
    }

    /** The broker URL the config gives the hub instead of the broker's own (a failover URL over several). */
    public HubTestEnvironment withBrokerUrl(String url) {
        this.brokerUrl = url;
        return this;
    }

    public EmbeddedBroker broker() {
        return broker;
    }

    /** The {@code regency:} section, as a YAML flow mapping (the devices' kecamatan codes must be in it). */
    public HubTestEnvironment withRegency(String yamlFlowMapping) {
        this.regencyYaml = yamlFlowMapping;
        return this;
    }

    /** The {@code stock:} section, as a YAML flow mapping. */
    public HubTestEnvironment withStock(String yamlFlowMapping) {
        this.stockYaml = yamlFlowMapping;
        return this;
    }

    /**
     * The ministry's SFTP port in the config: another than its server's (a {@code WanLink} in
     * front of it), trusted with the ministry server's host key.
     */
    public HubTestEnvironment withMinistryPort(int port) {
        this.ministryPort = port;
        KnownHosts.write(secrets.resolve("known_hosts"), "127.0.0.1", port, ministryServer.hostPublicKey());
        return this;
    }

    /** Trusts {@code port} (a {@code WanLink} in front of the device server) with the device server's host key. */
    public void trustDeviceServerAt(int port) {
        KnownHosts.write(secrets.resolve("known_hosts"), "127.0.0.1", port, deviceServer.hostPublicKey());
    }

    /** Extra keys for {@code ministry.sftp}. */
    public HubTestEnvironment withMinistryOptions(String yamlKeys) {
        this.ministryExtra = yamlKeys;
        return this;
    }

    public Path root() {
        return root;
    }

    public Path dataDir() {
        return root.resolve("data");
    }

    public Path deviceHome(String deviceId) {
        return root.resolve("devices").resolve(devices.get(deviceId).username());
    }

    public Path outbox(String deviceId) {
        return deviceHome(deviceId).resolve("outbox");
    }

    public Path ministryInbox() {
        return root.resolve("ministry/inbox");
    }

    public EmbeddedSftpServer deviceServer() {
        return deviceServer;
    }

    public EmbeddedSftpServer ministryServer() {
        return ministryServer;
    }

    public PacketFactory packetFactory() {
        return packets;
    }

    /** Leaves a finished packet in its device's outbox: the zip, then its {@code .done}. */
    public Path drop(PacketSpec spec) throws IOException {
        Path zip = packets.write(spec, outbox(spec.deviceId()));
        packets.writeDone(zip);
        return zip;
    }

    /** Writes the YAML configuration for the current devices and loads it as production does. */
    public HubConfig config() throws Exception {
        vouchForOwnPeers();
        StringBuilder yaml = new StringBuilder("""
                regency: %s
                dataDir: data
                http: {host: 127.0.0.1, port: %d, adminTokenFile: secrets/admin.token}
                ministry:
                  sftp: {host: 127.0.0.1, port: %d, username: reg3310, privateKeyFile: secrets/hub_key,
                         knownHostsFile: secrets/known_hosts, inboxDir: inbox, outboxDir: outbox,
                         pollInterval: 1s, connectTimeout: 2s, readTimeout: 8s, %s}
                  broker: {url: "%s", username: reg3310, passwordFile: secrets/broker.password, retryMaxDelay: 2s}
                devices:
                """.formatted(regencyYaml, httpPort, ministryPort != 0 ? ministryPort : ministryServer.port(), ministryExtra,
                brokerUrl != null ? brokerUrl : broker == null ? "tcp://127.0.0.1:1" : broker.url()));
        for (TestDevice d : devices.values()) {
            yaml.append("""
                      - kecamatan: "%s"
                        name: Device %s
                        deviceId: %s
                        sftp: {host: 127.0.0.1, port: %d, username: %s, privateKeyFile: secrets/hub_key,
                               knownHostsFile: secrets/known_hosts, outboxDir: outbox, connectTimeout: %s, readTimeout: 4s}
                        pollInterval: 200ms
                        neighbours: %s
                    """.formatted(d.kecamatan(), d.deviceId(), d.deviceId(),
                    d.port() == 0 ? deviceServer.port() : d.port(), d.username(), d.connectTimeout(),
                    d.neighbours().stream().map(n -> "\"" + n + "\"").toList()));
        }
        yaml.append("""
                printers:
                  - {id: DKC-1, folder: printers/DKC-1, serves: ["*"]}
                """);
        for (TestSftpPrinter p : sftpPrinters.values()) {
            yaml.append("""
                      - id: %s
                        sftp: {host: 127.0.0.1, port: %d, username: %s, privateKeyFile: secrets/hub_key,
                               knownHostsFile: secrets/known_hosts, baseDir: "%s", connectTimeout: 1s, readTimeout: 4s}
                        serves: %s
                    """.formatted(p.id(), p.port() == 0 ? printerServer.port() : p.port(), p.username(), p.baseDir(),
                    p.serves().stream().map(k -> "\"" + k + "\"").toList()));
        }
        yaml.append("""
                stock: %s
                """.formatted(stockYaml));
        // No disk floor unless a test sets one: a test machine's free space is not the test's
        // business (DiskFloorTest sets its own).
        String extra = extraYaml.contains("minFreeBytes") ? extraYaml
                : extraYaml.contains("limits: {") ? extraYaml.replace("limits: {", "limits: {minFreeBytes: 0, ")
                : extraYaml + "limits: {minFreeBytes: 0}\n";
        yaml.append(extra);
        yaml.append(privacyYaml);
        Path file = root.resolve("hub.yaml");
        rewrite(file, yaml.toString());
        return ConfigLoader.load(file);
    }

    /**
     * A peer of the test's own (a server that hangs, a port nothing listens on) needs a host key
     * in known_hosts like any other peer, or the configuration is refused. One that never gets as
     * far as showing its key gets the hub's public key as a stand-in; a test whose own server
     * wrote its real key before keeps that.
     */
    private void vouchForOwnPeers() throws IOException {
        Path knownHosts = secrets.resolve("known_hosts");
        List<Integer> ports = new ArrayList<>();
        devices.values().stream().filter(d -> d.port() != 0).forEach(d -> ports.add(d.port()));
        sftpPrinters.values().stream().filter(p -> p.port() != 0).forEach(p -> ports.add(p.port()));
        for (int port : ports) {
            String entry = "[127.0.0.1]:" + port + " ";
            if (Files.readAllLines(knownHosts).stream().noneMatch(line -> line.startsWith(entry))) {
                KnownHosts.write(knownHosts, "127.0.0.1", port, hubKey);
            }
        }
    }

    /**
     * Edits the running hub's configuration file (replacing {@code from}, which must be there, by
     * {@code to}), waits for a check of the file that began after the edit, and fails unless that
     * check applied it.
     */
    public void editConfig(Hub hub, String from, String to) throws IOException {
        Path file = hub.configState().current().file();
        Instant before = hub.configState().current().appliedAt();
        String text = Files.readString(file);
        if (!text.contains(from)) {
            throw new IllegalArgumentException("'" + from + "' is not in " + file + ":\n" + text);
        }
        rewrite(file, text.replace(from, to));
        Exchanges.await(Exchanges.of(hub).configChecked(System.currentTimeMillis()), Duration.ofSeconds(40),
                "a check of the edited " + file.getFileName());
        if (!hub.configState().current().appliedAt().isAfter(before)) {
            throw new AssertionError("the edit of " + file.getFileName() + " was not applied: "
                    + hub.configState().current().problems());
        }
    }

    /**
     * An expression on the exchanges of the next hub this environment starts, created as that
     * hub's CamelContext is built, before any route starts: for what a hub does as soon as it
     * starts (packets waiting on a device, work a crash left on disk), which a NotifyBuilder
     * created after {@link #startHub()} returned could miss. {@code expression} gets the new
     * context's {@link Exchanges}; the builder is there once the hub has started.
     */
    public Supplier<NotifyBuilder> atNextStart(Function<Exchanges, NotifyBuilder> expression) {
        AtStart pending = new AtStart(expression);
        atNextStart.add(pending);
        return pending;
    }

    /** Creates and starts a hub on this environment; {@link #close()} stops any still running. */
    public Hub startHub() throws Exception {
        List<AtStart> pending = List.copyOf(atNextStart);
        atNextStart.clear();
        // Camel tells a tracker of each context as it is built; the hub's is the first one here.
        CamelContextTracker tracker = new CamelContextTracker() {
            private boolean seen;

            @Override
            public synchronized void contextCreated(CamelContext context) {
                if (!seen) {
                    seen = true;
                    pending.forEach(p -> p.create(context));
                }
            }
        };
        tracker.open();
        try {
            Hub hub = Hub.create(config());
            hubs.add(hub);
            hub.start();
            pending.forEach(AtStart::check);
            return hub;
        } finally {
            tracker.close();
        }
    }

    /** The body of a GET of {@code path} (e.g. {@code /api/status}) on the running hub's HTTP server. */
    public String httpGet(String path) throws IOException, InterruptedException {
        // HTTP/1.1: Camel 4.18.0's platform-http answers an h2c upgrade badly.
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort() + path))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    public int httpPort() {
        return httpPort;
    }

    /** The admin token the config names. */
    public String adminToken() {
        return "test-secret";
    }

    private static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Replaces a file's content in one step (a sibling temp file renamed over it), so that the
     * hub's config watch, which may read at any moment, never sees half an edit: that would be
     * refused, and a test then waiting for "an error is shown" could read the wrong error.
     */
    public static void rewrite(Path file, String text) throws IOException {
        Path temp = file.resolveSibling("." + file.getFileName() + ".edit");
        Files.writeString(temp, text);
        Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** File names in a folder, sorted; empty if the folder does not exist. */
    public static List<String> names(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** A NotifyBuilder waiting for the context of the next hub started. */
    private static final class AtStart implements Supplier<NotifyBuilder> {
        private final Function<Exchanges, NotifyBuilder> expression;
        private volatile NotifyBuilder notify;

        AtStart(Function<Exchanges, NotifyBuilder> expression) {
            this.expression = expression;
        }

        void create(CamelContext context) {
            notify = expression.apply(Exchanges.of(context));
        }

        void check() {
            if (notify == null) {
                throw new IllegalStateException("no CamelContext was built as the hub started: nothing to wait on");
            }
        }

        @Override
        public NotifyBuilder get() {
            if (notify == null) {
                throw new IllegalStateException("no hub was started since this was asked for");
            }
            return notify;
        }
    }

    @Override
    public void close() {
        for (Hub hub : hubs) {
            try {
                hub.close();
            } catch (RuntimeException e) {
                // already closed by the test
            }
        }
        deviceServer.close();
        ministryServer.close();
        if (printerServer != null) {
            printerServer.close();
        }
        if (broker != null) {
            broker.close();
        }
    }
}
