package id.ektp.hub.bench;

import id.ektp.hub.sandbox.sftp.EmbeddedSftpServer;
import id.ektp.hub.sandbox.sftp.SshKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PublicKey;
import java.util.List;

/**
 * What a hub needs besides the broker, so that {@code Hub.create} gets a configuration as production would: a
 * device account on an embedded SFTP server (its outbox stays empty), the ministry's SFTP account on a second
 * one, the hub's SSH key, a known_hosts with both real host keys, and the secret files. The hub's own routes
 * for them run during the benchmark (polls of an empty device outbox and an empty ministry outbox) as they
 * would in production; the status report is pushed out of the measured window ({@code statusInterval: 24h}).
 */
final class OutboxBenchSetup implements AutoCloseable {
    private final Path root;
    private final EmbeddedSftpServer deviceServer;
    private final EmbeddedSftpServer ministryServer;

    OutboxBenchSetup(Path root) {
        this.root = root;
        try {
            Path secrets = Files.createDirectories(root.resolve("secrets"));
            Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rwx------"));
            PublicKey hubKey = SshKeys.generate(secrets.resolve("hub_key")).getPublic();
            deviceServer = EmbeddedSftpServer.builder().host("127.0.0.1").port(0)
                    .hostKeyFile(secrets.resolve("device_host_key"))
                    .account("cws01", root.resolve("device/cws01"), hubKey).start();
            ministryServer = EmbeddedSftpServer.builder().host("127.0.0.1").port(0)
                    .hostKeyFile(secrets.resolve("ministry_host_key"))
                    .account("reg3310", root.resolve("ministry"), hubKey).start();
            deviceServer.writeKnownHosts(secrets.resolve("known_hosts"));
            ministryServer.writeKnownHosts(secrets.resolve("known_hosts"));
            Files.createDirectories(root.resolve("device/cws01/outbox"));
            Files.createDirectories(root.resolve("ministry/inbox"));
            Files.createDirectories(root.resolve("ministry/outbox"));
            for (String name : List.of("admin.token", "broker.password")) {
                Path file = secrets.resolve(name);
                Files.writeString(file, "bench-secret\n");
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set up the outbox benchmark in " + root, e);
        }
    }

    /** Writes {@code <root>/<name>.yaml} for a hub with its data in {@code dataDir}, relaying to {@code brokerUrl}. */
    Path writeConfig(String name, Path dataDir, String brokerUrl) {
        Path printer = dataDir.toAbsolutePath().resolveSibling(dataDir.getFileName() + "-printer");
        String yaml = """
                regency: {code: "%s", name: "Kabupaten Klaten (outbox benchmark)"}
                dataDir: "%s"
                http: {host: 127.0.0.1, port: %d, adminTokenFile: secrets/admin.token}
                ministry:
                  sftp: {host: 127.0.0.1, port: %d, username: reg3310, privateKeyFile: secrets/hub_key,
                         knownHostsFile: secrets/known_hosts, inboxDir: inbox, outboxDir: outbox,
                         pollInterval: 10s, connectTimeout: 5s, readTimeout: 20s}
                  broker: {url: "%s", username: reg3310, passwordFile: secrets/broker.password, retryMaxDelay: 5s}
                devices:
                  - kecamatan: "33.10.05"
                    name: Cawas
                    deviceId: CWS01
                    sftp: {host: 127.0.0.1, port: %d, username: cws01, privateKeyFile: secrets/hub_key,
                           knownHostsFile: secrets/known_hosts, outboxDir: outbox, connectTimeout: 5s, readTimeout: 20s}
                    pollInterval: 10s
                    neighbours: []
                printers:
                  - {id: DKC-1, folder: "%s", serves: ["*"]}
                stock: {reorderDaysOfCover: 7, targetDaysOfCover: 30, criticalDaysOfCover: 2, checkSchedule: "0 0 7 * * ?"}
                reports: {deviceDownAfter: 1h, statusInterval: 24h}
                """.formatted(OutboxPayloads.REGENCY, dataDir.toAbsolutePath(), BenchIo.freePort(), ministryServer.port(),
                brokerUrl, deviceServer.port(), printer);
        Path file = root.resolve(name + ".yaml");
        try {
            Files.createDirectories(printer.resolve("queue")); // a printer that is there, so none is reported offline
            Files.writeString(file, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    @Override
    public void close() {
        deviceServer.close();
        ministryServer.close();
    }
}
