package id.ektp.hub.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spool's promises: a download is whole and measured or not there at all, what a
 * previous run left half-done is cleared, payloads move by rename, and everything it creates
 * is owner-only (enrollment packets are personal data).
 */
class SpoolTest {
    @TempDir
    Path dataDir;

    @Test
    void aReceivedFileIsWholeMeasuredForcedAndOwnerOnly() throws Exception {
        Spool spool = new Spool(dataDir);
        byte[] payload = bytes(200_000); // more than one 64 KiB buffer

        SpooledFile file = spool.receive(new ByteArrayInputStream(payload));

        assertEquals(spool.incoming(), file.path().getParent());
        assertTrue(file.path().getFileName().toString().endsWith(".part"));
        assertEquals(payload.length, file.size());
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(payload)), file.sha256());
        assertEquals(file.sha256(), Spool.sha256Of(file.path()));
        assertTrue(Arrays.equals(payload, Files.readAllBytes(file.path())));
        assertEquals("rw-------", permissions(file.path()));
    }

    @Test
    void aDownloadThatBreaksOffLeavesNoPartialFile() throws Exception {
        Spool spool = new Spool(dataDir);
        InputStream breaksOff = new InputStream() { // 100 000 bytes, then every read fails
            private int left = 100_000;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0];
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (left <= 0) {
                    throw new IOException("connection reset by the device");
                }
                int n = Math.min(len, left);
                Arrays.fill(b, off, off + n, (byte) 'x');
                left -= n;
                return n;
            }
        };
        IOException thrown = assertThrows(IOException.class, () -> spool.receive(breaksOff));
        assertEquals("connection reset by the device", thrown.getMessage());
        assertEquals(List.of(), names(spool.incoming()));
    }

    @Test
    void clearIncomingRemovesThePartialDownloadsAPreviousRunLeft() throws Exception {
        Spool before = new Spool(dataDir);
        before.receive(new ByteArrayInputStream(bytes(10)));
        before.receive(new ByteArrayInputStream(bytes(10)));
        // the process died mid-download: a .part file with its first bytes only
        Files.write(before.incoming().resolve("4b1c0c8e-half-written.part"), bytes(3));

        Spool restarted = new Spool(dataDir);
        assertEquals(3, restarted.clearIncoming());
        assertEquals(List.of(), names(restarted.incoming()));
        assertEquals(0, restarted.clearIncoming(), "nothing left the second time");
    }

    @Test
    void theSpoolsFoldersAreOwnerOnly() throws Exception {
        Spool spool = new Spool(dataDir.resolve("data")); // "data" too is made by the spool
        for (Path dir : List.of(dataDir.resolve("data"), dataDir.resolve("data/spool"), spool.incoming(),
                spool.received(), spool.outbound(), dataDir.resolve("data/quarantine"), spool.quarantine())) {
            assertEquals("rwx------", permissions(dir), dir.toString());
        }
    }

    @Test
    void placeRenamesThePayloadIntoANewOwnerOnlyFolder() throws Exception {
        Spool spool = new Spool(dataDir);
        SpooledFile file = spool.receive(new ByteArrayInputStream(bytes(5000)));
        Object inode = Files.readAttributes(file.path(), BasicFileAttributes.class).fileKey();
        Path target = spool.received().resolve("331005-CWS01").resolve("331005-CWS01-20260302T011500-0001.zip");

        assertEquals(target, spool.place(file.path(), target));

        assertFalse(Files.exists(file.path()), "gone from incoming: one folder at a time");
        assertEquals(file.sha256(), Spool.sha256Of(target));
        assertEquals(inode, Files.readAttributes(target, BasicFileAttributes.class).fileKey(),
                "the same file renamed, not a copy (a copy could be seen half-written)");
        assertEquals("rwx------", permissions(target.getParent()));
        assertEquals("rw-------", permissions(target));
    }

    @Test
    void placeReplacesAStaleCopyLeftByAStepThatIsRedone() throws Exception {
        Spool spool = new Spool(dataDir);
        Path target = spool.outbound().resolve("20260302T011500.000Z~331005-CWS01-20260302T011500-0001.zip");
        Files.write(target, bytes(7));
        SpooledFile file = spool.receive(new ByteArrayInputStream(bytes(5000)));

        spool.place(file.path(), target);

        assertEquals(file.sha256(), Spool.sha256Of(target));
        assertEquals(List.of(target.getFileName().toString()), names(spool.outbound()));
    }

    @Test
    void discardRemovesAFileAndToleratesOneAlreadyGone() throws Exception {
        Spool spool = new Spool(dataDir);
        SpooledFile file = spool.receive(new ByteArrayInputStream(bytes(10)));
        spool.discard(file);
        assertFalse(Files.exists(file.path()));
        spool.discard(file);
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a broken cap could spin on 0-byte reads
    void aCappedDownloadKeepsOnlyTheFirstBytesAndSaysSo() throws Exception {
        // What PacketIntake does with a file larger than any packet: keep the start, quarantine it as TOO_LARGE.
        Spool spool = new Spool(dataDir);
        CappedInputStream capped = new CappedInputStream(new ByteArrayInputStream(bytes(300_000)), 100_000);
        SpooledFile file = spool.receive(capped);
        assertTrue(capped.exceeded());
        assertEquals(100_000, file.size());
        assertEquals(100_000, Files.size(file.path()));
    }

    static String permissions(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    static byte[] bytes(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
