package id.ektp.hub.bench;

import id.ektp.hub.sandbox.packets.PacketFactory;
import id.ektp.hub.sandbox.packets.PacketSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * One scenario's packets, generated once into a staging folder and then placed into the device
 * outbox for every contestant and run. All packets are valid and come from the one benchmark
 * device; each has its own capture time (one second apart) and sequence number, so the hub's
 * FIFO order is the file-name order.
 *
 * <p>The staging folder ends with {@value #LIST}, in {@code sha256sum} format; a folder with
 * that list is reused by later invocations instead of being generated again.
 */
final class PacketSet {
    static final String LIST = "packets.sha256";

    /** One staged packet: its file name ({@code <packetId>.zip}), size and SHA-256. */
    record Packet(String fileName, long size, String sha256) {}

    private final Path dir;
    private final List<Packet> packets;

    private PacketSet(Path dir, List<Packet> packets) {
        this.dir = dir;
        this.packets = List.copyOf(packets);
    }

    Path dir() {
        return dir;
    }

    List<Packet> packets() {
        return packets;
    }

    long totalBytes() {
        return packets.stream().mapToLong(Packet::size).sum();
    }

    /** The staged packets of this shape, generating them first unless an earlier run left them. */
    static PacketSet ensure(Path stagingRoot, String scenario, int count, long targetBytes, int dayOffset) {
        Path dir = stagingRoot.resolve(scenario + "-" + count + "x" + targetBytes);
        Path list = dir.resolve(LIST);
        try {
            if (Files.isRegularFile(list)) {
                List<Packet> known = read(dir, list);
                if (known.size() == count) {
                    System.out.printf("[%s] reusing %d staged packets in %s%n", scenario, count, dir);
                    return new PacketSet(dir, known);
                }
            }
            BenchIo.emptyDir(dir);
            long start = System.nanoTime();
            System.out.printf("[%s] generating %d packets of ~%d bytes into %s%n", scenario, count, targetBytes, dir);
            OffsetDateTime base = OffsetDateTime.of(2026, 11, 23, 8, 0, 0, 0, ZoneOffset.ofHours(7)).plusDays(dayOffset);
            PacketFactory factory = new PacketFactory();
            List<Packet> made = IntStream.rangeClosed(1, count).parallel().mapToObj(i -> {
                PacketSpec spec = PacketSpec.builder()
                        .kecamatanCode(BenchEnvironment.KECAMATAN).deviceId(BenchEnvironment.DEVICE_ID)
                        .capturedAt(base.plusSeconds(i)).sequence(i).targetBytes(targetBytes)
                        .seed(dayOffset * 1_000_000L + i).build();
                try {
                    Path zip = factory.write(spec, dir);
                    return new Packet(zip.getFileName().toString(), Files.size(zip), BenchIo.sha256(zip));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sorted((a, b) -> a.fileName().compareTo(b.fileName())).toList();
            List<String> lines = new ArrayList<>();
            for (Packet p : made) {
                lines.add(p.sha256() + "  " + p.fileName());
            }
            Files.write(list, lines, StandardCharsets.US_ASCII);
            System.out.printf("[%s] generated %d packets, %.1f MB, in %.1f s%n", scenario, count,
                    made.stream().mapToLong(Packet::size).sum() / 1e6, BenchIo.seconds(System.nanoTime() - start));
            return new PacketSet(dir, made);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stage packets in " + dir, e);
        }
    }

    private static List<Packet> read(Path dir, Path list) throws IOException {
        List<Packet> packets = new ArrayList<>();
        for (String line : Files.readAllLines(list, StandardCharsets.US_ASCII)) {
            if (line.isBlank()) {
                continue;
            }
            String sha = line.substring(0, 64);
            String name = line.substring(66);
            Path zip = dir.resolve(name);
            if (!Files.isRegularFile(zip)) {
                return List.of();
            }
            packets.add(new Packet(name, Files.size(zip), sha));
        }
        return packets;
    }

    /**
     * Places every packet into {@code outbox} as a device does: the zip, then its empty
     * {@code .done}. The zip is a hard link to the staged file where the file system allows
     * (nothing to write, so nothing to flush), a copy otherwise.
     */
    void placeInto(Path outbox) {
        BenchIo.emptyDir(outbox);
        try {
            for (Packet p : packets) {
                Path target = outbox.resolve(p.fileName());
                try {
                    Files.createLink(target, dir.resolve(p.fileName()));
                } catch (IOException | UnsupportedOperationException e) {
                    Files.copy(dir.resolve(p.fileName()), target);
                }
                Files.write(outbox.resolve(p.fileName() + ".done"), new byte[0]);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot place packets into " + outbox, e);
        }
    }

    /**
     * Makes every packet appear in {@code outbox} at once: placed into a sibling folder first,
     * which then replaces the (empty) outbox by one atomic rename. For timing a hub that is
     * already running, whose next poll should find the whole set, not a set being written.
     */
    void placeAtOnce(Path outbox) {
        if (!BenchIo.names(outbox).isEmpty()) {
            throw new BenchmarkFailure("device outbox " + outbox + " is not empty");
        }
        Path next = outbox.resolveSibling(outbox.getFileName() + ".next");
        placeInto(next);
        try {
            // rename(2) replaces an empty directory atomically
            Files.move(next, outbox, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move " + next + " over " + outbox, e);
        }
    }

    java.util.Set<String> packetIds() {
        return packets.stream().map(p -> p.fileName().substring(0, p.fileName().length() - 4))
                .collect(Collectors.toSet());
    }

    /**
     * Checks that {@code dir} holds every packet with the device's exact bytes (size and
     * SHA-256 of every file); returns a problem description, or null when all match.
     */
    String verify(Path target) {
        List<String> problems = packets.parallelStream().map(p -> {
            Path file = target.resolve(p.fileName());
            try {
                if (!Files.isRegularFile(file)) {
                    return p.fileName() + " missing";
                }
                if (Files.size(file) != p.size()) {
                    return p.fileName() + " has " + Files.size(file) + " bytes, device had " + p.size();
                }
            } catch (IOException e) {
                return p.fileName() + ": " + e.getMessage();
            }
            String sha = BenchIo.sha256(file);
            return sha.equals(p.sha256()) ? null : p.fileName() + " sha256 " + sha + " != device's " + p.sha256();
        }).filter(s -> s != null).toList();
        if (problems.isEmpty()) {
            return null;
        }
        return problems.size() + " of " + packets.size() + " packets wrong, e.g. " + problems.get(0);
    }
}
