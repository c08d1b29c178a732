package id.ektp.hub.up;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import id.ektp.hub.sandbox.packets.PacketDefect;
import id.ektp.hub.sandbox.packets.PacketFactory;
import id.ektp.hub.sandbox.packets.PacketSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The bad-input set of ICD §1: every way a device's packet can be wrong must end in one exact
 * rejection reason with a sentence naming what is wrong, and a valid packet must pass untouched.
 */
class PacketInspectorTest {

    private static final long LIMIT = 64L * 1024 * 1024;
    private static final PacketOrigin CAWAS = new PacketOrigin("33.10.05", "CWS01");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PacketFactory factory = new PacketFactory();
    private final PacketInspector inspector = new PacketInspector(LIMIT);

    @TempDir
    Path dir;

    // ---- one case per PacketDefect ------------------------------------------------------------

    private record Expected(RejectReason reason, String fragment) {}

    private static final Map<PacketDefect, Expected> EXPECTED = new EnumMap<>(Map.ofEntries(
            Map.entry(PacketDefect.CHECKSUM_MISMATCH, new Expected(RejectReason.CHECKSUM_MISMATCH, "entry \"face.jp2\": sha256 is ")),
            Map.entry(PacketDefect.SIZE_MISMATCH, new Expected(RejectReason.SIZE_MISMATCH, "entry \"finger_02.wsq\" is ")),
            Map.entry(PacketDefect.TRUNCATED, new Expected(RejectReason.CORRUPT_ZIP, "not a readable zip")),
            Map.entry(PacketDefect.NOT_A_ZIP, new Expected(RejectReason.CORRUPT_ZIP, "not a readable zip")),
            Map.entry(PacketDefect.MISSING_MANIFEST, new Expected(RejectReason.MISSING_MANIFEST, "no manifest.json")),
            Map.entry(PacketDefect.MALFORMED_MANIFEST, new Expected(RejectReason.MALFORMED_MANIFEST, "not valid JSON")),
            Map.entry(PacketDefect.UNKNOWN_SCHEMA, new Expected(RejectReason.UNKNOWN_SCHEMA, "\"ektp.enrollment/2\"")),
            Map.entry(PacketDefect.MISSING_FIELD, new Expected(RejectReason.INVALID_MANIFEST, "field operatorId is missing")),
            Map.entry(PacketDefect.WRONG_KECAMATAN, new Expected(RejectReason.WRONG_ORIGIN, "kecamatanCode is 33.10.06")),
            Map.entry(PacketDefect.WRONG_DEVICE, new Expected(RejectReason.WRONG_ORIGIN, "deviceId is CWS02")),
            Map.entry(PacketDefect.PACKET_ID_MISMATCH, new Expected(RejectReason.PACKET_ID_MISMATCH,
                    "packetId is 331005-CWS01-20261123081500-0002")),
            Map.entry(PacketDefect.INVALID_NIK, new Expected(RejectReason.INVALID_NIK, "month 13")),
            Map.entry(PacketDefect.ZIP_SLIP, new Expected(RejectReason.UNSAFE_ENTRY_NAME, "zip entry \"../../evil.sh\"")),
            Map.entry(PacketDefect.ABSOLUTE_PATH, new Expected(RejectReason.UNSAFE_ENTRY_NAME,
                    "\"/etc/passwd\": the name is an absolute path")),
            Map.entry(PacketDefect.MISSING_ENTRY, new Expected(RejectReason.MISSING_ENTRY, "\"finger_02.wsq\", which is not in the zip")),
            Map.entry(PacketDefect.UNLISTED_ENTRY, new Expected(RejectReason.UNLISTED_ENTRY, "\"notes.txt\" is not listed")),
            Map.entry(PacketDefect.DUPLICATE_ENTRY, new Expected(RejectReason.DUPLICATE_ENTRY,
                    "\"finger_01.wsq\" is in the zip more than once")),
            Map.entry(PacketDefect.TOO_MANY_ENTRIES, new Expected(RejectReason.TOO_MANY_ENTRIES, "holds 66 entries")),
            Map.entry(PacketDefect.ZIP_BOMB, new Expected(RejectReason.TOO_LARGE, "entry \"padding.bin\" takes the packet past")),
            Map.entry(PacketDefect.CORRUPT_ENTRY, new Expected(RejectReason.CORRUPT_ZIP, "entry \"demographics.json\" cannot be read")),
            Map.entry(PacketDefect.PREPENDED_BYTES, new Expected(RejectReason.AMBIGUOUS_ZIP,
                    "bytes before the first entry (offset 0 to ")),
            Map.entry(PacketDefect.GAP_BETWEEN_ENTRIES, new Expected(RejectReason.AMBIGUOUS_ZIP,
                    "64 bytes between entries \"demographics.json\" and \"face.jp2\" (offset ")),
            Map.entry(PacketDefect.TRAILING_BYTES, new Expected(RejectReason.AMBIGUOUS_ZIP, "100 bytes after the zip's end record")),
            Map.entry(PacketDefect.LOCAL_NAME_MISMATCH, new Expected(RejectReason.AMBIGUOUS_ZIP,
                    "names it \"../../evil.sh\": a reader that streams the zip would see that name")),
            Map.entry(PacketDefect.LOCAL_SIZE_MISMATCH, new Expected(RejectReason.AMBIGUOUS_ZIP, "says compressed size ")),
            Map.entry(PacketDefect.LOCAL_CRC_MISMATCH, new Expected(RejectReason.AMBIGUOUS_ZIP, "says CRC-32 ")),
            Map.entry(PacketDefect.LOCAL_METHOD_MISMATCH, new Expected(RejectReason.AMBIGUOUS_ZIP,
                    "says compression method 8, its central directory entry 0")),
            Map.entry(PacketDefect.LOCAL_FLAGS_MISMATCH, new Expected(RejectReason.AMBIGUOUS_ZIP,
                    "has flags 0x0802, its central directory entry 0x0800")),
            Map.entry(PacketDefect.UNLISTED_LOCAL_ENTRY, new Expected(RejectReason.AMBIGUOUS_ZIP,
                    "a local entry \"../../evil.sh\" at offset 0 is not in the central directory")),
            Map.entry(PacketDefect.UNICODE_PATH_EXTRA, new Expected(RejectReason.AMBIGUOUS_ZIP, "carries a second name")),
            Map.entry(PacketDefect.STORED_WITH_DATA_DESCRIPTOR, new Expected(RejectReason.AMBIGUOUS_ZIP,
                    "entry \"face.jp2\" is stored with a data descriptor")),
            Map.entry(PacketDefect.DATA_DESCRIPTOR_MISMATCH, new Expected(RejectReason.AMBIGUOUS_ZIP,
                    "the data descriptor of entry \"demographics.json\"")),
            Map.entry(PacketDefect.BYTES_AFTER_DEFLATE_STREAM, new Expected(RejectReason.AMBIGUOUS_ZIP,
                    "compressed bytes of entry \"demographics.json\"")),
            Map.entry(PacketDefect.ZIP64, new Expected(RejectReason.UNSUPPORTED_ZIP, "zip64")),
            Map.entry(PacketDefect.MULTI_DISK, new Expected(RejectReason.UNSUPPORTED_ZIP, "spans several disks")),
            Map.entry(PacketDefect.ENCRYPTED_ENTRY, new Expected(RejectReason.UNSUPPORTED_ZIP, "entry \"face.jp2\" is encrypted")),
            Map.entry(PacketDefect.SECOND_END_RECORD, new Expected(RejectReason.AMBIGUOUS_ZIP, "the zip has two end records"))));

