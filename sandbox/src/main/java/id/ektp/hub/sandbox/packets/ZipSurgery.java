package id.ektp.hub.sandbox.packets;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongUnaryOperator;
import java.util.zip.CRC32;

/**
 * Edits a finished zip in place, for the defects {@link java.util.zip.ZipOutputStream} refuses to
 * make (two entries of one name) or cannot make (damaged entry data, bytes outside the entries,
 * headers that disagree). Works on the file through its central directory and streams any copy, so
 * the zip never has to be read into memory. Plain zips without a comment only (no zip64), which is
 * all the factory writes.
 */
final class ZipSurgery {

    private static final int END_SIGNATURE = 0x06054b50;
    private static final int CENTRAL_SIGNATURE = 0x02014b50;
    private static final int LOCAL_SIGNATURE = 0x04034b50;
    private static final int DESCRIPTOR_SIGNATURE = 0x08074b50;
    private static final int END_RECORD_SIZE = 22;
    private static final int LOCAL_HEADER_SIZE = 30;
    private static final int CENTRAL_HEADER_SIZE = 46;

    /** Fields of a local header, by their offset in it (APPNOTE 4.3.7). */
    enum LocalField {
        FLAGS(6, 2), METHOD(8, 2), CRC(14, 4), COMPRESSED_SIZE(18, 4), SIZE(22, 4);

        final int offset;
        final int width;

        LocalField(int offset, int width) {
            this.offset = offset;
            this.width = width;
        }
    }

    private ZipSurgery() {}

    /** Renames entry {@code from} to {@code to} (same length in UTF-8) in both its headers. */
    static void renameEntry(Path zip, String from, String to) throws IOException {
        rename(zip, from, to, true);
    }

    /** Renames entry {@code from} to {@code to} (same length) in its local header only. */
    static void renameLocalHeader(Path zip, String from, String to) throws IOException {
        rename(zip, from, to, false);
    }

