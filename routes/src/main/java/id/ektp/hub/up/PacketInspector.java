package id.ektp.hub.up;

import id.ektp.hub.codes.Codes;
import id.ektp.hub.codes.Nik;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether an enrollment packet is valid (ICD §1) before the hub forwards it byte-identical
 * to the ministry. Bad input never throws: each problem becomes a {@link Rejection} with a sentence
 * naming the entry or field. Only a local I/O failure (the hub's own disk) is an exception.
 *
 * <p>Checks run from the cheapest to the most expensive, and the first failure decides: the zip's
 * end record (entry count), its layout ({@link ZipLayout}: every byte in an entry, local and
 * central headers agreeing) and entry names before any data is read, then the manifest, then each
 * entry streamed through small buffers. The file is read with random access, so a 64 MiB packet
 * needs about 128 KiB of heap, and the uncompressed bytes are counted as they are inflated: a zip
 * bomb is stopped just past the limit, whatever its headers or manifest claim. Every entry is
 * either the manifest or listed by it, so a valid packet has had each of its bytes read.
 *
 * <p>Thread-safe: it holds nothing but the limit, so one instance serves every device route.
 */
public final class PacketInspector {

    /** Payload entries a packet may hold (ICD §1); {@code manifest.json} comes on top. */
    static final int MAX_ENTRIES = 64;
    /** A manifest of 64 entries is about 8 KiB; anything past 1 MiB is not one. */
    static final int MAX_MANIFEST_BYTES = 1024 * 1024;
    static final String MANIFEST = "manifest.json";

    private final long maxPacketBytes;

    /** @param maxPacketBytes {@code limits.maxPacketBytes}: the most uncompressed bytes a packet may hold */
    public PacketInspector(long maxPacketBytes) {
        if (maxPacketBytes <= 0) {
            throw new IllegalArgumentException("maxPacketBytes must be positive: " + maxPacketBytes);
        }
        this.maxPacketBytes = maxPacketBytes;
    }

    /**
     * @param zipFile  the packet as the hub holds it
     * @param fileName the name the device gave it, {@code <packetId>.zip}
     * @param origin   the device it was taken from
     * @throws IOException only when the hub cannot read its own copy (missing file, disk error)
     */
    public Inspection inspect(Path zipFile, String fileName, PacketOrigin origin) throws IOException {
        try (FileChannel zip = FileChannel.open(zipFile, StandardOpenOption.READ)) {
            return inspect(zip, fileName, origin);
        } catch (PacketRejectedException e) {
            return Inspection.rejected(e.rejection().reason(), e.rejection().detail());
        }
    }

    private Inspection inspect(FileChannel zip, String fileName, PacketOrigin origin)
            throws IOException, PacketRejectedException {
        // A zip of thousands of entries is refused before any of them is looked at.
        ZipLayout.End end = ZipLayout.end(zip);
        if (end.entries() > MAX_ENTRIES + 1) {
            throw new PacketRejectedException(RejectReason.TOO_MANY_ENTRIES, "the zip holds " + end.entries()
                    + " entries; at most " + MAX_ENTRIES + " payload entries and manifest.json are allowed");
        }
        Map<String, ZipLayout.Entry> present = presentEntries(ZipLayout.entries(zip, end));
        UncompressedBudget budget = new UncompressedBudget(maxPacketBytes);
        EntryReader reader = new EntryReader(zip, budget);

        Manifest manifest = ManifestParser.parse(manifestBytes(present, reader));
        checkFileName(manifest, fileName);
        checkOrigin(manifest, origin);
        List<String> notes = new ArrayList<>();
        checkNik(manifest, notes);
        checkListedNames(manifest);
        checkListedAgainstPresent(manifest, present);
        checkListedTotal(manifest, budget);
        for (Manifest.Entry listed : manifest.entries()) {
            checkContent(listed, reader.digest(present.get(listed.name())));
        }
        return Inspection.valid(manifest, notes);
    }

    /** The zip's entries by name, once each name is known to be plain and unique. */
    private static Map<String, ZipLayout.Entry> presentEntries(List<ZipLayout.Entry> entries)
            throws PacketRejectedException {
        Map<String, ZipLayout.Entry> present = new LinkedHashMap<>();
        for (ZipLayout.Entry entry : entries) {
            String name = entry.name();
            Optional<String> problem = EntryNames.problem(name);
            if (problem.isPresent()) {
                throw new PacketRejectedException(RejectReason.UNSAFE_ENTRY_NAME,
                        "zip entry " + EntryNames.printable(name) + ": " + problem.get());
            }
            if (present.putIfAbsent(name, entry) != null) {
                throw new PacketRejectedException(RejectReason.DUPLICATE_ENTRY,
                        "zip entry " + EntryNames.printable(name) + " is in the zip more than once");
            }
        }
        return present;
    }

    private static byte[] manifestBytes(Map<String, ZipLayout.Entry> present, EntryReader reader)
            throws IOException, PacketRejectedException {
        ZipLayout.Entry entry = present.get(MANIFEST);
        if (entry == null) {
            throw new PacketRejectedException(RejectReason.MISSING_MANIFEST, "the zip has no manifest.json");
        }
        // Read with a cap, not by the size the zip header claims.
        byte[] bytes = reader.readAtMost(entry, MAX_MANIFEST_BYTES);
        if (bytes == null) {
            throw new PacketRejectedException(RejectReason.MALFORMED_MANIFEST,
                    "manifest.json is larger than " + MAX_MANIFEST_BYTES + " bytes (1 MiB); no manifest is that large");
        }
        return bytes;
    }

    private static void checkFileName(Manifest manifest, String fileName) throws PacketRejectedException {
        String expected = manifest.packetId() + ".zip";
        if (fileName == null || !fileName.equals(expected)) {
            String idPart = fileName != null && fileName.endsWith(".zip")
                    ? fileName.substring(0, fileName.length() - 4) : null;
            String why = Codes.matches(Codes.PACKET_ID, idPart)
                    ? "names packet " + idPart
                    : "is not a packet id followed by .zip";
            throw new PacketRejectedException(RejectReason.PACKET_ID_MISMATCH, "file name "
                    + (fileName == null ? "(none)" : EntryNames.printable(fileName)) + " " + why
                    + ", but the manifest's packetId is " + manifest.packetId());
        }
    }

    /**
     * The manifest must name the device the packet was taken from, and so must the packet id (which
     * the file name repeats): a packet from one kecamatan's outbox claiming another is misfiled.
     */
    private static void checkOrigin(Manifest manifest, PacketOrigin origin) throws PacketRejectedException {
        String from = "device " + origin.deviceId() + " of kecamatan " + origin.kecamatanCode();
        if (!manifest.kecamatanCode().equals(origin.kecamatanCode())) {
            throw new PacketRejectedException(RejectReason.WRONG_ORIGIN, "manifest kecamatanCode is "
                    + manifest.kecamatanCode() + ", but the packet came from " + from);
        }
        if (!manifest.deviceId().equals(origin.deviceId())) {
            throw new PacketRejectedException(RejectReason.WRONG_ORIGIN, "manifest deviceId is "
                    + manifest.deviceId() + ", but the packet came from " + from);
        }
        // packetId is KKKKKK-DEVICE-...; its form was checked with the manifest.
        String[] parts = manifest.packetId().split("-");
        if (!parts[0].equals(Codes.compact(origin.kecamatanCode())) || !parts[1].equals(origin.deviceId())) {
            throw new PacketRejectedException(RejectReason.WRONG_ORIGIN, "packet id " + manifest.packetId()
                    + " names kecamatan " + parts[0] + " and device " + parts[1] + ", but the packet came from "
                    + from + " and its manifest says so too");
        }
    }

    private static void checkNik(Manifest manifest, List<String> notes) throws PacketRejectedException {
        Optional<String> problem = Nik.problem(manifest.nik());
        if (problem.isPresent()) {
            throw new PacketRejectedException(RejectReason.INVALID_NIK, "manifest nik: " + problem.get());
        }
        // Where a NIK was first issued can differ from where its holder records today (ICD §0).
        String issued = Nik.issuingKecamatan(manifest.nik());
        if (!issued.equals(manifest.kecamatanCode())) {
            notes.add("NIK first issued in " + issued + ", recorded in " + manifest.kecamatanCode());
        }
    }

    private static void checkListedNames(Manifest manifest) throws PacketRejectedException {
        Set<String> seen = new HashSet<>();
        for (Manifest.Entry listed : manifest.entries()) {
            String name = listed.name();
            Optional<String> problem = EntryNames.problem(name);
            if (problem.isPresent()) {
                throw new PacketRejectedException(RejectReason.UNSAFE_ENTRY_NAME,
                        "manifest entry " + EntryNames.printable(name) + ": " + problem.get());
            }
            if (name.equals(MANIFEST)) {
                throw new PacketRejectedException(RejectReason.INVALID_MANIFEST,
                        "manifest lists manifest.json itself, whose digest it cannot know");
            }
            if (!seen.add(name)) {
                throw new PacketRejectedException(RejectReason.DUPLICATE_ENTRY,
                        "manifest lists entry " + EntryNames.printable(name) + " more than once");
            }
        }
        if (manifest.entries().size() > MAX_ENTRIES) {
            throw new PacketRejectedException(RejectReason.TOO_MANY_ENTRIES, "manifest lists "
                    + manifest.entries().size() + " entries; at most " + MAX_ENTRIES + " are allowed");
        }
    }

    private static void checkListedAgainstPresent(Manifest manifest, Map<String, ZipLayout.Entry> present)
            throws PacketRejectedException {
        Set<String> listed = new HashSet<>();
        for (Manifest.Entry entry : manifest.entries()) {
            listed.add(entry.name());
            if (!present.containsKey(entry.name())) {
                throw new PacketRejectedException(RejectReason.MISSING_ENTRY, "manifest lists entry "
                        + EntryNames.printable(entry.name()) + ", which is not in the zip");
            }
        }
        for (String name : present.keySet()) {
            if (!name.equals(MANIFEST) && !listed.contains(name)) {
                throw new PacketRejectedException(RejectReason.UNLISTED_ENTRY, "zip entry "
                        + EntryNames.printable(name) + " is not listed in the manifest");
            }
        }
    }

    /** An honest manifest that declares too much is refused without inflating anything. */
    private static void checkListedTotal(Manifest manifest, UncompressedBudget budget) throws PacketRejectedException {
        long total = 0;
        for (Manifest.Entry entry : manifest.entries()) {
            total = saturatedAdd(total, entry.size());
        }
        if (total > budget.remaining()) {
            throw new PacketRejectedException(RejectReason.TOO_LARGE, "manifest lists " + total
                    + " bytes of entries; with manifest.json that is more than the limit of " + budget.limit() + " bytes");
        }
    }

    private static void checkContent(Manifest.Entry listed, EntryReader.Digest actual) throws PacketRejectedException {
        String name = EntryNames.printable(listed.name());
        if (actual.size() != listed.size()) {
            throw new PacketRejectedException(RejectReason.SIZE_MISMATCH, "entry " + name + " is "
                    + actual.size() + " bytes, manifest says " + listed.size());
        }
        if (!actual.sha256().equals(listed.sha256())) {
            throw new PacketRejectedException(RejectReason.CHECKSUM_MISMATCH, "entry " + name + ": sha256 is "
                    + actual.sha256() + ", manifest says " + listed.sha256());
        }
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }
}