    static Stream<PacketDefect> defects() {
        return EnumSet.complementOf(EnumSet.of(PacketDefect.NONE)).stream();
    }

    @ParameterizedTest
    @MethodSource("defects")
    void eachDefectIsRejectedForItsOwnReason(PacketDefect defect) throws IOException {
        Expected expected = EXPECTED.get(defect);
        if (expected == null) {
            fail("no expectation for the new defect " + defect + ": add one");
        }
        Inspection inspection = inspect(factory.write(PacketSpec.builder().seed(11).defect(defect).build(), dir));
        assertRejected(inspection, expected.reason(), expected.fragment());
    }

    @ParameterizedTest
    @MethodSource("defects")
    void smallPacketsAreRejectedForTheSameReasons(PacketDefect defect) throws IOException {
        // The benchmark's 8 KiB packets have fewer entries; every defect must still be what it says.
        Expected expected = EXPECTED.get(defect);
        Inspection inspection = inspect(factory.write(
                PacketSpec.builder().seed(12).targetBytes(8 * 1024).defect(defect).build(), dir));
        assertEquals(expected.reason(), reasonOf(inspection), () -> defect + ": " + inspection);
    }

    // ---- valid packets ---------------------------------------------------------------------------

    @Test
    void aValidPacketIsAcceptedWithTheManifestItsDeviceWrote() throws Exception {
        PacketSpec spec = PacketSpec.builder().seed(3).sequence(42).operatorId("op-3").build();
        Path zip = factory.write(spec, dir);

        Inspection inspection = inspect(zip);

        assertTrue(inspection.isValid(), () -> inspection.rejection().toString());
        assertEquals(List.of(), inspection.notes());
        Manifest expected = new Manifest("331005-CWS01-20261123081500-0042", spec.nik(), "33.10.05", "CWS01",
                "op-3", spec.capturedAt(), "NEW", payloadOf(Files.readAllBytes(zip)));
        assertEquals(expected, inspection.manifest());
    }

