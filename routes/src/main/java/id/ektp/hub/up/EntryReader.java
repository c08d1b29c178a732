package id.ektp.hub.up;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Reads zip entries through small buffers (64 KiB of compressed input, 64 KiB inflated), computing
 * size, CRC-32 and SHA-256 as the bytes go by and charging them to the packet's
 * {@link UncompressedBudget}: a 64 MiB packet needs 128 KiB of heap.
 *
 * <p>An entry's compressed data is exactly the bytes its headers give it ({@link ZipLayout}):
 * a deflate stream must end on its last byte, neither before (bytes no reader inflates) nor after
 * (data cut short). CRC-32 and size are checked against the headers: a mismatch means damaged data,
 * not a wrong manifest.
 */
final class EntryReader {

    private static final int BUFFER = 64 * 1024;

    /** Size and SHA-256 (lowercase hex) of an entry's uncompressed bytes. */
    record Digest(long size, String sha256) {}

    private final FileChannel zip;
    private final UncompressedBudget budget;
    private final ByteBuffer input = ByteBuffer.allocate(BUFFER);
    private final byte[] output = new byte[BUFFER];

    EntryReader(FileChannel zip, UncompressedBudget budget) {
        this.zip = zip;
        this.budget = budget;
    }

    Digest digest(ZipLayout.Entry entry) throws IOException, PacketRejectedException {
        MessageDigest sha = sha256();
        long size = stream(entry, Long.MAX_VALUE, (b, n) -> sha.update(b, 0, n));
        return new Digest(size, HexFormat.of().formatHex(sha.digest()));
    }

    /** The entry's bytes, or {@code null} if there are more than {@code limit} of them. */
    byte[] readAtMost(ZipLayout.Entry entry, int limit) throws IOException, PacketRejectedException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        long size = stream(entry, limit, (b, n) -> bytes.write(b, 0, n));
        return size > limit ? null : bytes.toByteArray();
    }

    private interface Sink {
        void accept(byte[] buffer, int length);
    }

    /** Where the bytes of one entry go, and how many came. */
    private final class Output {
        private final String name;
        private final long stopAfter;
        private final Sink sink;
        private final CRC32 crc = new CRC32();
        private long size;

        Output(String name, long stopAfter, Sink sink) {
            this.name = name;
            this.stopAfter = stopAfter;
            this.sink = sink;
        }

        /** False once more than {@code stopAfter} bytes came: the caller stops reading. */
        boolean take(byte[] bytes, int length) throws PacketRejectedException {
            budget.charge(length, name);
            crc.update(bytes, 0, length);
            sink.accept(bytes, length);
            size += length;
            return size <= stopAfter;
        }
    }

    /**
     * Streams the entry into {@code sink}, stopping early once more than {@code stopAfter} bytes came.
     * Returns the bytes read (more than {@code stopAfter} when stopped early).
     */
    private long stream(ZipLayout.Entry entry, long stopAfter, Sink sink) throws IOException, PacketRejectedException {
        Output out = new Output(entry.name(), stopAfter, sink);
        boolean whole = entry.method() == ZipLayout.STORED ? copy(entry, out) : inflate(entry, out);
        if (!whole) {
            return out.size;
        }
        String name = EntryNames.printable(entry.name());
        if (out.crc.getValue() != entry.crc()) {
            throw new PacketRejectedException(RejectReason.CORRUPT_ZIP, String.format(
                    "entry %s is damaged: its CRC-32 is %08x, the zip says %08x", name, out.crc.getValue(), entry.crc()));
        }
        if (out.size != entry.size()) {
            throw new PacketRejectedException(RejectReason.CORRUPT_ZIP, "entry " + name + " holds " + out.size
                    + " bytes, the zip says " + entry.size());
        }
        return out.size;
    }

    /** A stored entry's data is its content. False when stopped early. */
    private boolean copy(ZipLayout.Entry entry, Output out) throws IOException, PacketRejectedException {
        long position = entry.dataOffset();
        long end = position + entry.compressedSize();
        while (position < end) {
            int n = fill(position, end);
            position += n;
            if (!out.take(input.array(), n)) {
                return false;
            }
        }
        return true;
    }

    /** Inflates exactly the entry's compressed bytes. False when stopped early. */
    private boolean inflate(ZipLayout.Entry entry, Output out) throws IOException, PacketRejectedException {
        String name = EntryNames.printable(entry.name());
        long position = entry.dataOffset();
        long end = position + entry.compressedSize();
        Inflater inflater = new Inflater(true);
        try {
            while (!inflater.finished()) {
                if (inflater.needsInput()) {
                    if (position == end) {
                        throw new PacketRejectedException(RejectReason.CORRUPT_ZIP, "entry " + name + " cannot be read:"
                                + " its " + entry.compressedSize() + " compressed bytes end before its deflate stream does");
                    }
                    int n = fill(position, end);
                    position += n;
                    inflater.setInput(input.array(), 0, n);
                }
                int n = inflater.inflate(output);
                if (n > 0 && !out.take(output, n)) {
                    return false;
                }
                if (n == 0 && inflater.needsDictionary()) {
                    throw new PacketRejectedException(RejectReason.CORRUPT_ZIP, "entry " + name
                            + " cannot be read: its deflate stream asks for a preset dictionary");
                }
            }
            long unused = inflater.getRemaining() + (end - position);
            if (unused > 0) {
                throw new PacketRejectedException(RejectReason.AMBIGUOUS_ZIP, "the last " + unused + " of the "
                        + entry.compressedSize() + " compressed bytes of entry " + name + " (offset " + (end - unused)
                        + " to " + (end - 1) + ") follow the end of its deflate stream and belong to nothing");
            }
            return true;
        } catch (DataFormatException e) {
            throw new PacketRejectedException(RejectReason.CORRUPT_ZIP, "entry " + name + " cannot be read: "
                    + (e.getMessage() == null ? "invalid deflate data" : e.getMessage()));
        } finally {
            inflater.end();
        }
    }

    /** Reads the next compressed bytes into {@code input}: from {@code position}, never past {@code end}. */
    private int fill(long position, long end) throws IOException, PacketRejectedException {
        input.clear().limit((int) Math.min(BUFFER, end - position));
        int n = zip.read(input, position);
        if (n <= 0) {
            // ZipLayout checked that the data lies inside the file; the file changed under us.
            throw new PacketRejectedException(RejectReason.CORRUPT_ZIP, "the file ends at offset " + position
                    + ", inside an entry's data");
        }
        return n;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
