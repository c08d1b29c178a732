package id.ektp.hub.up;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads zip entries through one small buffer, computing size, CRC-32 and SHA-256 as the bytes go by
 * and charging them to the packet's {@link UncompressedBudget}: a 64 MiB packet needs 64 KiB of heap.
 *
 * <p>{@link ZipFile} checks no CRC itself (and none at all for STORED entries), so it is checked here:
 * a mismatch with the zip's own header means damaged data, not a wrong manifest.
 */
final class EntryReader {

    private static final int BUFFER = 64 * 1024;

    /** Size and SHA-256 (lowercase hex) of an entry's uncompressed bytes. */
    record Digest(long size, String sha256) {}

    private final ZipFile zip;
    private final UncompressedBudget budget;
    private final byte[] buffer = new byte[BUFFER];

    EntryReader(ZipFile zip, UncompressedBudget budget) {
        this.zip = zip;
        this.budget = budget;
    }

    Digest digest(ZipEntry entry) throws IOException, PacketRejectedException {
        MessageDigest sha = sha256();
        long size = stream(entry, Long.MAX_VALUE, (b, n) -> sha.update(b, 0, n));
        return new Digest(size, HexFormat.of().formatHex(sha.digest()));
    }

    /** The entry's bytes, or {@code null} if there are more than {@code limit} of them. */
    byte[] readAtMost(ZipEntry entry, int limit) throws IOException, PacketRejectedException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        long size = stream(entry, limit, (b, n) -> bytes.write(b, 0, n));
        return size > limit ? null : bytes.toByteArray();
    }

    private interface Sink {
        void accept(byte[] buffer, int length);
    }

    /**
     * Streams the entry into {@code sink}, stopping early once more than {@code stopAfter} bytes came.
     * Returns the bytes read (more than {@code stopAfter} when stopped early).
     */
    private long stream(ZipEntry entry, long stopAfter, Sink sink) throws IOException, PacketRejectedException {
        String name = entry.getName();
        CRC32 crc = new CRC32();
        long size = 0;
        try (InputStream in = zip.getInputStream(entry)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                budget.charge(n, name);
                crc.update(buffer, 0, n);
                sink.accept(buffer, n);
                size += n;
                if (size > stopAfter) {
                    return size;
                }
            }
        } catch (ZipException | EOFException e) {
            // Inflate errors, bad local headers, data cut short: the zip is damaged at this entry.
            throw new PacketRejectedException(RejectReason.CORRUPT_ZIP, "entry " + EntryNames.printable(name)
                    + " cannot be read: " + e.getMessage());
        }
        if (entry.getCrc() != -1 && crc.getValue() != entry.getCrc()) {
            throw new PacketRejectedException(RejectReason.CORRUPT_ZIP, String.format(
                    "entry %s is damaged: its CRC-32 is %08x, the zip says %08x",
                    EntryNames.printable(name), crc.getValue(), entry.getCrc()));
        }
        if (entry.getSize() != -1 && size != entry.getSize()) {
            throw new PacketRejectedException(RejectReason.CORRUPT_ZIP, "entry " + EntryNames.printable(name)
                    + " holds " + size + " bytes, the zip says " + entry.getSize());
        }
        return size;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
