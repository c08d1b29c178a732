package id.ektp.hub.connectors.ministry;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import id.ektp.hub.config.HubConfig.MinistrySftp;
import id.ektp.hub.config.HubConfig.SftpAccount;
import id.ektp.hub.connectors.sftp.SftpSessions;
import id.ektp.hub.sandbox.sftp.EmbeddedSftpServer;
import id.ektp.hub.sandbox.sftp.SshKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sending the next packet ahead, against a real SFTP server (MINA SSHD). */
class MinistryInboxTest {
    @TempDir
    Path root;
    private EmbeddedSftpServer server;
    private Path inbox;
    private final SftpSessions sessions = new SftpSessions();
    private MinistryInbox ministry;

    @BeforeEach
    void start() throws Exception {
        Path key = root.resolve("hub_key");
        Path knownHosts = root.resolve("known_hosts");
        Path home = root.resolve("home");
        server = EmbeddedSftpServer.builder().account("reg", home, SshKeys.generate(key).getPublic()).start();
        server.writeKnownHosts(knownHosts);
        inbox = Files.createDirectories(home.resolve("inbox"));
        SftpAccount account = new SftpAccount("127.0.0.1", server.port(), "reg", key, knownHosts,
                Duration.ofSeconds(5), Duration.ofSeconds(10));
        MinistrySftp sftp = new MinistrySftp(account, "inbox", "outbox", Duration.ofSeconds(1), Duration.ofSeconds(2));
        ministry = new MinistryInbox(sessions, () -> sftp, Files.createDirectories(root.resolve("checkpoints")));
    }

    @AfterEach
    void stop() {
        sessions.close();
        server.close();
    }

    @Test
    void aPacketSentAheadIsOnlyRenamedAtItsTurnAndNeverBefore() throws Exception {
        byte[] a = packet(1);
        byte[] b = packet(2);
        Path localA = write("A.zip", a);
        Path localB = write("B.zip", b);
        ministry.upload(localA, sha256(a), "A.zip", a.length); // the ministry took one: sending ahead may start

        String shaB = sha256(b);
        ministry.upload(localA, sha256(a), "A.zip", a.length, () -> ministry.sendAhead(localB, shaB, "B.zip"));
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(inbox.resolve("B.zip.part"))
                && Files.size(inbox.resolve("B.zip.part")) == b.length);
        assertFalse(Files.exists(inbox.resolve("B.zip")), "sent ahead, but not its turn yet: no final name");

        // Its turn: what was sent ahead is only renamed (the local copy is not read again).
        Files.delete(localB);
        ministry.upload(localB, sha256(b), "B.zip", b.length);
        assertArrayEquals(b, Files.readAllBytes(inbox.resolve("B.zip")));
        assertFalse(Files.exists(inbox.resolve("B.zip.part")));
    }

    @Test
    void nothingIsSentAheadWhileTheRoutesOwnUploadsFail() throws Exception {
        byte[] b = packet(3);
        Path localB = write("B.zip", b);
        ministry.sendAhead(localB, sha256(b), "B.zip"); // no upload has succeeded yet
        byte[] a = packet(4);
        ministry.upload(write("A.zip", a), sha256(a), "A.zip", a.length);
        // Had B been sent ahead, its upload would only rename it; it has to read the local copy.
        Files.delete(localB);
        assertThrows(java.nio.file.NoSuchFileException.class, () -> ministry.upload(localB, sha256(b), "B.zip", b.length));
        assertFalse(Files.exists(inbox.resolve("B.zip")), "not sent ahead before the ministry took a packet");
    }

    @Test
    void aSendAheadThatFailedIsUploadedByTheRouteItself() throws Exception {
        byte[] a = packet(5);
        byte[] b = packet(6);
        Path localA = write("A.zip", a);
        ministry.upload(localA, sha256(a), "A.zip", a.length);
        Path missing = root.resolve("local/not-there.zip"); // the send ahead cannot read it
        String shaB = sha256(b);
        ministry.upload(localA, sha256(a), "A.zip", a.length, () -> ministry.sendAhead(missing, shaB, "B.zip"));

        Path localB = write("B.zip", b);
        ministry.upload(localB, sha256(b), "B.zip", b.length);
        assertArrayEquals(b, Files.readAllBytes(inbox.resolve("B.zip")));
        assertTrue(Files.notExists(inbox.resolve("B.zip.part")));
        assertEquals(2, Files.list(inbox).count());
    }

    private Path write(String name, byte[] bytes) throws Exception {
        Path file = Files.createDirectories(root.resolve("local")).resolve(name);
        Files.write(file, bytes);
        return file;
    }

    private static byte[] packet(long seed) {
        byte[] bytes = new byte[700_000];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
