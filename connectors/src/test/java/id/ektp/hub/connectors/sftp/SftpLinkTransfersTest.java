package id.ektp.hub.connectors.sftp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import id.ektp.hub.config.HubConfig.SftpAccount;
import id.ektp.hub.sandbox.sftp.EmbeddedSftpServer;
import id.ektp.hub.sandbox.sftp.SshKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub's own SFTP transfers on a good line, against a real SFTP server (MINA SSHD): writes
 * built as whole SSH packets, reads sized to one packet, the close and the hash in one round trip,
 * and small files written whole (receipts).
 */
class SftpLinkTransfersTest {
    @TempDir
    Path root;
    private EmbeddedSftpServer server;
    private Path home;
    private final SftpSessions sessions = new SftpSessions();
    private SftpLink link;

    @BeforeEach
    void start() throws Exception {
        Path key = root.resolve("hub_key");
        Path knownHosts = root.resolve("known_hosts");
        home = root.resolve("home");
        server = EmbeddedSftpServer.builder().account("dev", home, SshKeys.generate(key).getPublic()).start();
        server.writeKnownHosts(knownHosts);
        Files.createDirectories(home.resolve("inbox"));
        link = sessions.connect("dev", new SftpAccount("127.0.0.1", server.port(), "dev", key, knownHosts,
                Duration.ofSeconds(5), Duration.ofSeconds(10)));
    }

    @AfterEach
    void stop() {
        sessions.close();
        server.close();
    }

    @Test
    void aSmallFileIsWrittenWholeIntoAFolderCreatedForItAndReplacesTheOldOne() throws Exception {
        link.putWhole("receipts/day/.P.receipt.json.part", "receipts/day/P.receipt.json",
                "{\"state\":\"HELD\"}".getBytes(StandardCharsets.UTF_8));
        assertEquals("{\"state\":\"HELD\"}", Files.readString(home.resolve("receipts/day/P.receipt.json")));

        link.putWhole("receipts/day/.P.receipt.json.part", "receipts/day/P.receipt.json",
                "{\"state\":\"FORWARDED\"}".getBytes(StandardCharsets.UTF_8));
        assertEquals("{\"state\":\"FORWARDED\"}", Files.readString(home.resolve("receipts/day/P.receipt.json")));
        assertFalse(Files.exists(home.resolve("receipts/day/.P.receipt.json.part")), "no temporary file left");
    }

    @Test
    void uploadsOfEverySizeAroundAPacketArriveByteIdenticalAndVerified() throws Exception {
        // Sizes on both sides of one write's room and of the 64 writes in flight.
        int room = 32 * 1024 - 64;
        for (int size : new int[] {1, room - 1, room, room + 1, 64 * room + 7, 3_000_001}) {
            byte[] packet = new byte[size];
            new Random(size).nextBytes(packet);
            Path local = root.resolve("P" + size + ".zip");
            Files.write(local, packet);
            ResumableUpload.Result sent = ResumableUpload.put(link, local, sha256(packet), "inbox", "P" + size + ".zip",
                    root.resolve("ck/P" + size + ".ack"), notice -> { });
            assertArrayEquals(packet, Files.readAllBytes(home.resolve("inbox/P" + size + ".zip")), "size " + size);
            assertEquals("sha256", sent.verifiedWith(), "the server's hash of the whole file was compared");
            assertFalse(Files.exists(home.resolve("inbox/P" + size + ".zip.part")));
        }
    }

    @Test
    void aPartLongerThanThePacketIsNeverRenamed() throws Exception {
        byte[] packet = new byte[100_000];
        new Random(7).nextBytes(packet);
        Path local = root.resolve("P.zip");
        Files.write(local, packet);
        // An earlier attempt's checkpoint says all of it was acknowledged, and the server holds more.
        byte[] longer = new byte[packet.length + 10];
        System.arraycopy(packet, 0, longer, 0, packet.length);
        Files.write(home.resolve("inbox/P.zip.part"), longer);
        Path checkpoint = root.resolve("ck/P.zip.ack");
        Files.createDirectories(checkpoint.getParent());
        Files.writeString(checkpoint, sha256(packet) + " " + packet.length + "\n");

        PeerFailure refused = org.junit.jupiter.api.Assertions.assertThrows(PeerFailure.class, () ->
                ResumableUpload.put(link, local, sha256(packet), "inbox", "P.zip", checkpoint, notice -> { }));
        assertTrue(refused.getMessage().contains("another sha256"), refused.getMessage());
        assertFalse(Files.exists(home.resolve("inbox/P.zip")), "no final name for a wrong file");

        ResumableUpload.put(link, local, sha256(packet), "inbox", "P.zip", checkpoint, notice -> { });
        assertArrayEquals(packet, Files.readAllBytes(home.resolve("inbox/P.zip")), "the next attempt starts from 0");
    }

    @Test
    void downloadsOfEverySizeArriveWholeWithTheirHash() throws Exception {
        List<Integer> sizes = new ArrayList<>(List.of(1, 32 * 1024 - 13, 32 * 1024, 32 * 1024 + 1, 2_097_152, 3_000_001));
        for (int size : sizes) {
            byte[] packet = new byte[size];
            new Random(size).nextBytes(packet);
            Files.write(home.resolve("inbox/D" + size + ".zip"), packet);
            Path partial = root.resolve("in/D" + size + ".partial");
            ResumableDownload.Result got = ResumableDownload.fetch(link, "inbox/D" + size + ".zip",
                    link.stat("inbox/D" + size + ".zip").orElseThrow(), partial, notice -> { });
            assertEquals(sha256(packet), got.sha256(), "size " + size);
            assertArrayEquals(packet, Files.readAllBytes(got.file()), "size " + size);
        }
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
