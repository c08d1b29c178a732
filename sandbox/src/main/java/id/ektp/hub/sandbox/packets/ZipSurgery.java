package id.ektp.hub.sandbox.packets;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Edits a finished zip in place, for the defects {@link java.util.zip.ZipOutputStream} refuses to
 * make (two entries of one name) or cannot make (damaged entry data). Works on the file through its
 * central directory, so the zip never has to be read into memory. Plain zips only (no zip64), which
 * is all the factory writes.
 */
final class ZipSurgery {

    private static final int END_SIGNATURE = 0x06054b50;
    private static final int CENTRAL_SIGNATURE = 0x02014b50;
    private static final int END_RECORD_SIZE = 22;
    private static final int LOCAL_HEADER_SIZE = 30;

    private ZipSurgery() {}

    /** Renames entry {@code from} to {@code to} (same length in UTF-8) in both its headers. */
    static void renameEntry(Path zip, String from, String to) throws IOException {
        byte[] oldName = from.getBytes(StandardCharsets.UTF_8);
        byte[] newName = to.getBytes(StandardCharsets.UTF_8);
        if (oldName.length != newName.length) {
            throw new IllegalArgumentException("names must be of equal length: " + from + ", " + to);
        }
        try (FileChannel channel = FileChannel.open(zip, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            CentralEntry entry = find(channel, oldName);
            channel.write(ByteBuffer.wrap(newName), entry.centralNameOffset);
            channel.write(ByteBuffer.wrap(newName), entry.localHeaderOffset + LOCAL_HEADER_SIZE);
        }
    }

    /** Overwrites the first byte of entry {@code name}'s (compressed) data. */
    static void overwriteFirstDataByte(Path zip, String name, byte value) throws IOException {
        try (FileChannel channel = FileChannel.open(zip, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            CentralEntry entry = find(channel, name.getBytes(StandardCharsets.UTF_8));
            ByteBuffer local = read(channel, entry.localHeaderOffset, LOCAL_HEADER_SIZE);
            int nameLength = Short.toUnsignedInt(local.getShort(26));
            int extraLength = Short.toUnsignedInt(local.getShort(28));
            long dataOffset = entry.localHeaderOffset + LOCAL_HEADER_SIZE + nameLength + extraLength;
            channel.write(ByteBuffer.wrap(new byte[] {value}), dataOffset);
        }
    }

    private record CentralEntry(long centralNameOffset, long localHeaderOffset) {}

    private static CentralEntry find(FileChannel channel, byte[] name) throws IOException {
        ByteBuffer end = read(channel, channel.size() - END_RECORD_SIZE, END_RECORD_SIZE);
        // The factory writes no zip comment, so the end record is the last 22 bytes.
        if (end.getInt(0) != END_SIGNATURE) {
            throw new IOException("no end of central directory record at the end of the zip");
        }
        int count = Short.toUnsignedInt(end.getShort(10));
        long centralSize = Integer.toUnsignedLong(end.getInt(12));
        long centralOffset = Integer.toUnsignedLong(end.getInt(16));
        ByteBuffer central = read(channel, centralOffset, (int) centralSize);
        int at = 0;
        for (int i = 0; i < count; i++) {
            if (central.getInt(at) != CENTRAL_SIGNATURE) {
                throw new IOException("bad central directory header at " + (centralOffset + at));
            }
            int nameLength = Short.toUnsignedInt(central.getShort(at + 28));
            int extraLength = Short.toUnsignedInt(central.getShort(at + 30));
            int commentLength = Short.toUnsignedInt(central.getShort(at + 32));
            long localOffset = Integer.toUnsignedLong(central.getInt(at + 42));
            byte[] entryName = new byte[nameLength];
            central.get(at + 46, entryName);
            if (java.util.Arrays.equals(entryName, name)) {
                return new CentralEntry(centralOffset + at + 46, localOffset);
            }
            at += 46 + nameLength + extraLength + commentLength;
        }
        throw new IOException("no entry " + new String(name, StandardCharsets.UTF_8) + " in the zip");
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
