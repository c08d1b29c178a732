package id.ektp.hub.sandbox.sim;

import id.ektp.hub.sandbox.packets.PacketDefect;
import id.ektp.hub.sandbox.packets.PacketFactory;
import id.ektp.hub.sandbox.packets.PacketSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A kecamatan enrollment device: leaves a finished packet in its SFTP outbox now and then,
 * the way the real ones do (the zip first, then its empty {@code .done} marker). A few
 * packets come out bad in the ways real devices fail, so quarantine has something to show.
 */
public final class DeviceSimulator implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger("sandbox.devices");
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

    public DeviceSimulator(String kecamatanCode, String deviceId, Path outbox, double faultRatio, long seed, Clock clock) {
        this.kecamatanCode = kecamatanCode;
        this.deviceId = deviceId;
        this.outbox = outbox;
        this.faultRatio = faultRatio;
        this.random = new Random(seed);
        this.clock = clock;
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
            if (defect != PacketDefect.NONE) {
                LOG.info("device {}/{}: wrote {} (deliberately bad: {})", kecamatanCode, deviceId, spec.packetId(), defect);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("device {}/{}: could not write a packet: {}", kecamatanCode, deviceId, e.toString());
        }
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
