package id.ektp.hub.sandbox.packets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import id.ektp.hub.codes.Codes;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Makes enrollment packets as a kecamatan device would (ICD §1): {@code <packetId>.zip} holding
 * {@code demographics.json}, biometric images and {@code manifest.json}, optionally broken in exactly
 * one way ({@link PacketDefect}). Used by tests, the sandbox's simulated devices and the benchmark.
 *
 * <p>Everything is streamed to the file: a 64 MiB packet or a 200 MiB zip bomb is generated through
 * a 64 KiB buffer. Content comes from the spec's seed, and entry times from its capture time, so the
 * same spec always gives the same bytes.
 */
public final class PacketFactory {

    public static final String MANIFEST = "manifest.json";
    public static final String SCHEMA = "ektp.enrollment/1";

    /** The ZIP_BOMB entry's true size: far beyond the default 64 MiB limit. */
    static final long BOMB_BYTES = 200L * 1024 * 1024;
    /** What the ZIP_BOMB packet's manifest claims for it: about its compressed size. */
    static final long BOMB_LISTED_BYTES = 200L * 1024;
    static final int TOO_MANY_PAYLOAD_ENTRIES = 65;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter ISO_WITH_OFFSET = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX");
    /** Same length as finger_01.wsq, renamed to it once the zip is written (DUPLICATE_ENTRY). */
    private static final String DUPLICATE_PLACEHOLDER = "finger_01.dup";
    /** What a crafted packet tries to have written outside the folder it is unpacked in. */
    private static final String ESCAPE_NAME = "../../evil.sh";
    private static final byte[] SCRIPT =
            "#!/bin/sh\necho 'this file escaped the packet folder'\n".getBytes(StandardCharsets.UTF_8);
    /** Info-ZIP Unicode Path extra field: a name some readers show instead of the header's. */
    private static final int UNICODE_PATH_EXTRA = 0x7075;

    /**
     * A syntactically valid NIK first issued in {@code kecamatanCode}, the same for the same seed: birth
     * date between 1950 and 2007 (day 01-28, so every month has it), a woman's (day + 40) half the
     * time, serial 0001-9999.
     */
    public static String nikFor(String kecamatanCode, long seed) {
        if (!Codes.matches(Codes.KECAMATAN, kecamatanCode)) {
            throw new IllegalArgumentException("kecamatanCode must be PP.RR.KK: " + kecamatanCode);
        }
        SplittableRandom random = new SplittableRandom(seed ^ 0x4E494BL);
        boolean woman = random.nextBoolean();
        int day = 1 + random.nextInt(28) + (woman ? 40 : 0);
        int month = 1 + random.nextInt(12);
        int year = 1950 + random.nextInt(58);
        int serial = 1 + random.nextInt(9999);
        return String.format("%s%02d%02d%02d%04d", Codes.compact(kecamatanCode), day, month, year % 100, serial);
    }

    /**
     * Writes {@code dir/<spec.packetId()>.zip} (replacing any file of that name) and returns its path.
     * No {@code .done} marker: call {@link #writeDone} when the device should be seen to have finished.
     */
    public Path write(PacketSpec spec, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path zip = dir.resolve(spec.fileName());
        switch (spec.defect()) {
            case NOT_A_ZIP -> writeNoise(spec, zip);
            default -> writeZip(spec, zip);
        }
        return zip;
    }