    @Test
    void aNikFirstIssuedInAnotherKecamatanIsAcceptedWithANote() throws IOException {
        PacketSpec spec = PacketSpec.builder().nik(PacketFactory.nikFor("33.10.06", 9)).build();

        Inspection inspection = inspect(factory.write(spec, dir));

        assertTrue(inspection.isValid(), () -> inspection.rejection().toString());
        assertEquals(List.of("NIK first issued in 33.10.06, recorded in 33.10.05"), inspection.notes());
    }

    @Test
    void uppercaseDigestsAreAccepted() throws Exception {
        Path zip = rezip(PacketSpec.builder().build(), manifest -> {
            for (var entry : (ArrayNode) manifest.get("entries")) {
                ((ObjectNode) entry).put("sha256", entry.get("sha256").asText().toUpperCase(Locale.ROOT));
            }
        });
        Inspection inspection = inspect(zip);
        assertTrue(inspection.isValid(), () -> inspection.rejection().toString());
    }

    @Test
    void aZipCommentIsPartOfTheZipAndAccepted() throws Exception {
        PacketSpec spec = PacketSpec.builder().targetBytes(8 * 1024).build();
        Path zip = dir.resolve(spec.fileName());
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            writeEntries(out, entriesOf(factory.bytes(spec)));
            out.setComment("written by the enrollment app, version 4.2");
        }
        Inspection inspection = inspect(zip);
        assertTrue(inspection.isValid(), () -> inspection.rejection().toString());
    }

    @Test
    void aSixtyFourMebibytePacketIsStreamedNotBuffered() throws IOException {
        // Within the default 64 MiB limit; surefire runs with -Xmx1g.
        PacketSpec spec = PacketSpec.builder().targetBytes(60L * 1024 * 1024).build();
        Inspection inspection = inspect(factory.write(spec, dir));
        assertTrue(inspection.isValid(), () -> inspection.rejection().toString());
    }

    @Test
    void thePacketLimitCountsEveryUncompressedByteManifestIncluded() throws Exception {
        Path zip = factory.write(PacketSpec.builder().build(), dir);
        long total = 0;
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            while (in.getNextEntry() != null) {
                total += in.transferTo(OutputStream.nullOutputStream());
            }
        }
        String name = zip.getFileName().toString();
        assertTrue(new PacketInspector(total).inspect(zip, name, CAWAS).isValid(), "exactly at the limit");
        Inspection over = new PacketInspector(total - 1).inspect(zip, name, CAWAS);
        assertRejected(over, RejectReason.TOO_LARGE, "manifest lists ");
    }

    // ---- zip bombs and entry counts: bounded before anything is inflated in full --------------

    @Test
    void aZipBombIsStoppedAtTheLimitWithoutBeingHeldInMemory() throws Exception {
        // 3 GiB of zeros: more than any byte[] can hold, and three times surefire's heap. An
        // inspector that buffered an entry, or trusted the manifest's small size, would fail here.
        long bombBytes = 3L * 1024 * 1024 * 1024;
        byte[] valid = factory.bytes(PacketSpec.builder().targetBytes(8 * 1024).build());
        Map<String, byte[]> entries = entriesOf(valid);
        ObjectNode manifest = (ObjectNode) JSON.readTree(entries.remove("manifest.json"));
        ((ArrayNode) manifest.get("entries")).addObject()
                .put("name", "padding.bin").put("size", 4096).put("sha256", "ab".repeat(32));
        entries.put("manifest.json", JSON.writeValueAsBytes(manifest));

        Path zip = dir.resolve(PacketSpec.builder().build().fileName());
        try (ZipOutputStream out = new ZipOutputStream(new BufferedOutputStream(Files.newOutputStream(zip), 1 << 16))) {
            writeEntries(out, entries);
            out.setLevel(Deflater.BEST_SPEED);
            out.putNextEntry(new ZipEntry("padding.bin"));
            byte[] zeros = new byte[1 << 20];
            for (long written = 0; written < bombBytes; written += zeros.length) {
                out.write(zeros);
            }
            out.closeEntry();
        }
        assertTrue(Files.size(zip) < 64L * 1024 * 1024, "the bomb is small on disk: " + Files.size(zip));

        assertRejected(inspect(zip), RejectReason.TOO_LARGE, "entry \"padding.bin\" takes the packet past 67108864");
    }

    @Test
    void thousandsOfEntriesAreRefusedFromTheCentralDirectory() throws IOException {
        Path zip = dir.resolve(PacketSpec.builder().build().fileName());
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            for (int i = 0; i < 5000; i++) {
                out.putNextEntry(new ZipEntry("e" + i));
                out.closeEntry();
            }
        }
        assertRejected(inspect(zip), RejectReason.TOO_MANY_ENTRIES, "the zip holds 5000 entries");
    }

    // ---- handcrafted zips -------------------------------------------------------------------

    static Stream<Arguments> unsafeZipNames() {
        return Stream.of(
                Arguments.of("face\\copy.jp2", "contains '\\'"),
                Arguments.of("face\u0007.jp2", "\"face\\u0007.jp2\": the name contains the control character U+0007"),
                Arguments.of("..", "the name is '..'"),
                Arguments.of("photos/face.jp2", "contains '/'"),
                Arguments.of("C:evil.bat", "absolute path"),
                Arguments.of("\u202Egpj.exe", "control character U+202E"));
    }

    @ParameterizedTest
    @MethodSource("unsafeZipNames")
    void unsafeNamesInTheZipAreRefused(String name, String fragment) throws Exception {
        byte[] valid = factory.bytes(PacketSpec.builder().targetBytes(8 * 1024).build());
        Map<String, byte[]> entries = entriesOf(valid);
        entries.put(name, "x".getBytes(StandardCharsets.UTF_8));
        Path zip = writeZip(PacketSpec.builder().build().fileName(), entries);
        assertRejected(inspect(zip), RejectReason.UNSAFE_ENTRY_NAME, fragment);
    }

    @Test
    void unsafeNamesInTheManifestAreRefusedToo() throws Exception {
        Path zip = rezip(PacketSpec.builder().build(), manifest ->
                ((ObjectNode) manifest.get("entries").get(1)).put("name", "..\\face.jp2"));
        assertRejected(inspect(zip), RejectReason.UNSAFE_ENTRY_NAME, "manifest entry \"..\\face.jp2\"");
    }

    @Test
    void anEmptyZipHasNoManifest() throws IOException {
        Path zip = writeZip(PacketSpec.builder().build().fileName(), Map.of());
        assertRejected(inspect(zip), RejectReason.MISSING_MANIFEST, "no manifest.json");
    }

    @Test
    void aManifestOfTwoMebibytesIsNotOne() throws Exception {
        Path zip = rezip(PacketSpec.builder().build(), manifest -> manifest.put("padding", " ".repeat(2 * 1024 * 1024)));
        assertRejected(inspect(zip), RejectReason.MALFORMED_MANIFEST, "manifest.json is larger than 1048576 bytes");
    }

    @Test
    void aFileNameThatIsNoPacketIdIsAMismatch() throws IOException {
        Path zip = factory.write(PacketSpec.builder().build(), dir);
        Inspection inspection = inspector.inspect(zip, "junk.zip", CAWAS);
        assertRejected(inspection, RejectReason.PACKET_ID_MISMATCH,
                "file name \"junk.zip\" is not a packet id followed by .zip, but the manifest's packetId is 331005-CWS01");
    }

    @Test
    void aPacketFromAnotherDeviceIsRefused() throws IOException {
        // A whole, consistent packet of Pedan's device found in Cawas's outbox.
        Path zip = factory.write(PacketSpec.builder().kecamatanCode("33.10.14").deviceId("PDN01").build(), dir);
        assertRejected(inspect(zip), RejectReason.WRONG_ORIGIN,
                "manifest kecamatanCode is 33.10.14, but the packet came from device CWS01 of kecamatan 33.10.05");
    }

    @Test
    void aPacketIdNamingAnotherKecamatanIsRefused() throws Exception {
        String otherId = "331014-CWS01-20261123081500-0001";
        Path zip = rezip(PacketSpec.builder().build(), otherId + ".zip", manifest -> manifest.put("packetId", otherId));
        assertRejected(inspect(zip), RejectReason.WRONG_ORIGIN, "packet id " + otherId + " names kecamatan 331014");
    }

    @Test
    void aStoredEntryWhoseDataNoLongerMatchesItsCrcIsCorrupt() throws Exception {
        Path zip = factory.write(PacketSpec.builder().build(), dir);
        byte[] bytes = Files.readAllBytes(zip);
        // face.jp2 is stored; its JPEG 2000 signature box marks where its data starts.
        int at = indexOf(bytes, new byte[] {0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20});
        bytes[at + 100] ^= 0x01;
        Files.write(zip, bytes);
        assertRejected(inspect(zip), RejectReason.CORRUPT_ZIP, "entry \"face.jp2\" is damaged: its CRC-32 is ");
    }

    /** Manifest edits: each breaks one field's form. */
    static Stream<Arguments> manifestEdits() {
        return Stream.of(
                edit("the same entry listed twice", RejectReason.DUPLICATE_ENTRY,
                        "manifest lists entry \"face.jp2\" more than once",
                        m -> ((ArrayNode) m.get("entries")).add(m.get("entries").get(1).deepCopy())),
                edit("size as a string", RejectReason.INVALID_MANIFEST,
                        "manifest entries[2].size must be a whole number of bytes, not the string \"",
                        m -> ((ObjectNode) m.get("entries").get(2)).put("size", m.get("entries").get(2).get("size").asText())),
                edit("size as a fraction", RejectReason.INVALID_MANIFEST, "entries[0].size must be a whole number of bytes, not the number",
                        m -> ((ObjectNode) m.get("entries").get(0)).put("size", 812.0)),
                edit("capturedAt without offset", RejectReason.INVALID_MANIFEST,
                        "field capturedAt is \"2026-11-23T08:15:00\"; expected an ISO-8601 time with offset",
                        m -> m.put("capturedAt", "2026-11-23T08:15:00")),
                edit("schema missing", RejectReason.UNKNOWN_SCHEMA, "manifest has no schema string",
                        m -> m.remove("schema")),
                edit("schema checked before other fields", RejectReason.UNKNOWN_SCHEMA, "\"ektp.enrollment/1.1\"",
                        m -> m.put("schema", "ektp.enrollment/1.1").remove("nik")),
                edit("nik as a number", RejectReason.INVALID_MANIFEST, "field nik must be a string, not a number",
                        m -> m.put("nik", 3310054507900001L)),
                edit("kind in lower case", RejectReason.INVALID_MANIFEST, "field kind is \"new\"",
                        m -> m.put("kind", "new")),
                edit("operatorId empty", RejectReason.INVALID_MANIFEST, "field operatorId is empty",
                        m -> m.put("operatorId", "")),
                edit("deviceId of the wrong form", RejectReason.INVALID_MANIFEST, "field deviceId is \"cws01\"",
                        m -> m.put("deviceId", "cws01")),
                edit("kecamatanCode without dots", RejectReason.INVALID_MANIFEST, "field kecamatanCode is \"331005\"",
                        m -> m.put("kecamatanCode", "331005")),
                edit("no entries", RejectReason.INVALID_MANIFEST, "field entries is an empty list",
                        m -> m.putArray("entries")),
                edit("a short digest", RejectReason.INVALID_MANIFEST, "entries[1].sha256 must be 64 hexadecimal digits",
                        m -> ((ObjectNode) m.get("entries").get(1)).put("sha256", "abc123")),
                edit("an entry without a name", RejectReason.INVALID_MANIFEST, "entries[3].name is missing",
                        m -> ((ObjectNode) m.get("entries").get(3)).remove("name")),
                edit("the manifest listing itself", RejectReason.INVALID_MANIFEST, "manifest lists manifest.json itself",
                        m -> ((ArrayNode) m.get("entries")).addObject().put("name", "manifest.json")
                                .put("size", 1).put("sha256", "0".repeat(64))),
                edit("an empty entry name", RejectReason.UNSAFE_ENTRY_NAME, "manifest entry \"\": the name is empty",
                        m -> ((ObjectNode) m.get("entries").get(1)).put("name", "")));
    }

    private static Arguments edit(String what, RejectReason reason, String fragment, Consumer<ObjectNode> change) {
        return Arguments.of(what, reason, fragment, change);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("manifestEdits")
    void manifestFieldsAreCheckedOneByOne(String what, RejectReason reason, String fragment,
                                          Consumer<ObjectNode> change) throws Exception {
        Path zip = rezip(PacketSpec.builder().build(), change);
        assertRejected(inspect(zip), reason, fragment);
    }

    @Test
    void aDuplicateKeyOrTrailingTextMakesTheManifestMalformed() throws Exception {
        PacketSpec spec = PacketSpec.builder().targetBytes(8 * 1024).build();
        for (String bad : List.of("{\"schema\": \"ektp.enrollment/1\", \"schema\": \"ektp.enrollment/1\"}",
                "{\"schema\": \"ektp.enrollment/1\"} {}", "[]", "")) {
            Map<String, byte[]> entries = entriesOf(factory.bytes(spec));
            entries.put("manifest.json", bad.getBytes(StandardCharsets.UTF_8));
            Inspection inspection = inspect(writeZip(spec.fileName(), entries));
            assertEquals(RejectReason.MALFORMED_MANIFEST, reasonOf(inspection), () -> bad + " gave " + inspection);
        }
    }

    @Test
    void aMissingFileIsTheHubsOwnFailureNotARejection() {
        assertThrows(NoSuchFileException.class, () -> inspector.inspect(dir.resolve("gone.zip"), "gone.zip", CAWAS));
    }

    // ---- helpers ------------------------------------------------------------------------------

    private Inspection inspect(Path zip) throws IOException {
        return inspector.inspect(zip, zip.getFileName().toString(), CAWAS);
    }

    private static RejectReason reasonOf(Inspection inspection) {
        return inspection.rejectionIfAny().map(Rejection::reason).orElse(null);
    }

    private static void assertRejected(Inspection inspection, RejectReason reason, String fragment) {
        assertFalse(inspection.isValid(), "expected " + reason + " but the packet was accepted");
        assertEquals(reason, inspection.rejection().reason(), inspection.rejection().toString());
        assertTrue(inspection.rejection().detail().contains(fragment),
                () -> "detail \"" + inspection.rejection().detail() + "\" lacks \"" + fragment + "\"");
    }

    /** The payload entries as a device should list them, computed here from the zip itself. */
    private static List<Manifest.Entry> payloadOf(byte[] zip) throws Exception {
        List<Manifest.Entry> entries = new ArrayList<>();
        for (Map.Entry<String, byte[]> entry : entriesOf(zip).entrySet()) {
            if (!entry.getKey().equals("manifest.json")) {
                byte[] data = entry.getValue();
                String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
                entries.add(new Manifest.Entry(entry.getKey(), data.length, sha));
            }
        }
        return entries;
    }

    private static Map<String, byte[]> entriesOf(byte[] zip) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                entries.put(entry.getName(), in.readAllBytes());
            }
        }
        return entries;
    }

    /** A valid small packet of {@code spec} with its manifest edited. */
    private Path rezip(PacketSpec spec, Consumer<ObjectNode> change) throws Exception {
        return rezip(spec, spec.fileName(), change);
    }

    private Path rezip(PacketSpec spec, String fileName, Consumer<ObjectNode> change) throws Exception {
        Map<String, byte[]> entries = entriesOf(factory.bytes(spec.withTargetBytes(8 * 1024)));
        ObjectNode manifest = (ObjectNode) JSON.readTree(entries.get("manifest.json"));
        change.accept(manifest);
        entries.put("manifest.json", JSON.writeValueAsBytes(manifest));
        return writeZip(fileName, entries);
    }

    private Path writeZip(String fileName, Map<String, byte[]> entries) throws IOException {
        Path zip = dir.resolve(fileName);
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            writeEntries(out, entries);
        }
        return zip;
    }

    private static void writeEntries(ZipOutputStream out, Map<String, byte[]> entries) throws IOException {
        for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
            out.putNextEntry(new ZipEntry(entry.getKey()));
            out.write(entry.getValue());
            out.closeEntry();
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int k = 0; k < needle.length; k++) {
                if (haystack[i + k] != needle[k]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
