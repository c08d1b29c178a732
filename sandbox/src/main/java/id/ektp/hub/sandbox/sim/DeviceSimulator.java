package id.ektp.hub.sandbox.sim;

import id.ektp.hub.sandbox.packets.PacketDefect;
import id.ektp.hub.sandbox.packets.PacketFactory;
import id.ektp.hub.sandbox.packets.PacketSpec;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A kecamatan enrollment device: leaves a finished packet in its SFTP outbox now and then,
 * the way the real ones do (the zip first, then its empty {@code .done} marker). A few
 * packets come out bad in the ways real devices fail, so quarantine has something to show.
 * It reads the receipts the hub writes to its {@code receipts/} ({@link #readReceipts}): the
 * operator at the kecamatan sees what became of each resident's recording.
 */
public final class DeviceSimulator implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger("sandbox.devices");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What goes wrong at real kecamatan offices, roughly in this order of frequency. */
    private static final List<PacketDefect> FAULTS = List.of(
            PacketDefect.TRUNCATED, PacketDefect.CHECKSUM_MISMATCH, PacketDefect.WRONG_KECAMATAN,
            PacketDefect.ZIP_SLIP);

    private final String kecamatanCode;
    private final String deviceId;
    private final Path outbox;
    private final double faultRatio;
    private final PacketFactory factory = new PacketFactory();
    private final Random random;
    private final Clock clock;
    private final AtomicInteger sequence = new AtomicInteger();
    private final AtomicInteger written = new AtomicInteger();
    private volatile boolean paused;
    private Path receipts;
    private Consumer<Recorded> register = r -> { };
    /** Each receipt file's state as last read, by file name. */
    private final Map<String, String> receiptStates = new ConcurrentHashMap<>();
    private final Map<String, Long> receiptTimes = new ConcurrentHashMap<>();

    /** One resident recorded here: what the sandbox lists so a newcomer can look them up at the counter. */
    public record Recorded(String nik, String packetId, String kecamatanCode, boolean deliberatelyBad) {}

    public DeviceSimulator(String kecamatanCode, String deviceId, Path outbox, double faultRatio, long seed, Clock clock) {
        this.kecamatanCode = kecamatanCode;
        this.deviceId = deviceId;
        this.outbox = outbox;
        this.faultRatio = faultRatio;
        this.random = new Random(seed);
        this.clock = clock;
    }

    /** Where the hub writes this device's receipts, and who is told of each resident recorded. */
    public DeviceSimulator withReceipts(Path receiptsDir, Consumer<Recorded> register) {
        this.receipts = receiptsDir;
        this.register = register;
        return this;
    }

    /** Records one citizen: writes one packet (sometimes a bad one) and its done marker. */
    @Override
    public void run() {
        if (paused) {
            return;
        }
        try {
            Files.createDirectories(outbox);
            int seq = sequence.incrementAndGet() % 10_000;
            PacketDefect defect = random.nextDouble() < faultRatio
                    ? FAULTS.get(random.nextInt(FAULTS.size())) : PacketDefect.NONE;
            PacketSpec spec = PacketSpec.builder()
                    .kecamatanCode(kecamatanCode).deviceId(deviceId)
                    .capturedAt(OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.ofHours(7)).withNano(0))
                    .sequence(seq)
                    .targetBytes(300 * 1024 + random.nextInt(700 * 1024))
                    .defect(defect)
                    .seed(random.nextLong())
                    .build();
            Path zip = factory.write(spec, outbox);
            factory.writeDone(zip);
            written.incrementAndGet();
            register.accept(new Recorded(spec.nik(), spec.packetId(), kecamatanCode, defect != PacketDefect.NONE));
            if (defect != PacketDefect.NONE) {
                LOG.info("device {}/{}: wrote {} (deliberately bad: {})", kecamatanCode, deviceId, spec.packetId(), defect);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("device {}/{}: could not write a packet: {}", kecamatanCode, deviceId, e.toString());
        }
    }

    /**
     * Reads the receipts changed since the last look, as the device's operator screen would, and
     * says in the log when a resident must be told something (duplicate, rejected, held).
     */
    public void readReceipts() {
        if (receipts == null || !Files.isDirectory(receipts)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(receipts, "*.receipt.json")) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                long modified = Files.getLastModifiedTime(file).toMillis();
                if (Long.valueOf(modified).equals(receiptTimes.get(name))) {
                    continue;
                }
                JsonNode receipt = JSON.readTree(Files.readString(file));
                String state = receipt.path("state").asText();
                receiptTimes.put(name, modified);
                if (!state.equals(receiptStates.put(name, state))
                        && List.of("DUPLICATE", "REJECTED", "QUARANTINED").contains(state)) {
                    LOG.info("device {}/{}: receipt for {}: {}: {}", kecamatanCode, deviceId,
                            receipt.path("packetId").asText(), state, receipt.path("detail").asText());
                }
            }
        } catch (IOException | RuntimeException e) {
            // A receipt being replaced at this moment: read at the next look.
            LOG.debug("device {}/{}: reading receipts: {}", kecamatanCode, deviceId, e.toString());
        }
    }

    /** The receipts read so far, by their latest state. */
    public Map<String, Integer> receiptsByState() {
        Map<String, Integer> counts = new TreeMap<>();
        receiptStates.values().forEach(state -> counts.merge(state, 1, Integer::sum));
        return counts;
    }

    /** A broken device records nothing (lightning, a forgotten password). */
    public void pause(boolean pause) {
        this.paused = pause;
    }

    public int written() {
        return written.get();
    }

    public String kecamatanCode() {
        return kecamatanCode;
    }

    public String deviceId() {
        return deviceId;
    }
}