    private static void rename(Path zip, String from, String to, boolean central) throws IOException {
        byte[] oldName = from.getBytes(StandardCharsets.UTF_8);
        byte[] newName = to.getBytes(StandardCharsets.UTF_8);
        if (oldName.length != newName.length) {
            throw new IllegalArgumentException("names must be of equal length: " + from + ", " + to);
        }
        try (FileChannel channel = FileChannel.open(zip, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            CentralEntry entry = find(channel, from);
            if (central) {
                channel.write(ByteBuffer.wrap(newName), entry.headerOffset + CENTRAL_HEADER_SIZE);
            }
            channel.write(ByteBuffer.wrap(newName), entry.localHeaderOffset + LOCAL_HEADER_SIZE);
        }
    }

    /** Overwrites the first byte of entry {@code name}'s (compressed) data. */
    static void overwriteFirstDataByte(Path zip, String name, byte value) throws IOException {
        try (FileChannel channel = FileChannel.open(zip, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(new byte[] {value}), dataOffset(channel, find(channel, name)));
        }
    }

    /** Replaces a field of entry {@code name}'s local header with {@code change} applied to it. */
    static void editLocalHeader(Path zip, String name, LocalField field, LongUnaryOperator change)
            throws IOException {
        try (FileChannel channel = FileChannel.open(zip, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long at = find(channel, name).localHeaderOffset + field.offset;
            writeField(channel, at, field.width, change.applyAsLong(readField(channel, at, field.width)));
        }
    }

    /** Sets {@code bits} in entry {@code name}'s flags, in both its headers. */
    static void setFlags(Path zip, String name, int bits) throws IOException {
        try (FileChannel channel = FileChannel.open(zip, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            CentralEntry entry = find(channel, name);
            for (long at : new long[] {entry.headerOffset + 8, entry.localHeaderOffset + LocalField.FLAGS.offset}) {
                writeField(channel, at, 2, readField(channel, at, 2) | bits);
            }
        }
    }

    /** XORs the CRC-32 in the data descriptor after entry {@code name}'s data with {@code bits}. */
    static void flipDescriptorCrc(Path zip, String name, int bits) throws IOException {
        try (FileChannel channel = FileChannel.open(zip, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            CentralEntry entry = find(channel, name);
            long at = dataOffset(channel, entry) + entry.compressedSize;
            if (readField(channel, at, 4) == DESCRIPTOR_SIGNATURE) {
                at += 4;
            }
            writeField(channel, at, 4, readField(channel, at, 4) ^ bits);
        }
    }

    /** Where entry {@code name}'s local header starts. */
    static long localHeaderOffset(Path zip, String name) throws IOException {
        try (FileChannel channel = FileChannel.open(zip, StandardOpenOption.READ)) {
            return find(channel, name).localHeaderOffset;
        }
    }

    /**
     * Puts {@code bytes} into the zip at {@code at}. With {@code keepOffsets} every header offset
     * after {@code at} moves with the bytes (the zip still reads; the bytes are extra), without it
     * none does (what {@code cat stub zip > x} makes).
     */
    static void insert(Path zip, long at, byte[] bytes, boolean keepOffsets) throws IOException {
        Path copy = zip.resolveSibling(zip.getFileName() + ".surgery");
        try (InputStream in = Files.newInputStream(zip); OutputStream out = Files.newOutputStream(copy)) {
            transfer(in, out, at);
            out.write(bytes);
            in.transferTo(out);
        }
        Files.move(copy, zip, StandardCopyOption.REPLACE_EXISTING);
        if (keepOffsets) {
            shiftOffsets(zip, at, bytes.length);
        }
    }

    /**
     * Adds {@code bytes} to the end of entry {@code name}'s compressed data, its sizes in the
     * central directory and the data descriptor grown to cover them (a deflated entry with a
     * descriptor, as the factory writes them).
     */
    static void growCompressedData(Path zip, String name, byte[] bytes) throws IOException {
        long dataEnd;
        try (FileChannel channel = FileChannel.open(zip, StandardOpenOption.READ)) {
            CentralEntry entry = find(channel, name);
            dataEnd = dataOffset(channel, entry) + entry.compressedSize;
        }
        insert(zip, dataEnd, bytes, true);
        try (FileChannel channel = FileChannel.open(zip, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            CentralEntry entry = find(channel, name);
            writeField(channel, entry.headerOffset + 20, 4, entry.compressedSize + bytes.length);
            long descriptor = dataEnd + bytes.length;
            if (readField(channel, descriptor, 4) == DESCRIPTOR_SIGNATURE) {
                descriptor += 4;
            }
            writeField(channel, descriptor + 4, 4, entry.compressedSize + bytes.length);
        }
    }

    /** A whole stored local entry (header and data) that no central directory lists. */
    static byte[] localEntry(String name, byte[] data) {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        CRC32 crc = new CRC32();
        crc.update(data);
        ByteBuffer entry = ByteBuffer.allocate(LOCAL_HEADER_SIZE + nameBytes.length + data.length)
                .order(ByteOrder.LITTLE_ENDIAN);
        entry.putInt(LOCAL_SIGNATURE).putShort((short) 10).putShort((short) 0x0800).putShort((short) 0)
                .putShort((short) 0).putShort((short) 0x21).putInt((int) crc.getValue())
                .putInt(data.length).putInt(data.length).putShort((short) nameBytes.length).putShort((short) 0)
                .put(nameBytes).put(data);
        return entry.array();
    }

    /** Appends {@code bytes} after the end record. */
    static void append(Path zip, byte[] bytes) throws IOException {
        Files.write(zip, bytes, StandardOpenOption.APPEND);
    }

    /** Replaces the end record's "number of this disk" (0 in a zip of one file). */
    static void setDiskNumber(Path zip, int disk) throws IOException {
        try (FileChannel channel = FileChannel.open(zip, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            writeField(channel, channel.size() - END_RECORD_SIZE + 4, 2, disk);
        }
    }

    /**
     * Gives the zip a comment that is itself an end record, a copy of the real one: a reader that
     * looks for the last end record and one that checks the comment's length find different ones.
     */
    static void hideEndRecordInComment(Path zip) throws IOException {
        try (FileChannel channel = FileChannel.open(zip, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer end = read(channel, channel.size() - END_RECORD_SIZE, END_RECORD_SIZE);
            if (end.getInt(0) != END_SIGNATURE || end.getShort(20) != 0) {
                throw new IOException("expected an end record without a comment at the end of the zip");
            }
            byte[] copy = Arrays.copyOf(end.array(), END_RECORD_SIZE);
            writeField(channel, channel.size() - 2, 2, END_RECORD_SIZE);
            channel.write(ByteBuffer.wrap(copy), channel.size());
        }
    }

    /**
     * Turns the end of the zip into zip64 form, as a writer does for more than 65,535 entries or
     * 4 GiB: a zip64 end record and its locator before an end record whose fields say "see zip64".
     */
    static void toZip64(Path zip) throws IOException {
        try (FileChannel channel = FileChannel.open(zip, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long endAt = channel.size() - END_RECORD_SIZE;
            ByteBuffer end = read(channel, endAt, END_RECORD_SIZE);
            long entries = Short.toUnsignedLong(end.getShort(10));
            long centralSize = Integer.toUnsignedLong(end.getInt(12));
            long centralOffset = Integer.toUnsignedLong(end.getInt(16));
            ByteBuffer tail = ByteBuffer.allocate(56 + 20 + END_RECORD_SIZE).order(ByteOrder.LITTLE_ENDIAN);
            tail.putInt(0x06064b50).putLong(44).putShort((short) 45).putShort((short) 45).putInt(0).putInt(0)
                    .putLong(entries).putLong(entries).putLong(centralSize).putLong(centralOffset);
            tail.putInt(0x07064b50).putInt(0).putLong(endAt).putInt(1);
            tail.putInt(END_SIGNATURE).putShort((short) 0).putShort((short) 0).putShort((short) 0xFFFF)
                    .putShort((short) 0xFFFF).putInt(-1).putInt(-1).putShort((short) 0);
            channel.truncate(endAt);
            channel.write(tail.flip(), endAt);
        }
    }

    private record CentralEntry(long headerOffset, long localHeaderOffset, long compressedSize) {}

    private static CentralEntry find(FileChannel channel, String name) throws IOException {
        byte[] wanted = name.getBytes(StandardCharsets.UTF_8);
        for (CentralEntry entry : central(channel)) {
            ByteBuffer header = read(channel, entry.headerOffset, CENTRAL_HEADER_SIZE);
            int nameLength = Short.toUnsignedInt(header.getShort(28));
            if (Arrays.equals(read(channel, entry.headerOffset + CENTRAL_HEADER_SIZE, nameLength).array(), wanted)) {
                return entry;
            }
        }
        throw new IOException("no entry " + name + " in the zip");
    }

    /** Every central directory entry, in order. */
    private static List<CentralEntry> central(FileChannel channel) throws IOException {
        ByteBuffer end = read(channel, channel.size() - END_RECORD_SIZE, END_RECORD_SIZE);
        // The factory writes no zip comment, so the end record is the last 22 bytes.
        if (end.getInt(0) != END_SIGNATURE) {
            throw new IOException("no end of central directory record at the end of the zip");
        }
        int count = Short.toUnsignedInt(end.getShort(10));
        long at = Integer.toUnsignedLong(end.getInt(16));
        List<CentralEntry> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ByteBuffer header = read(channel, at, CENTRAL_HEADER_SIZE);
            if (header.getInt(0) != CENTRAL_SIGNATURE) {
                throw new IOException("bad central directory header at " + at);
            }
            entries.add(new CentralEntry(at, Integer.toUnsignedLong(header.getInt(42)),
                    Integer.toUnsignedLong(header.getInt(20))));
            at += CENTRAL_HEADER_SIZE + Short.toUnsignedInt(header.getShort(28))
                    + Short.toUnsignedInt(header.getShort(30)) + Short.toUnsignedInt(header.getShort(32));
        }
        return entries;
    }

    /** Moves every header offset at or past {@code from} by {@code by} bytes. */
    private static void shiftOffsets(Path zip, long from, int by) throws IOException {
        try (FileChannel channel = FileChannel.open(zip, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long endAt = channel.size() - END_RECORD_SIZE;
            long centralOffset = readField(channel, endAt + 16, 4);
            if (centralOffset >= from) {
                writeField(channel, endAt + 16, 4, centralOffset + by);
            }
            for (CentralEntry entry : central(channel)) {
                if (entry.localHeaderOffset >= from) {
                    writeField(channel, entry.headerOffset + 42, 4, entry.localHeaderOffset + by);
                }
            }
        }
    }

    private static long dataOffset(FileChannel channel, CentralEntry entry) throws IOException {
        ByteBuffer local = read(channel, entry.localHeaderOffset, LOCAL_HEADER_SIZE);
        int nameLength = Short.toUnsignedInt(local.getShort(26));
        int extraLength = Short.toUnsignedInt(local.getShort(28));
        return entry.localHeaderOffset + LOCAL_HEADER_SIZE + nameLength + extraLength;
    }

    private static long readField(FileChannel channel, long at, int width) throws IOException {
        ByteBuffer field = read(channel, at, width);
        return width == 2 ? Short.toUnsignedLong(field.getShort(0)) : Integer.toUnsignedLong(field.getInt(0));
    }

    private static void writeField(FileChannel channel, long at, int width, long value) throws IOException {
        ByteBuffer field = ByteBuffer.allocate(width).order(ByteOrder.LITTLE_ENDIAN);
        if (width == 2) {
            field.putShort((short) value);
        } else {
            field.putInt((int) value);
        }
        channel.write(field.flip(), at);
    }

    private static void transfer(InputStream in, OutputStream out, long count) throws IOException {
        byte[] buffer = new byte[ContentSource.CHUNK];
        for (long left = count; left > 0; ) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                throw new IOException("the zip ends before byte " + count);
            }
            out.write(buffer, 0, n);
            left -= n;
        }
    }

    private static ByteBuffer read(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new IOException("zip ends before byte " + (position + length));
            }
        }
        return buffer.flip();
    }
}
