package id.ektp.hub.sandbox.packets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import id.ektp.hub.codes.Nik;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PacketFactoryTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final PacketFactory factory = new PacketFactory();

    @TempDir
    Path dir;

    /** Every entry of a zip read in stream order: name, size and SHA-256, computed here independently. */
    private record Read(long size, String sha256, byte[] head) {}

    private static Map<String, Read> readEntries(byte[] zip) throws Exception {
        Map<String, Read> entries = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                byte[] buffer = new byte[8192];
                byte[] head = null;
                long size = 0;
                for (int n; (n = in.read(buffer)) > 0; ) {
                    if (head == null) {
                        head = Arrays.copyOf(buffer, Math.min(n, 16));
                    }
                    sha.update(buffer, 0, n);
                    size += n;
                }
                entries.put(entry.getName(), new Read(size, HexFormat.of().formatHex(sha.digest()), head));
            }
        }
        return entries;
    }

    private static JsonNode manifestOf(byte[] zip) throws Exception {
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                if (entry.getName().equals("manifest.json")) {
                    return JSON.readTree(in.readAllBytes());
                }
            }
        }
        throw new AssertionError("no manifest.json");
    }

    @Test
    void aValidPacketListsEveryEntryWithItsTrueSizeAndDigest() throws Exception {
        PacketSpec spec = PacketSpec.builder().seed(42).build();
        byte[] zip = factory.bytes(spec);

        Map<String, Read> entries = readEntries(zip);
        JsonNode manifest = manifestOf(zip);
        List<String> listed = new ArrayList<>();
        for (JsonNode listing : manifest.get("entries")) {
            String name = listing.get("name").asText();
            listed.add(name);
            Read actual = entries.get(name);
            assertTrue(actual != null, "listed entry " + name + " is in the zip");
            assertEquals(actual.size(), listing.get("size").asLong(), "size of " + name);
            assertEquals(actual.sha256(), listing.get("sha256").asText(), "sha256 of " + name);
            assertTrue(listing.get("sha256").asText().matches("[0-9a-f]{64}"), "lowercase hex");
        }
        List<String> inZip = new ArrayList<>(entries.keySet());
        inZip.remove("manifest.json");
        assertEquals(inZip, listed, "the manifest lists exactly the zip's payload entries, in order");
        assertEquals(List.of("demographics.json", "face.jp2", "finger_01.wsq", "finger_02.wsq", "finger_03.wsq",
                "finger_04.wsq", "finger_05.wsq", "finger_06.wsq", "finger_07.wsq", "finger_08.wsq",
                "finger_09.wsq", "finger_10.wsq", "iris_left.jp2", "iris_right.jp2", "signature.png"), listed);

        assertEquals("ektp.enrollment/1", manifest.get("schema").asText());
        assertEquals("331005-CWS01-20261123081500-0001", manifest.get("packetId").asText());
        assertEquals(spec.nik(), manifest.get("nik").asText());
        assertEquals("33.10.05", manifest.get("kecamatanCode").asText());
        assertEquals("CWS01", manifest.get("deviceId").asText());
        assertEquals("op-17", manifest.get("operatorId").asText());
        assertEquals("2026-11-23T08:15:00+07:00", manifest.get("capturedAt").asText());
        assertEquals("NEW", manifest.get("kind").asText());

        assertArrayEquals(Arrays.copyOf(PayloadPlan.JP2_SIGNATURE, 12), Arrays.copyOf(entries.get("face.jp2").head(), 12));
        assertArrayEquals(new byte[] {(byte) 0xFF, (byte) 0xA0}, Arrays.copyOf(entries.get("finger_07.wsq").head(), 2));
        assertArrayEquals(PayloadPlan.PNG_SIGNATURE, Arrays.copyOf(entries.get("signature.png").head(), 8));
    }

    @Test
    void imagesAreStoredAndJsonIsDeflated() throws Exception {
        Path zip = factory.write(PacketSpec.builder().build(), dir);
        try (ZipFile file = new ZipFile(zip.toFile())) {
            assertEquals(ZipEntry.DEFLATED, file.getEntry("demographics.json").getMethod());
            assertEquals(ZipEntry.DEFLATED, file.getEntry("manifest.json").getMethod());
            assertEquals(ZipEntry.STORED, file.getEntry("face.jp2").getMethod());
            assertEquals(ZipEntry.STORED, file.getEntry("finger_10.wsq").getMethod());
        }
    }

    @Test
    void demographicsDescribeTheNiksHolder() throws Exception {
        // Six seeds give both men and women; sex and birth date must agree with each one's NIK.
        for (long seed = 1; seed <= 6; seed++) {
            PacketSpec spec = PacketSpec.builder().seed(seed).targetBytes(8 * 1024).build();
            byte[] zip = factory.bytes(spec);
            JsonNode person;
            try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
                while (!in.getNextEntry().getName().equals("demographics.json")) {
                    // skip to it
                }
                person = JSON.readTree(in.readAllBytes());
            }
            int day = Integer.parseInt(spec.nik().substring(6, 8));
            assertEquals(spec.nik(), person.get("nik").asText());
            assertEquals(day > 40 ? "P" : "L", person.get("sex").asText());
            assertTrue(person.get("birthDate").asText().endsWith(String.format("-%02d", day % 40)));
            assertEquals("33.10.05", person.get("address").get("kecamatanCode").asText());
            assertFalse(person.get("name").asText().isBlank());
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {8 * 1024, 400 * 1024, 2 * 1024 * 1024})
    void theTargetSizeIsRoughlyHonoured(long targetBytes) throws Exception {
        byte[] zip = factory.bytes(PacketSpec.builder().targetBytes(targetBytes).build());
        long uncompressed = readEntries(zip).values().stream().mapToLong(Read::size).sum();
        assertEquals(targetBytes, uncompressed, targetBytes * 0.2, "uncompressed total");
        assertEquals(targetBytes, zip.length, targetBytes * 0.2, "zip file size");
    }

    @Test
    void smallPacketsHoldFewerEntries() throws Exception {
        byte[] zip = factory.bytes(PacketSpec.builder().targetBytes(8 * 1024).build());
        assertEquals(List.of("demographics.json", "face.jp2", "finger_01.wsq", "finger_02.wsq", "manifest.json"),
                new ArrayList<>(readEntries(zip).keySet()));
    }

    @Test
    void theSameSpecGivesTheSameBytes() {
        PacketSpec spec = PacketSpec.builder().seed(7).targetBytes(64 * 1024).build();
        assertArrayEquals(factory.bytes(spec), factory.bytes(spec));
        assertFalse(Arrays.equals(factory.bytes(spec), factory.bytes(spec.toBuilder().seed(8).build())),
                "another seed gives other content");
    }

    @Test
    void theNikIsDerivedFromTheSeedUnlessGiven() {
        PacketSpec spec = PacketSpec.builder().seed(5).build();
        assertEquals(PacketFactory.nikFor("33.10.05", 5), spec.nik());
        assertEquals("3310064507900001",
                PacketSpec.builder().nik("3310064507900001").build().nik());
        assertEquals(PacketFactory.nikFor("33.10.14", 5),
                PacketSpec.builder().seed(5).kecamatanCode("33.10.14").build().nik());
    }

    @Test
    void nikForGivesValidNiksOfThatKecamatanHalfOfThemWomens() {
        int women = 0;
        for (long seed = 0; seed < 1000; seed++) {
            String nik = PacketFactory.nikFor("33.10.05", seed);
            assertTrue(Nik.isValid(nik), nik);
            assertTrue(nik.startsWith("331005"), nik);
            assertEquals(nik, PacketFactory.nikFor("33.10.05", seed));
            if (Integer.parseInt(nik.substring(6, 8)) > 40) {
                women++;
            }
        }
        assertTrue(women > 400 && women < 600, "women: " + women);
    }

    @Test
    void thePacketIdFollowsTheIcd() {
        PacketSpec spec = PacketSpec.builder().kecamatanCode("33.10.14").deviceId("KLT02").sequence(37)
                .capturedAt(java.time.OffsetDateTime.parse("2026-01-02T03:04:05+07:00")).build();
        assertEquals("331014-KLT02-20260102030405-0037", spec.packetId());
        assertEquals("331014-KLT02-20260102030405-0037.zip", spec.fileName());
    }

    @Test
    void writeNamesTheFileAfterThePacketIdAndDoneMarksIt() throws Exception {
        PacketSpec spec = PacketSpec.builder().defect(PacketDefect.PACKET_ID_MISMATCH).build();
        Path zip = factory.write(spec, dir);
        assertEquals(dir.resolve("331005-CWS01-20261123081500-0001.zip"), zip);
        assertEquals("331005-CWS01-20261123081500-0002", manifestOf(Files.readAllBytes(zip)).get("packetId").asText());

        factory.writeDone(zip);
        Path done = dir.resolve("331005-CWS01-20261123081500-0001.zip.done");
        assertEquals(0, Files.size(done));
    }

    @ParameterizedTest
    @EnumSource(PacketDefect.class)
    void everyDefectCanBeWritten(PacketDefect defect) throws Exception {
        Path zip = factory.write(PacketSpec.builder().targetBytes(16 * 1024).defect(defect).build(), dir);
        assertTrue(Files.size(zip) > 0);
    }

    @Test
    void theZipBombIsStreamedAndSmallOnDisk() throws Exception {
        // 200 MiB of zeros: completing at all under the test heap shows it was never held in memory.
        Path zip = factory.write(PacketSpec.builder().defect(PacketDefect.ZIP_BOMB).build(), dir);
        assertTrue(Files.size(zip) < 2 * 1024 * 1024, "compressed to " + Files.size(zip));
        try (ZipFile file = new ZipFile(zip.toFile())) {
            assertEquals(PacketFactory.BOMB_BYTES, file.getEntry("padding.bin").getSize());
        }
        JsonNode listing = listingOf(manifestOf(Files.readAllBytes(zip)), "padding.bin");
        assertEquals(PacketFactory.BOMB_LISTED_BYTES, listing.get("size").asLong(), "the manifest understates it");
    }

    @Test
    void duplicateEntryHasOneNameTwiceInTheCentralDirectory() throws Exception {
        Path zip = factory.write(PacketSpec.builder().defect(PacketDefect.DUPLICATE_ENTRY).build(), dir);
        try (ZipFile file = new ZipFile(zip.toFile())) {
            assertEquals(2, file.stream().filter(e -> e.getName().equals("finger_01.wsq")).count());
        }
        // The local headers were renamed too: a streaming reader sees the name twice as well.
        assertEquals(2, countLocalNames(Files.readAllBytes(zip), "finger_01.wsq"));
    }

    @Test
    void corruptEntryFailsToInflate() throws Exception {
        Path zip = factory.write(PacketSpec.builder().defect(PacketDefect.CORRUPT_ENTRY).build(), dir);
        try (ZipFile file = new ZipFile(zip.toFile());
             InputStream in = file.getInputStream(file.getEntry("demographics.json"))) {
            assertThrows(ZipException.class, in::readAllBytes);
        }
    }

    @Test
    void checksumMismatchKeepsTheSizeButNotTheDigest() throws Exception {
        byte[] zip = factory.bytes(PacketSpec.builder().defect(PacketDefect.CHECKSUM_MISMATCH).build());
        Read face = readEntries(zip).get("face.jp2");
        JsonNode listing = listingOf(manifestOf(zip), "face.jp2");
        assertEquals(listing.get("size").asLong(), face.size());
        assertFalse(listing.get("sha256").asText().equals(face.sha256()));
    }

    @Test
    void truncatedAndNoiseAreNotZips() throws IOException {
        for (PacketDefect defect : List.of(PacketDefect.TRUNCATED, PacketDefect.NOT_A_ZIP)) {
            Path zip = factory.write(PacketSpec.builder().defect(defect).build(), dir);
            assertThrows(ZipException.class, () -> new ZipFile(zip.toFile()).close(), defect.name());
        }
    }

    private static JsonNode listingOf(JsonNode manifest, String name) {
        for (JsonNode listing : manifest.get("entries")) {
            if (listing.get("name").asText().equals(name)) {
                return listing;
            }
        }
        throw new AssertionError(name + " is not listed");
    }

    private static int countLocalNames(byte[] zip, String name) throws Exception {
        int count = 0;
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                if (entry.getName().equals(name)) {
                    count++;
                }
            }
        }
        return count;
    }
}
