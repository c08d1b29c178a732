package id.ektp.hub.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import id.ektp.hub.sandbox.broker.EmbeddedBroker;
import id.ektp.hub.sandbox.sftp.EmbeddedSftpServer;
import id.ektp.hub.sandbox.sftp.SshKeys;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PublicKey;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The hub's peers for the PRR benchmark, all in the driver's JVM and on 127.0.0.1: the ministry's
 * SFTP server (account {@code reg3310}, whose {@code outbox/} the benchmark publishes the batch
 * into), a second SFTP server holding the kecamatan device accounts (their outboxes stay empty;
 * the hub's intake routes poll them as in production), the ministry's ActiveMQ broker, the hub's
 * SSH key, a known_hosts with both servers' real host keys and the secret files. A JMS consumer
 * on {@code EKTP.PRR.RECEIPTS} notes when each receipt arrives.
 */
final class PrrPeers implements AutoCloseable {
    static final String MINISTRY_USER = "reg3310";
    static final String RECEIPTS = "EKTP.PRR.RECEIPTS";

    /** The configured devices; the batch's pickup kecamatans are spread over them. */
    record Device(String kecamatan, String name, String deviceId) {
        String username() {
            return deviceId.toLowerCase();
        }
    }

    static final List<Device> DEVICES = List.of(
            new Device("33.10.01", "Prambanan", "PRB01"),
            new Device("33.10.02", "Gantiwarno", "GTW01"),
            new Device("33.10.05", "Cawas", "CWS01"),
            new Device("33.10.06", "Trucuk", "TRC01"));

    /** A receipt as it arrived: when (driver's {@link System#nanoTime()}), and what it said. */
    record Receipt(long arrivedNanos, String batchId, int accepted, int rejected, String text) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;
    private final Path secrets;
    private final EmbeddedSftpServer ministryServer;
    private final EmbeddedSftpServer deviceServer;
    private final EmbeddedBroker broker;
    private final Connection receiptConnection;
    private final List<Receipt> receipts = new CopyOnWriteArrayList<>();

    PrrPeers(Path root) {
        this.root = root;
        try {
            BenchIo.deleteTree(root);
            secrets = Files.createDirectories(root.resolve("secrets"));
            Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rwx------"));
            PublicKey hubKey = SshKeys.generate(secrets.resolve("hub_key")).getPublic();
            ministryServer = EmbeddedSftpServer.builder().host("127.0.0.1").port(0)
                    .hostKeyFile(secrets.resolve("ministry_host_key"))
                    .account(MINISTRY_USER, root.resolve("ministry"), hubKey).start();
            EmbeddedSftpServer.Builder devices = EmbeddedSftpServer.builder().host("127.0.0.1").port(0)
                    .hostKeyFile(secrets.resolve("device_host_key"));
            for (Device d : DEVICES) {
                devices.account(d.username(), root.resolve("devices").resolve(d.username()), hubKey);
                Files.createDirectories(root.resolve("devices").resolve(d.username()).resolve("outbox"));
            }
            deviceServer = devices.start();
            ministryServer.writeKnownHosts(secrets.resolve("known_hosts"));
            deviceServer.writeKnownHosts(secrets.resolve("known_hosts"));
            Files.createDirectories(ministryOutbox());
            Files.createDirectories(root.resolve("ministry/inbox"));
            for (String name : List.of("admin.token", "broker.password")) {
                Path file = secrets.resolve(name);
                Files.writeString(file, "bench-secret\n");
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            }
            broker = EmbeddedBroker.builder().dataDir(root.resolve("broker")).port(0).name("ministry").start();
            receiptConnection = broker.connectionFactory().createConnection();
            Session session = receiptConnection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue(RECEIPTS));
            consumer.setMessageListener(message -> {
                long now = System.nanoTime();
                try {
                    String text = ((TextMessage) message).getText();
                    JsonNode doc = JSON.readTree(text);
                    receipts.add(new Receipt(now, doc.path("batchId").asText(), doc.path("accepted").asInt(-1),
                            doc.path("rejected").size(), text));
                } catch (JMSException | IOException | ClassCastException e) {
                    receipts.add(new Receipt(now, "?", -1, -1, String.valueOf(e)));
                }
            });
            receiptConnection.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set up the PRR benchmark's peers in " + root, e);
        } catch (JMSException e) {
            throw new IllegalStateException("cannot consume " + RECEIPTS + " from the embedded broker", e);
        }
    }

    Path root() {
        return root;
    }

    Path secrets() {
        return secrets;
    }

    Path ministryOutbox() {
        return root.resolve("ministry/outbox");
    }

    int ministryPort() {
        return ministryServer.port();
    }

    int devicePort() {
        return deviceServer.port();
    }

    String brokerUrl() {
        return broker.url();
    }

    /** The first receipt for {@code batchId}, or null if none arrived yet. */
    Receipt receiptFor(String batchId) {
        return receipts.stream().filter(r -> r.batchId().equals(batchId)).findFirst().orElse(null);
    }

    long receiptsFor(String batchId) {
        return receipts.stream().filter(r -> r.batchId().equals(batchId)).count();
    }

    @Override
    public void close() {
        try {
            receiptConnection.close();
        } catch (JMSException e) {
            // closing anyway
        }
        broker.close();
        ministryServer.close();
        deviceServer.close();
    }
}