    /** The packet's bytes, for small packets a test wants in memory. */
    public byte[] bytes(PacketSpec spec) {
        try {
            Path dir = Files.createTempDirectory("packet");
            try {
                Path zip = write(spec, dir);
                try {
                    return Files.readAllBytes(zip);
                } finally {
                    Files.delete(zip);
                }
            } finally {
                Files.delete(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write packet " + spec.packetId() + " to a temporary file", e);
        }
    }

    /** Creates the empty {@code <zip>.done} marker, as a device does once its zip is complete. */
    public void writeDone(Path zip) throws IOException {
        Path done = zip.resolveSibling(zip.getFileName() + ".done");
        Files.write(done, new byte[0]);
    }

    private static void writeNoise(PacketSpec spec, Path file) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), ContentSource.CHUNK)) {
            ContentSource.pseudoRandom(new byte[0], spec.targetBytes(), spec.seed()).writeTo(out);
        }
    }

    /** What the manifest says about one entry; some defects make it disagree with the zip. */
    private record Listing(String name, long size, String sha256) {}

    private static void writeZip(PacketSpec spec, Path zip) throws IOException {
        PacketDefect defect = spec.defect();
        String manifestNik = defect == PacketDefect.INVALID_NIK ? withMonth13(spec.nik()) : spec.nik();
        byte[] demographics = Demographics.json(manifestNik, spec.nik(), spec.kecamatanCode(), spec.seed());

        List<PayloadPlan.Item> items = new ArrayList<>(PayloadPlan.items(spec.targetBytes(), demographics, spec.seed()));
        addDefectEntries(spec, items);
        List<Listing> listings = new ArrayList<>();
        for (PayloadPlan.Item item : items) {
            EntryDigest digest = EntryDigest.of(item.content());
            listings.add(new Listing(item.name(), digest.size(), digest.sha256()));
        }
        // Now make the zip's content and the listing disagree as the defect demands.
        switch (defect) {
            case CHECKSUM_MISMATCH -> replace(items, "face.jp2", item -> new PayloadPlan.Item(item.name(),
                    item.deflated(), item.content().withByteFlipped(item.content().size() / 2)));
            case SIZE_MISMATCH -> listings.replaceAll(listing -> listing.name().equals("finger_02.wsq")
                    ? new Listing(listing.name(), listing.size() + 1000, listing.sha256()) : listing);
            case MISSING_ENTRY -> items.removeIf(item -> item.name().equals("finger_02.wsq"));
            case UNLISTED_ENTRY -> items.add(new PayloadPlan.Item("notes.txt", true, ContentSource.of(
                    "operator note: re-take left iris next visit\n".getBytes(StandardCharsets.UTF_8))));
            case DUPLICATE_ENTRY -> items.add(new PayloadPlan.Item(DUPLICATE_PLACEHOLDER, false,
                    find(items, "finger_01.wsq").content()));
            case ZIP_BOMB -> listings.replaceAll(listing -> listing.name().equals("padding.bin")
                    ? new Listing(listing.name(), BOMB_LISTED_BYTES, listing.sha256()) : listing);
            default -> { }
        }

        try (ZipOutputStream out = new ZipOutputStream(
                new BufferedOutputStream(Files.newOutputStream(zip), ContentSource.CHUNK))) {
            for (PayloadPlan.Item item : items) {
                putEntry(out, spec, item);
            }
            if (defect != PacketDefect.MISSING_MANIFEST) {
                byte[] manifest = manifest(spec, manifestNik, listings);
                if (defect == PacketDefect.MALFORMED_MANIFEST) {
                    // As if the device died half way through writing it.
                    manifest = Arrays.copyOf(manifest, manifest.length / 2);
                }
                putEntry(out, spec, new PayloadPlan.Item(MANIFEST, true, ContentSource.of(manifest)));
            }
        }

        switch (defect) {
            case DUPLICATE_ENTRY -> ZipSurgery.renameEntry(zip, DUPLICATE_PLACEHOLDER, "finger_01.wsq");
            // 0xFF starts a deflate block of the reserved type 3: inflating fails at once.
            case CORRUPT_ENTRY -> ZipSurgery.overwriteFirstDataByte(zip, "demographics.json", (byte) 0xFF);
            case TRUNCATED -> {
                try (FileChannel channel = FileChannel.open(zip, StandardOpenOption.WRITE)) {
                    channel.truncate(channel.size() / 2);
                }
            }
            default -> craft(defect, zip);
        }
    }

    /** The crafted-zip defects: a valid packet's zip, then edited where the defect says. */
    private static void craft(PacketDefect defect, Path zip) throws IOException {
        switch (defect) {
            case PREPENDED_BYTES -> ZipSurgery.insert(zip, 0, SCRIPT, false);
            case GAP_BETWEEN_ENTRIES -> ZipSurgery.insert(zip, ZipSurgery.localHeaderOffset(zip, "face.jp2"),
                    "padding ".repeat(8).getBytes(StandardCharsets.US_ASCII), true);
            case TRAILING_BYTES -> ZipSurgery.append(zip, "x".repeat(100).getBytes(StandardCharsets.US_ASCII));
            case LOCAL_NAME_MISMATCH -> ZipSurgery.renameLocalHeader(zip, "finger_01.wsq", ESCAPE_NAME);
            case LOCAL_SIZE_MISMATCH -> {
                ZipSurgery.editLocalHeader(zip, "face.jp2", ZipSurgery.LocalField.COMPRESSED_SIZE, size -> size / 2);
                ZipSurgery.editLocalHeader(zip, "face.jp2", ZipSurgery.LocalField.SIZE, size -> size / 2);
            }
            case LOCAL_CRC_MISMATCH -> ZipSurgery.editLocalHeader(zip, "face.jp2", ZipSurgery.LocalField.CRC, crc -> crc ^ 1);
            case LOCAL_METHOD_MISMATCH -> ZipSurgery.editLocalHeader(zip, "face.jp2", ZipSurgery.LocalField.METHOD,
                    method -> ZipEntry.DEFLATED);
            case LOCAL_FLAGS_MISMATCH -> ZipSurgery.editLocalHeader(zip, "face.jp2", ZipSurgery.LocalField.FLAGS,
                    flags -> flags ^ 0x0002);
            case UNLISTED_LOCAL_ENTRY -> ZipSurgery.insert(zip, 0, ZipSurgery.localEntry(ESCAPE_NAME, SCRIPT), true);
            case STORED_WITH_DATA_DESCRIPTOR -> ZipSurgery.setFlags(zip, "face.jp2", 0x0008);
            case DATA_DESCRIPTOR_MISMATCH -> ZipSurgery.flipDescriptorCrc(zip, "demographics.json", 1);
            case BYTES_AFTER_DEFLATE_STREAM -> ZipSurgery.growCompressedData(zip, "demographics.json", new byte[32]);
            case ZIP64 -> ZipSurgery.toZip64(zip);
            case MULTI_DISK -> ZipSurgery.setDiskNumber(zip, 1);
            case ENCRYPTED_ENTRY -> ZipSurgery.setFlags(zip, "face.jp2", 0x0001);
            case SECOND_END_RECORD -> ZipSurgery.hideEndRecordInComment(zip);
            default -> { }
        }
    }

    /** An Info-ZIP Unicode Path field for an entry called {@code name} that names it {@code shown}. */
    private static byte[] unicodePath(String name, String shown) {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        byte[] shownBytes = shown.getBytes(StandardCharsets.UTF_8);
        CRC32 crc = new CRC32();
        crc.update(nameBytes);
        return ByteBuffer.allocate(4 + 5 + shownBytes.length).order(ByteOrder.LITTLE_ENDIAN)
                .putShort((short) UNICODE_PATH_EXTRA).putShort((short) (5 + shownBytes.length))
                .put((byte) 1).putInt((int) crc.getValue()).put(shownBytes).array();
    }

    /** Entries some defects add, listed in the manifest with their true size and digest. */
    private static void addDefectEntries(PacketSpec spec, List<PayloadPlan.Item> items) {
        switch (spec.defect()) {
            case ZIP_SLIP -> items.add(new PayloadPlan.Item(ESCAPE_NAME, false, ContentSource.of(SCRIPT)));
            case ABSOLUTE_PATH -> items.add(new PayloadPlan.Item("/etc/passwd", false, ContentSource.of(
                    "root::0:0:root:/root:/bin/sh\n".getBytes(StandardCharsets.UTF_8))));
            case TOO_MANY_ENTRIES -> {
                for (int i = items.size() + 1; i <= TOO_MANY_PAYLOAD_ENTRIES; i++) {
                    String name = String.format("attachment_%02d.bin", i);
                    items.add(new PayloadPlan.Item(name, false, ContentSource.pseudoRandom(new byte[0], 32,
                            PayloadPlan.entrySeed(spec.seed(), name))));
                }
            }
            case ZIP_BOMB -> items.add(new PayloadPlan.Item("padding.bin", true, ContentSource.zeros(BOMB_BYTES)));
            default -> { }
        }
    }

    private static void putEntry(ZipOutputStream out, PacketSpec spec, PayloadPlan.Item item) throws IOException {
        ZipEntry entry = new ZipEntry(item.name());
        // A fixed time, so the same spec gives the same bytes.
        entry.setTimeLocal(spec.capturedAt().toLocalDateTime());
        if (spec.defect() == PacketDefect.UNICODE_PATH_EXTRA && item.name().equals("face.jp2")) {
            entry.setExtra(unicodePath(item.name(), ESCAPE_NAME));
        }
        if (item.deflated()) {
            entry.setMethod(ZipEntry.DEFLATED);
        } else {
            // A STORED entry's size and CRC go in its header, before its data.
            EntryDigest digest = EntryDigest.of(item.content());
            entry.setMethod(ZipEntry.STORED);
            entry.setSize(digest.size());
            entry.setCompressedSize(digest.size());
            entry.setCrc(digest.crc32());
        }
        out.putNextEntry(entry);
        item.content().writeTo(out);
        out.closeEntry();
    }

    private static byte[] manifest(PacketSpec spec, String nik, List<Listing> listings) {
        PacketDefect defect = spec.defect();
        String kecamatan = defect == PacketDefect.WRONG_KECAMATAN ? neighbourOf(spec.kecamatanCode()) : spec.kecamatanCode();
        String device = defect == PacketDefect.WRONG_DEVICE ? otherDevice(spec.deviceId()) : spec.deviceId();
        // The packet id stays the file name's, built from the spec's own kecamatan and device.
        String packetId = defect == PacketDefect.PACKET_ID_MISMATCH
                ? spec.packetId(spec.kecamatanCode(), spec.deviceId(), (spec.sequence() + 1) % 1_000_000)
                : spec.packetId();

        ObjectNode doc = JSON.createObjectNode();
        doc.put("schema", defect == PacketDefect.UNKNOWN_SCHEMA ? "ektp.enrollment/2" : SCHEMA);
        doc.put("packetId", packetId);
        doc.put("nik", nik);
        doc.put("kecamatanCode", kecamatan);
        doc.put("deviceId", device);
        if (defect != PacketDefect.MISSING_FIELD) {
            doc.put("operatorId", spec.operatorId());
        }
        doc.put("capturedAt", ISO_WITH_OFFSET.format(spec.capturedAt()));
        doc.put("kind", spec.kind().name());
        ArrayNode entries = doc.putArray("entries");
        for (Listing listing : listings) {
            entries.addObject().put("name", listing.name()).put("size", listing.size()).put("sha256", listing.sha256());
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(doc);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an in-memory tree always serializes", e);
        }
    }

    /** {@code 33.10.05} → {@code 33.10.06}: a kecamatan of the same regency. */
    static String neighbourOf(String kecamatanCode) {
        int kk = Integer.parseInt(kecamatanCode.substring(6));
        return kecamatanCode.substring(0, 6) + String.format("%02d", kk % 99 + 1);
    }

    /** {@code CWS01} → {@code CWS02}: another device's id of the same form. */
    static String otherDevice(String deviceId) {
        char last = deviceId.charAt(deviceId.length() - 1);
        char other = Character.isDigit(last) ? (char) ('0' + (last - '0' + 1) % 10) : (last == 'X' ? 'Y' : 'X');
        return deviceId.substring(0, deviceId.length() - 1) + other;
    }

    private static String withMonth13(String nik) {
        return nik.length() == 16 ? nik.substring(0, 8) + "13" + nik.substring(10) : "3310054513900001";
    }

    private static PayloadPlan.Item find(List<PayloadPlan.Item> items, String name) {
        return items.stream().filter(item -> item.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException("every packet has " + name));
    }

    private static void replace(List<PayloadPlan.Item> items, String name,
                                java.util.function.UnaryOperator<PayloadPlan.Item> change) {
        items.replaceAll(item -> item.name().equals(name) ? change.apply(item) : item);
    }
}
