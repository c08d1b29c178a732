package id.ektp.hub.connectors.sftp;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import id.ektp.hub.config.HubConfig.SftpAccount;
import id.ektp.hub.sandbox.net.WanLink;
import id.ektp.hub.sandbox.sftp.EmbeddedSftpServer;
import id.ektp.hub.sandbox.sftp.KnownHosts;
import id.ektp.hub.sandbox.sftp.SshKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub's own SFTP transfers against a real SFTP server (MINA SSHD) behind a real line
 * ({@link WanLink}) that is cut in the middle of a transfer.
 */
class ResumableTransferTest {
    private static final int SIZE = 3_000_000;

    @TempDir
    Path root;
    private EmbeddedSftpServer server;
    private Path home;
    private Path key;
    private Path knownHosts;
    private final SftpSessions sessions = new SftpSessions();
    private final List<String> notices = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        key = root.resolve("hub_key");
        home = root.resolve("home");
        knownHosts = root.resolve("known_hosts");
        server = EmbeddedSftpServer.builder().account("dev", home, SshKeys.generate(key).getPublic()).start();
        server.writeKnownHosts(knownHosts);
        Files.createDirectories(home.resolve("outbox"));
    }

    @AfterEach
    void stop() {
        sessions.close();
        server.close();
    }

    private SftpAccount account(int port, Duration readTimeout) {
        return new SftpAccount("127.0.0.1", port, "dev", key, knownHosts, Duration.ofSeconds(5), readTimeout);
    }

    /** A line in front of the server, trusted under its own port. */
    private WanLink line(long bytesPerSecond) {
        WanLink line = WanLink.to(server.port()).bytesPerSecond(bytesPerSecond).start();
        KnownHosts.write(knownHosts, "127.0.0.1", line.port(), server.hostPublicKey());
        return line;
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private RemoteFile listed(SftpLink link, String name) throws Exception {
        return link.stat("outbox/" + name).orElseThrow();
    }

    @Test
    void aCutDownloadResumesAtTheOffsetItReachedAndEndsByteIdentical() throws Exception {
        byte[] packet = random(SIZE, 1);
        Files.write(home.resolve("outbox/P.zip"), packet);
        Path partial = root.resolve("incoming/P.zip.partial");
        try (WanLink line = line(1_000_000)) {
            SftpLink link = sessions.connect("dev", account(line.port(), Duration.ofSeconds(4)));
            RemoteFile file = listed(link, "P.zip");
            CompletableFuture<ResumableDownload.Result> first = CompletableFuture.supplyAsync(() -> {
                try {
                    return ResumableDownload.fetch(link, "outbox/P.zip", file, partial, notices::add);
                } catch (Exception e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            });
            await().atMost(Duration.ofSeconds(20)).until(() -> line.bytesToClient() > SIZE / 3);
            line.cut();
            ExecutionException failed = assertThrows(ExecutionException.class, first::get);
            PeerFailure cut = (PeerFailure) failed.getCause();
            assertEquals(PeerFailure.Kind.CUT, cut.kind(), cut.getMessage());
            assertTrue(cut.offset() > 0 && cut.offset() < SIZE, cut.getMessage());
            assertTrue(cut.getMessage().contains("at byte " + cut.offset() + " of " + SIZE), cut.getMessage());
            long before = line.bytesToClient();

            line.restore();
            SftpLink again = sessions.connect("dev", account(line.port(), Duration.ofSeconds(4)));
            ResumableDownload.Result got = ResumableDownload.fetch(again, "outbox/P.zip", listed(again, "P.zip"),
                    partial, notices::add);
            assertEquals(cut.offset(), got.resumedFrom());
            assertTrue(notices.stream().anyMatch(n -> n.contains("resuming P.zip") && n.contains("at byte " + cut.offset())),
                    notices.toString());
            assertEquals(sha256(packet), got.sha256());
            assertArrayEquals(packet, Files.readAllBytes(got.file()));
            // Only what was missing crossed the line again (plus the SSH handshake and requests).
            assertTrue(line.bytesToClient() - before < SIZE - cut.offset() + 100_000,
                    "after the cut " + (line.bytesToClient() - before) + " bytes for " + (SIZE - cut.offset()) + " missing");
        }
    }

    @Test
    void aFileChangedOnTheDeviceSinceItsDownloadBeganIsFetchedAgainFromByteZero() throws Exception {
        Files.write(home.resolve("outbox/P.zip"), random(SIZE, 2));
        Path partial = root.resolve("incoming/P.zip.partial");
        try (WanLink line = line(1_000_000)) {
            SftpLink link = sessions.connect("dev", account(line.port(), Duration.ofSeconds(4)));
            RemoteFile file = listed(link, "P.zip");
            CompletableFuture<Void> first = CompletableFuture.runAsync(() -> {
                try {
                    ResumableDownload.fetch(link, "outbox/P.zip", file, partial, notices::add);
                } catch (Exception e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            });
            await().atMost(Duration.ofSeconds(20)).until(() -> line.bytesToClient() > SIZE / 3);
            line.cut();
            assertThrows(ExecutionException.class, first::get);
            line.restore();
        }
        byte[] replaced = random(SIZE - 1000, 3);
        Files.write(home.resolve("outbox/P.zip"), replaced);
        SftpLink link = sessions.connect("dev", account(server.port(), Duration.ofSeconds(4)));
        ResumableDownload.Result got = ResumableDownload.fetch(link, "outbox/P.zip", listed(link, "P.zip"), partial,
                notices::add);
        assertEquals(0, got.resumedFrom());
        assertTrue(notices.stream().anyMatch(n -> n.contains("changed") && n.contains("from byte 0")), notices.toString());
        assertEquals(sha256(replaced), got.sha256());
    }

    @Test
    void afterACrashOnlyTheLengthRecordedAsDurableIsTrusted() throws Exception {
        byte[] packet = random(SIZE, 4);
        Files.write(home.resolve("outbox/P.zip"), packet);
        Path partial = root.resolve("incoming/P.zip.partial");
        SftpLink link = sessions.connect("dev", account(server.port(), Duration.ofSeconds(4)));
        RemoteFile file = listed(link, "P.zip");
        // What a crash can leave: a record of 1,000,000 durable bytes, and a file longer than
        // that whose tail never reached the disk (here: garbage).
        Files.createDirectories(partial.getParent());
        byte[] onDisk = java.util.Arrays.copyOf(packet, 1_500_000);
        java.util.Arrays.fill(onDisk, 1_000_000, onDisk.length, (byte) 0);
        Files.write(partial, onDisk);
        Files.writeString(partial.resolveSibling("P.zip.partial.from"),
                file.size() + " " + file.modifiedSeconds() + " 1000000\n");

        ResumableDownload.Result got = ResumableDownload.fetch(link, "outbox/P.zip", file, partial, notices::add);
        assertEquals(1_000_000, got.resumedFrom());
        assertEquals(sha256(packet), got.sha256());
    }

    @Test
    void aCutUploadResumesFromTheAcknowledgedOffsetAndTheFinalNameAppearsOnlyWhole() throws Exception {
        byte[] packet = random(SIZE, 5);
        Path local = Files.write(root.resolve("P.zip"), packet);
        Path checkpoint = root.resolve("uploads/P.zip.ack");
        Files.createDirectories(home.resolve("inbox"));
        try (WanLink line = line(1_000_000)) {
            SftpLink link = sessions.connect("dev", account(line.port(), Duration.ofSeconds(4)));
            CompletableFuture<ResumableUpload.Result> first = CompletableFuture.supplyAsync(() -> {
                try {
                    return ResumableUpload.put(link, local, sha256(packet), "inbox", "P.zip", checkpoint, notices::add);
                } catch (Exception e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            });
            await().atMost(Duration.ofSeconds(20)).until(() -> line.bytesToServer() > SIZE / 3);
            line.cut();
            ExecutionException failed = assertThrows(ExecutionException.class, first::get);
            PeerFailure cut = (PeerFailure) failed.getCause();
            assertTrue(cut.offset() > 0 && cut.offset() < SIZE, cut.getMessage());
            assertFalse(Files.exists(home.resolve("inbox/P.zip")), "no final name before the whole packet is there");
            assertTrue(Files.size(home.resolve("inbox/P.zip.part")) >= cut.offset(), "the acknowledged bytes are there");

            line.restore();
            SftpLink again = sessions.connect("dev", account(line.port(), Duration.ofSeconds(4)));
            ResumableUpload.Result done = ResumableUpload.put(again, local, sha256(packet), "inbox", "P.zip",
                    checkpoint, notices::add);
            assertEquals(cut.offset(), done.resumedFrom());
            assertTrue(notices.stream().anyMatch(n -> n.contains("at byte " + cut.offset())), notices.toString());
            assertArrayEquals(packet, Files.readAllBytes(home.resolve("inbox/P.zip")));
            assertFalse(Files.exists(home.resolve("inbox/P.zip.part")));
            assertFalse(Files.exists(checkpoint), "the checkpoint goes with the upload");
        }
    }

    @Test
    void aResumedUploadNeverTrustsMoreThanTheServerHasNorAPartWithOtherBytes() throws Exception {
        byte[] packet = random(SIZE, 6);
        Path local = Files.write(root.resolve("P.zip"), packet);
        Path checkpoint = root.resolve("uploads/P.zip.ack");
        Files.createDirectories(checkpoint.getParent());
        Path part = Files.createDirectories(home.resolve("inbox")).resolve("P.zip.part");
        SftpLink link = sessions.connect("dev", account(server.port(), Duration.ofSeconds(4)));

        // The checkpoint claims more than the server holds (it lost a tail): the server's size wins.
        Files.write(part, java.util.Arrays.copyOf(packet, 500_000));
        Files.writeString(checkpoint, sha256(packet) + " 2000000\n");
        ResumableUpload.Result done = ResumableUpload.put(link, local, sha256(packet), "inbox", "P.zip", checkpoint,
                notices::add);
        assertEquals(500_000, done.resumedFrom());
        assertArrayEquals(packet, Files.readAllBytes(home.resolve("inbox/P.zip")));
        Files.delete(home.resolve("inbox/P.zip"));

        // The part holds other bytes below the checkpoint: the hash says so, and it starts again.
        byte[] wrong = java.util.Arrays.copyOf(packet, 1_000_000);
        wrong[10] ^= 1;
        Files.write(part, wrong);
        Files.writeString(checkpoint, sha256(packet) + " 1000000\n");
        PeerFailure mismatch = assertThrows(PeerFailure.class,
                () -> ResumableUpload.put(link, local, sha256(packet), "inbox", "P.zip", checkpoint, notices::add));
        assertTrue(mismatch.getMessage().contains("from byte 0"), mismatch.getMessage());
        assertFalse(Files.exists(home.resolve("inbox/P.zip")), "never renamed with other bytes");
        done = ResumableUpload.put(link, local, sha256(packet), "inbox", "P.zip", checkpoint, notices::add);
        assertEquals(0, done.resumedFrom());
        assertFalse(done.verifiedWith().startsWith("size only"), "the server's hash was compared: " + done.verifiedWith());
        assertArrayEquals(packet, Files.readAllBytes(home.resolve("inbox/P.zip")));
    }

    @Test
    void aListingIsReadOnlyUpToItsLimit() throws Exception {
        for (int i = 0; i < 150; i++) {
            Files.writeString(home.resolve("outbox/F" + i + ".zip"), "x");
        }
        SftpLink link = sessions.connect("dev", account(server.port(), Duration.ofSeconds(4)));
        SftpLink.Listing all = link.list("outbox", 1000, n -> true);
        assertFalse(all.truncated());
        assertEquals(150, all.files().size());
        SftpLink.Listing capped = link.list("outbox", 100, n -> true);
        assertTrue(capped.truncated());
        assertTrue(capped.files().size() <= 100, String.valueOf(capped.files().size()));
    }

    @Test
    void aServerThatKeepsTheSessionAliveButNeverAnswersAReadFailsAfterTheReadTimeout() throws Exception {
        Files.write(home.resolve("outbox/P.zip"), random(100_000, 7));
        SftpLink link = sessions.connect("dev", account(server.port(), Duration.ofSeconds(2)));
        RemoteFile file = listed(link, "P.zip");
        server.stallReads(true);
        try {
            long start = System.nanoTime();
            PeerFailure stalled = assertThrows(PeerFailure.class, () -> ResumableDownload.fetch(link, "outbox/P.zip",
                    file, root.resolve("incoming/P.zip.partial"), notices::add));
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;
            assertEquals(PeerFailure.Kind.CUT, stalled.kind(), stalled.getMessage());
            assertTrue(stalled.getMessage().contains("readTimeout"), stalled.getMessage());
            assertTrue(seconds < 10, "gave up after " + seconds + " s");
        } finally {
            server.stallReads(false);
        }
    }

    @Test
    void anOverallDeadlineEndsAnOperationThatTakesTooLong() throws Exception {
        Files.write(home.resolve("outbox/P.zip"), random(SIZE, 8));
        try (WanLink line = line(100_000)) { // 30 s for the file: far beyond the deadline
            SftpLink link = sessions.connect("dev", account(line.port(), Duration.ofSeconds(30)));
            RemoteFile file = listed(link, "P.zip");
            PeerFailure late;
            try (SftpLink.Deadline deadline = link.deadline(Duration.ofSeconds(2), "the download of P.zip")) {
                late = assertThrows(PeerFailure.class, () -> ResumableDownload.fetch(link, "outbox/P.zip", file,
                        root.resolve("incoming/P.zip.partial"), notices::add));
            }
            assertTrue(late.getMessage().contains("deadline"), late.getMessage());
        }
    }

    @Test
    void anUnknownHostKeyIsRefusedAndNothingIsAddedToKnownHosts() throws Exception {
        Path empty = Files.writeString(root.resolve("empty_known_hosts"), "");
        SftpAccount account = new SftpAccount("127.0.0.1", server.port(), "dev", key, empty, Duration.ofSeconds(5),
                Duration.ofSeconds(4));
        PeerFailure refused = assertThrows(PeerFailure.class, () -> sessions.connect("dev", account));
        assertEquals(PeerFailure.Kind.REFUSED, refused.kind());
        assertTrue(refused.getMessage().contains("HostKey"), refused.getMessage());
        assertEquals("", Files.readString(empty));
    }
}
