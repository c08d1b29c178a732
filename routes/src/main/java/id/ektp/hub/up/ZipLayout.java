package id.ektp.hub.up;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The structure of a packet's zip, read from its bytes (APPNOTE 6.3) rather than through
 * {@link java.util.zip.ZipFile}, which reads only the central directory and skips whatever lies
 * around the entries. The hub forwards packets byte-identical, and the ministry may read them
 * another way (streaming the local headers front to back), so every byte must be accounted for
 * and every reading must find the same entries: the local entries must follow each other from
 * byte 0 with no gap, each matching its central-directory entry (name, method, flags, CRC,
 * sizes), then the central directory, then its end record, whose comment (if any) ends the file.
 * Whether each entry's compressed data fills exactly its size is checked when it is read
 * ({@link EntryReader}).
 *
 * <p>Features no packet needs are refused rather than half-supported: zip64 (packets are far below
 * 4 GiB), several disks, encryption, compression other than stored and deflated. Headers are read
 * one at a time; no more than 64 KiB (the end record's search window) is ever held.
 */
final class ZipLayout {

    private static final int LOCAL_SIGNATURE = 0x04034b50;
    private static final int CENTRAL_SIGNATURE = 0x02014b50;
    private static final int END_SIGNATURE = 0x06054b50;
    private static final int ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
    private static final int DESCRIPTOR_SIGNATURE = 0x08074b50;
    private static final int LOCAL_HEADER = 30;
    private static final int CENTRAL_HEADER = 46;
    private static final int END_RECORD = 22;
    private static final int MAX_COMMENT = 0xFFFF;
    private static final int ZIP64_EXTRA = 0x0001;
    /** Info-ZIP Unicode Path: a second name that some readers show instead of the header's. */
    private static final int UNICODE_PATH_EXTRA = 0x7075;

    static final int STORED = 0;
    static final int DEFLATED = 8;
    private static final int ENCRYPTED = 1;
    private static final int HAS_DESCRIPTOR = 1 << 3;
    private static final int STRONG_ENCRYPTION = 1 << 6;
    private static final int UTF8_NAMES = 1 << 11;
    private static final int MASKED_HEADERS = 1 << 13;
    /** Deflate's speed options (bits 1, 2), the data descriptor, UTF-8 names: all packets may use. */
    private static final int KNOWN_FLAGS = 0b110 | HAS_DESCRIPTOR | UTF8_NAMES;
    private static final int UNIX_HOST = 3;
    private static final int UNIX_TYPE_MASK = 0xF000;
    private static final int UNIX_SYMLINK = 0xA000;

    /** The end record: how many entries the central directory holds, and where it is. */
    record End(long offset, int entries, long centralOffset, long centralSize) {}

    /**
     * One entry as both its headers say it is.
     *
     * @param dataOffset where its compressed data starts, after the local header
     */
    record Entry(String name, int method, long crc, long compressedSize, long size, long dataOffset) {}

    /** What the central directory says of one entry, to be checked against its local header. */
    private record Central(String name, byte[] nameBytes, int flags, int method, long crc, long compressedSize,
                           long size, long headerOffset) {
        String shown() {
            return EntryNames.printable(name);
        }

        boolean hasDescriptor() {
            return (flags & HAS_DESCRIPTOR) != 0;
        }
    }

    private final FileChannel zip;
    private final long fileSize;

    private ZipLayout(FileChannel zip) throws IOException {
        this.zip = zip;
        this.fileSize = zip.size();
    }

    /** Finds and checks the end record: the cheap first look, before any header is read. */
    static End end(FileChannel zip) throws IOException, PacketRejectedException {
        return new ZipLayout(zip).findEnd();
    }

    /** Every entry of the central directory, in its order, once the whole layout is checked. */
    static List<Entry> entries(FileChannel zip, End end) throws IOException, PacketRejectedException {
        ZipLayout layout = new ZipLayout(zip);
        return layout.matchLocalHeaders(layout.centralDirectory(end), end);
    }

    // ---- the end record ------------------------------------------------------------------------

    private End findEnd() throws IOException, PacketRejectedException {
        if (fileSize < END_RECORD) {
            throw notAZip(fileSize + " bytes, fewer than a zip's end record");
        }
        // The end record is the last signature in the file: its comment may be up to 64 KiB.
        int window = (int) Math.min(fileSize, END_RECORD + MAX_COMMENT);
        long windowStart = fileSize - window;
        ByteBuffer tail = read(windowStart, window);
        int at = -1;
        for (int i = window - END_RECORD; i >= 0 && at < 0; i--) {
            if (tail.getInt(i) == END_SIGNATURE) {
                at = i;
            }
        }
        if (at < 0) {
            throw notAZip("no end-of-central-directory record");
        }
        long offset = windowStart + at;
        int disk = u16(tail, at + 4);
        int centralDisk = u16(tail, at + 6);
        int entriesHere = u16(tail, at + 8);
        int entries = u16(tail, at + 10);
        long centralSize = u32(tail, at + 12);
        long centralOffset = u32(tail, at + 16);
        long recordEnd = offset + END_RECORD + u16(tail, at + 20);
        if (recordEnd > fileSize) {
            throw notAZip("its end record at offset " + offset + " announces a comment running "
                    + (recordEnd - fileSize) + " bytes past the end of the file");
        }
        if (recordEnd < fileSize) {
            throw ambiguous((fileSize - recordEnd) + " bytes after the zip's end record (offset " + recordEnd
                    + " to " + (fileSize - 1) + ") belong to no entry");
        }
        if (entries == 0xFFFF || centralSize == 0xFFFFFFFFL || centralOffset == 0xFFFFFFFFL
                || (offset >= 20 && read(offset - 20, 4).getInt(0) == ZIP64_LOCATOR_SIGNATURE)) {
            throw unsupported("the zip has zip64 end records (before offset " + offset
                    + "); packets are far below 4 GiB and never need them");
        }
        if (disk != 0 || centralDisk != 0 || entriesHere != entries) {
            throw unsupported("the zip's end record (offset " + offset + ") says it spans several disks"
                    + " (disk " + disk + ", central directory on disk " + centralDisk + "); a packet is one file");
        }
        return new End(offset, entries, centralOffset, centralSize);
    }

    // ---- the central directory -----------------------------------------------------------------

    private List<Central> centralDirectory(End end) throws IOException, PacketRejectedException {
        long centralEnd = end.centralOffset() + end.centralSize();
        if (centralEnd > end.offset()) {
            throw corrupt("its central directory (offset " + end.centralOffset() + ", " + end.centralSize()
                    + " bytes) runs past its end record at offset " + end.offset());
        }
        if (centralEnd < end.offset()) {
            throw gapBeforeEnd(end, centralEnd);
        }
        List<Central> entries = new ArrayList<>(end.entries());
        long at = end.centralOffset();
        for (int i = 0; i < end.entries(); i++) {
            if (at + CENTRAL_HEADER > centralEnd) {
                throw corrupt("its central directory ends (offset " + centralEnd + ") before entry " + (i + 1)
                        + " of the " + end.entries() + " its end record counts");
            }
            ByteBuffer header = read(at, CENTRAL_HEADER);
            if (header.getInt(0) != CENTRAL_SIGNATURE) {
                throw corrupt("its central directory has no entry header at offset " + at);
            }
            int nameLength = u16(header, 28);
            int extraLength = u16(header, 30);
            int commentLength = u16(header, 32);
            long next = at + CENTRAL_HEADER + nameLength + extraLength + commentLength;
            if (next > centralEnd) {
                throw corrupt("central directory entry " + (i + 1) + " (offset " + at
                        + ") runs past the end of the central directory");
            }
            byte[] nameBytes = bytes(at + CENTRAL_HEADER, nameLength);
            int flags = u16(header, 8);
            String name = name(nameBytes, flags, at);
            String shown = EntryNames.printable(name);
            int method = u16(header, 10);
            long crc = u32(header, 16);
            long compressedSize = u32(header, 20);
            long size = u32(header, 24);
            long headerOffset = u32(header, 42);
            checkFeatures(shown, flags, method);
            if (compressedSize == 0xFFFFFFFFL || size == 0xFFFFFFFFL || headerOffset == 0xFFFFFFFFL) {
                throw unsupported("entry " + shown + " has zip64 sizes; packets are far below 4 GiB and never need them");
            }
            if (u16(header, 34) != 0) {
                throw unsupported("entry " + shown + " starts on another disk; a packet is one file");
            }
            checkExtra(bytes(at + CENTRAL_HEADER + nameLength, extraLength), shown, "central directory entry", at);
            int host = u16(header, 4) >>> 8;
            long unixMode = u32(header, 38) >>> 16;
            if (host == UNIX_HOST && (unixMode & UNIX_TYPE_MASK) == UNIX_SYMLINK) {
                throw unsupported("entry " + shown + " is a symbolic link; a packet holds plain files only");
            }
            if (method == STORED && (flags & HAS_DESCRIPTOR) != 0) {
                throw ambiguous("entry " + shown + " is stored with a data descriptor: a reader that streams"
                        + " the zip cannot tell where its data ends");
            }
            if (method == STORED && compressedSize != size) {
                throw corrupt("entry " + shown + " is stored, but its compressed size (" + compressedSize
                        + ") differs from its size (" + size + ")");
            }
            entries.add(new Central(name, nameBytes, flags, method, crc, compressedSize, size, headerOffset));
            at = next;
        }
        if (at < centralEnd) {
            throw ambiguous("bytes " + at + " to " + (centralEnd - 1) + " of the central directory follow its last"
                    + " entry (" + end.entries() + " counted by the end record) and belong to no entry");
        }
        return entries;
    }

    private void checkFeatures(String shown, int flags, int method) throws PacketRejectedException {
        if ((flags & (ENCRYPTED | STRONG_ENCRYPTION | MASKED_HEADERS)) != 0) {
            throw unsupported("entry " + shown + " is encrypted");
        }
        if ((flags & ~KNOWN_FLAGS) != 0) {
            throw unsupported(String.format("entry %s has zip flags 0x%04X, which packets never need", shown, flags));
        }
        if (method != STORED && method != DEFLATED) {
            throw unsupported("entry " + shown + " is compressed with method " + method
                    + "; packets use only stored (0) and deflated (8)");
        }
    }

    /** Extra fields are id, length, data, back to back; zip64 and second names are refused. */
    private static void checkExtra(byte[] extra, String shown, String where, long headerOffset)
            throws PacketRejectedException {
        ByteBuffer fields = ByteBuffer.wrap(extra).order(ByteOrder.LITTLE_ENDIAN);
        int at = 0;
        while (at < extra.length) {
            if (at + 4 > extra.length || at + 4 + u16(fields, at + 2) > extra.length) {
                throw corrupt("the extra field of entry " + shown + "'s " + where + " (offset " + headerOffset
                        + ") is damaged: its last field runs past its length");
            }
            int id = u16(fields, at);
            if (id == ZIP64_EXTRA) {
                throw unsupported("entry " + shown + " has zip64 sizes; packets are far below 4 GiB and never need them");
            }
            if (id == UNICODE_PATH_EXTRA) {
                throw ambiguous("entry " + shown + "'s " + where + " (offset " + headerOffset + ") carries a second"
                        + " name (an Info-ZIP Unicode Path extra field), which some readers show instead of its own");
            }
            at += 4 + u16(fields, at + 2);
        }
    }

    /** UTF-8, strictly; a name outside ASCII must say it is UTF-8, or readers decode it differently. */
    private static String name(byte[] bytes, int flags, long headerOffset) throws PacketRejectedException {
        boolean ascii = true;
        for (byte b : bytes) {
            ascii &= b >= 0;
        }
        if (!ascii && (flags & UTF8_NAMES) == 0) {
            throw ambiguous("the name of the central directory entry at offset " + headerOffset
                    + " is not ASCII and not marked as UTF-8: readers would decode it differently");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new PacketRejectedException(RejectReason.UNSAFE_ENTRY_NAME, "the name of the central directory"
                    + " entry at offset " + headerOffset + " is not valid UTF-8");
        }
    }

    // ---- local headers, in file order ----------------------------------------------------------

    private List<Entry> matchLocalHeaders(List<Central> central, End end) throws IOException, PacketRejectedException {
        List<Central> inFileOrder = new ArrayList<>(central);
        inFileOrder.sort(Comparator.comparingLong(Central::headerOffset));
        Map<Central, Entry> located = new IdentityHashMap<>();
        long expected = 0;
        Central previous = null;
        for (Central entry : inFileOrder) {
            if (entry.headerOffset() > expected) {
                throw gap(expected, entry.headerOffset(), previous, entry);
            }
            if (entry.headerOffset() < expected) {
                throw ambiguous("entry " + entry.shown() + "'s local header (offset " + entry.headerOffset()
                        + ") lies inside entry " + previous.shown() + ", which ends at offset " + (expected - 1));
            }
            Entry local = local(entry, end);
            located.put(entry, local);
            expected = local.dataOffset() + local.compressedSize() + descriptorLength(entry, local, end);
            previous = entry;
        }
        if (expected < end.centralOffset()) {
            throw gap(expected, end.centralOffset(), previous, null);
        }
        return central.stream().map(located::get).toList();
    }

    /** Reads the local header of {@code entry} and checks that it says what the central directory says. */
    private Entry local(Central entry, End end) throws IOException, PacketRejectedException {
        long at = entry.headerOffset();
        if (at + LOCAL_HEADER > end.centralOffset()) {
            throw corrupt("entry " + entry.shown() + "'s local header (offset " + at + ") runs into the central directory");
        }
        ByteBuffer header = read(at, LOCAL_HEADER);
        if (header.getInt(0) != LOCAL_SIGNATURE) {
            throw corrupt("the central directory places entry " + entry.shown() + " at offset " + at
                    + ", where there is no local header");
        }
        String where = "entry " + entry.shown() + "'s local header (offset " + at + ")";
        int flags = u16(header, 6);
        if (flags != entry.flags()) {
            throw ambiguous(String.format("%s has flags 0x%04X, its central directory entry 0x%04X",
                    where, flags, entry.flags()));
        }
        int method = u16(header, 8);
        if (method != entry.method()) {
            throw ambiguous(where + " says compression method " + method + ", its central directory entry "
                    + entry.method());
        }
        int nameLength = u16(header, 26);
        int extraLength = u16(header, 28);
        // First the extra field: zip64 sizes there would make the header's own sizes look wrong.
        checkExtra(bytes(at + LOCAL_HEADER + nameLength, extraLength), entry.shown(), "local header", at);
        checkLocalValue(where, "CRC-32", u32(header, 14), entry.crc(), entry.hasDescriptor());
        checkLocalValue(where, "compressed size", u32(header, 18), entry.compressedSize(), entry.hasDescriptor());
        checkLocalValue(where, "size", u32(header, 22), entry.size(), entry.hasDescriptor());
        long dataOffset = at + LOCAL_HEADER + nameLength + extraLength;
        if (dataOffset + entry.compressedSize() > end.centralOffset()) {
            throw corrupt("the data of entry " + entry.shown() + " (" + entry.compressedSize() + " bytes after its"
                    + " local header at offset " + at + ") runs into the central directory at offset "
                    + end.centralOffset());
        }
        byte[] localName = bytes(at + LOCAL_HEADER, nameLength);
        if (!Arrays.equals(localName, entry.nameBytes())) {
            throw ambiguous(where + " names it " + EntryNames.printable(new String(localName, StandardCharsets.UTF_8))
                    + ": a reader that streams the zip would see that name");
        }
        return new Entry(entry.name(), entry.method(), entry.crc(), entry.compressedSize(), entry.size(), dataOffset);
    }

    private static void checkLocalValue(String where, String what, long local, long central, boolean descriptor)
            throws PacketRejectedException {
        // With a data descriptor the local header may leave the value 0 (it was not known yet).
        if (local != central && !(descriptor && local == 0)) {
            throw ambiguous(String.format("%s says %s %s, its central directory entry %s", where, what,
                    hexOrDecimal(what, local), hexOrDecimal(what, central)));
        }
    }

    private static String hexOrDecimal(String what, long value) {
        return what.startsWith("CRC") ? String.format("%08x", value) : Long.toString(value);
    }

    /** The 12 or 16 bytes after the data that repeat CRC and sizes; 0 when the entry has none. */
    private int descriptorLength(Central entry, Entry local, End end) throws IOException, PacketRejectedException {
        if (!entry.hasDescriptor()) {
            return 0;
        }
        long at = local.dataOffset() + local.compressedSize();
        long room = end.centralOffset() - at;
        if (room >= 16) {
            ByteBuffer withSignature = read(at, 16);
            if (withSignature.getInt(0) == DESCRIPTOR_SIGNATURE && describes(withSignature, 4, local)) {
                return 16;
            }
        }
        if (room >= 12 && describes(read(at, 12), 0, local)) {
            return 12;
        }
        throw ambiguous("the data descriptor of entry " + entry.shown() + " (offset " + at + ") does not repeat the"
                + " CRC-32 and sizes of its central directory entry");
    }

    private static boolean describes(ByteBuffer descriptor, int from, Entry entry) {
        return u32(descriptor, from) == entry.crc() && u32(descriptor, from + 4) == entry.compressedSize()
                && u32(descriptor, from + 8) == entry.size();
    }

    private PacketRejectedException gapBeforeEnd(End end, long centralEnd) throws IOException, PacketRejectedException {
        if (read(centralEnd, 4).getInt(0) == END_SIGNATURE) {
            return ambiguous("the zip has two end records (offsets " + centralEnd + " and " + end.offset()
                    + "): readers could take either");
        }
        long shift = end.offset() - end.centralSize() - end.centralOffset();
        if (end.centralSize() > 0 && read(end.offset() - end.centralSize(), 4).getInt(0) == CENTRAL_SIGNATURE) {
            // The central directory sits right before the end record, but every offset is short by
            // the same amount: something was put in front of the zip (a script, another file).
            return ambiguous(shift + " bytes before the first entry (offset 0 to " + (shift - 1) + ") belong to no"
                    + " entry: something was put in front of the zip");
        }
        return ambiguous("bytes " + centralEnd + " to " + (end.offset() - 1) + " between the central directory and"
                + " its end record belong to no entry");
    }

    private PacketRejectedException gap(long from, long to, Central before, Central after)
            throws IOException, PacketRejectedException {
        if (to - from >= LOCAL_HEADER && read(from, 4).getInt(0) == LOCAL_SIGNATURE) {
            ByteBuffer header = read(from, LOCAL_HEADER);
            int nameLength = (int) Math.min(u16(header, 26), to - from - LOCAL_HEADER);
            String name = new String(bytes(from + LOCAL_HEADER, nameLength), StandardCharsets.UTF_8);
            return ambiguous("a local entry " + EntryNames.printable(name) + " at offset " + from
                    + " is not in the central directory: a reader that streams the zip would see it");
        }
        String between = before == null ? "before the first entry"
                : after == null ? "after the last entry " + before.shown()
                : "between entries " + before.shown() + " and " + after.shown();
        return ambiguous((to - from) + " bytes " + between + " (offset " + from + " to " + (to - 1)
                + ") belong to no entry");
    }

    // ---- reading ---------------------------------------------------------------------------------

    /** Headers only: at most 64 KiB, and the structure checks keep every read inside the file. */
    private ByteBuffer read(long position, int length) throws IOException, PacketRejectedException {
        ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (buffer.hasRemaining()) {
            if (zip.read(buffer, position + buffer.position()) < 0) {
                throw corrupt("the file ends at offset " + (position + buffer.position()) + ", inside a header");
            }
        }
        return buffer.flip();
    }

    private byte[] bytes(long position, int length) throws IOException, PacketRejectedException {
        return read(position, length).array();
    }

    private static int u16(ByteBuffer buffer, int index) {
        return Short.toUnsignedInt(buffer.getShort(index));
    }

    private static long u32(ByteBuffer buffer, int index) {
        return Integer.toUnsignedLong(buffer.getInt(index));
    }

    private static PacketRejectedException notAZip(String why) {
        return new PacketRejectedException(RejectReason.CORRUPT_ZIP, "the file is not a readable zip (" + why + ")");
    }

    private static PacketRejectedException corrupt(String why) {
        return new PacketRejectedException(RejectReason.CORRUPT_ZIP, "the zip is damaged: " + why);
    }

    private static PacketRejectedException ambiguous(String why) {
        return new PacketRejectedException(RejectReason.AMBIGUOUS_ZIP, why);
    }

    private static PacketRejectedException unsupported(String why) {
        return new PacketRejectedException(RejectReason.UNSUPPORTED_ZIP, why);
    }
}
