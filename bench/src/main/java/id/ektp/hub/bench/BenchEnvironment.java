package id.ektp.hub.bench;

import id.ektp.hub.sandbox.net.WanLink;
import id.ektp.hub.sandbox.sftp.EmbeddedSftpServer;
import id.ektp.hub.sandbox.sftp.KnownHosts;
import id.ektp.hub.sandbox.sftp.SshKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PublicKey;
import java.util.List;

/**
 * The peers both contestants talk to: one embedded SFTP server holding the kecamatan device
 * account, a second one holding the ministry account, one client key (used by the hub and by
 * OpenSSH alike), and a known_hosts file with both servers' real host keys. Everything lives
 * under {@code <out>/env}, which is recreated for every benchmark invocation.
 */
final class BenchEnvironment implements AutoCloseable {
    static final String DEVICE_USER = "cws01";
    static final String MINISTRY_USER = "reg3310";
    static final String KECAMATAN = "33.10.05";
    static final String DEVICE_ID = "CWS01";

    private final Path root;
    private final Path secrets;
    private final EmbeddedSftpServer deviceServer;
    private final EmbeddedSftpServer ministryServer;

    BenchEnvironment(Path root) {
        this.root = root;
        try {
            BenchIo.deleteTree(root);
            this.secrets = Files.createDirectories(root.resolve("secrets"));
            Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rwx------"));
            PublicKey clientKey = SshKeys.generate(clientKey()).getPublic();
            this.deviceServer = EmbeddedSftpServer.builder().host("127.0.0.1").port(0)
                    .hostKeyFile(secrets.resolve("device_host_key"))
                    .account(DEVICE_USER, root.resolve("device").resolve(DEVICE_USER), clientKey).start();
            this.ministryServer = EmbeddedSftpServer.builder().host("127.0.0.1").port(0)
                    .hostKeyFile(secrets.resolve("ministry_host_key"))
                    .account(MINISTRY_USER, root.resolve("ministry"), clientKey).start();
            deviceServer.writeKnownHosts(knownHosts());
            ministryServer.writeKnownHosts(knownHosts());
            Files.createDirectories(outbox());
            Files.createDirectories(inbox());
            Files.createDirectories(root.resolve("ministry/outbox"));
            for (String name : List.of("admin.token", "broker.password")) {
                Path file = secrets.resolve(name);
                Files.writeString(file, "bench-secret\n");
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set up the benchmark environment in " + root, e);
        }
    }

    Path root() {
        return root;
    }

    Path secrets() {
        return secrets;
    }

    /** The one client key: the hub logs in with it, and so does OpenSSH's sftp. */
    Path clientKey() {
        return root.resolve("secrets/client_key");
    }

    Path knownHosts() {
        return root.resolve("secrets/known_hosts");
    }

    /** The device account's outbox, as the device server serves it. */
    Path outbox() {
        return root.resolve("device").resolve(DEVICE_USER).resolve("outbox");
    }

    /** The ministry account's inbox, as the ministry server serves it. */
    Path inbox() {
        return root.resolve("ministry/inbox");
    }

    /** A line ({@code WanLink}) in front of the device server: trusted with the device server's host key. */
    WanLink deviceLine(WanLink.Builder line) {
        WanLink started = line.start();
        KnownHosts.write(knownHosts(), "127.0.0.1", started.port(), deviceServer.hostPublicKey());
        return started;
    }

    /** A line in front of the ministry server, trusted with its host key. */
    WanLink ministryLine(WanLink.Builder line) {
        WanLink started = line.start();
        KnownHosts.write(knownHosts(), "127.0.0.1", started.port(), ministryServer.hostPublicKey());
        return started;
    }

    int devicePort() {
        return deviceServer.port();
    }

    int ministryPort() {
        return ministryServer.port();
    }

    @Override
    public void close() {
        deviceServer.close();
        ministryServer.close();
    }
}
