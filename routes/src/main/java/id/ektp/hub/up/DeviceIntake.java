package id.ektp.hub.up;

import id.ektp.hub.codes.Nik;
import id.ektp.hub.config.HubConfig.Device;
import id.ektp.hub.connectors.device.DeviceConnector;
import id.ektp.hub.connectors.device.DeviceOutboxCommit;
import id.ektp.hub.connectors.device.DeviceRef;
import id.ektp.hub.connectors.link.Links;
import id.ektp.hub.connectors.sftp.PeerFailure;
import id.ektp.hub.connectors.sftp.RemoteFile;
import id.ektp.hub.connectors.sftp.ResumableDownload;
import id.ektp.hub.connectors.sftp.SftpLink;
import id.ektp.hub.connectors.sftp.SftpSessions;
import id.ektp.hub.observe.DiskFloor;
import id.ektp.hub.spool.Spool;
import id.ektp.hub.spool.SpooledFile;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One device's intake, called at each tick of its route ({@code up-intake-<device key>}):
 * decides whether a poll is due, and if so takes the finished packets of the device's outbox,
 * oldest first, each one downloaded resumably ({@link ResumableDownload}: a cut line costs only
 * the bytes in flight), made durably ours by {@link PacketIntake}, and only then removed from
 * the device ({@link DeviceOutboxCommit}: zip first, then its {@code .done}).
 *
 * <p>When a poll is due: every {@code pollInterval} while the device answers; about a second
 * after a line cut, for two minutes (a kecamatan line drops several times an hour and comes back
 * in seconds: every second of it is needed); with a capped backoff (doubling, up to four poll
 * intervals) for a device that refuses the hub or stays unreachable.
 *
 * <p>A failure of the device or its line is the device's link down, logged once per change as a
 * WARN with how far the transfer got: the exchange itself succeeds, so no ERROR is logged and
 * the next tick simply goes on. A failure of the hub's own disk or store throws: the exchange
 * fails (route policy {@code leave-at-source}) and the device keeps everything.
 */
public final class DeviceIntake {
    private static final Logger LOG = LoggerFactory.getLogger("ektp.devices");
    private static final long RECOVER_NANOS = Duration.ofMinutes(2).toNanos();
    /** The slowest a transfer may be before its deadline cuts it (bytes per second), on top of readTimeout. */
    private static final long SLOWEST_BYTES_PER_SECOND = 16 * 1024;

    private final SftpSessions sessions;
    private final Links links;
    private final Supplier<List<Device>> devices;
    private final DiskFloor floor;
    private final PacketIntake intake;
    private final Spool spool;
    private final Map<String, Schedule> schedules = new ConcurrentHashMap<>();

    public DeviceIntake(SftpSessions sessions, Links links, Supplier<List<Device>> devices, DiskFloor floor,
                        PacketIntake intake, Spool spool) {
        this.sessions = sessions;
        this.links = links;
        this.devices = devices;
        this.floor = floor;
        this.intake = intake;
        this.spool = spool;
    }

    /**
     * One tick of a device's route. Sets {@link Exchange#FILE_LENGTH} to the bytes taken (the
     * metrics count them) and tells the scheduler to tick again at once while there was work.
     */
    public void poll(Exchange exchange) throws IOException {
        String key = exchange.getMessage().getHeader(DeviceConnector.DEVICE_HEADER, String.class);
        Optional<Device> configured = devices.get().stream().filter(d -> d.key().equals(key)).findFirst();
        Schedule schedule = schedules.computeIfAbsent(key, k -> new Schedule());
        long now = System.nanoTime();
        if (configured.isEmpty() || now < schedule.nextNanos) {
            exchange.setProperty(Exchange.SCHEDULER_POLLED_MESSAGES, 0);
            return;
        }
        Device device = configured.get();
        long interval = device.pollInterval().toNanos();
        Taken taken = new Taken();
        try {
            take(device, taken);
            schedule.succeeded(now, taken.packets > 0 ? 0 : interval);
        } catch (PeerFailure failure) {
            sessions.drop(key);
            links.down(key, Nik.maskAll(failure.getMessage()));
            schedule.failed(now, failure.kind(), interval);
        } finally {
            if (taken.bytes > 0) {
                exchange.getMessage().setHeader(Exchange.FILE_LENGTH, taken.bytes);
            }
            exchange.setProperty(Exchange.SCHEDULER_POLLED_MESSAGES, taken.packets);
        }
    }

    private void take(Device device, Taken taken) throws IOException {
        String key = device.key();
        DeviceRef ref = DeviceRef.of(key);
        if (!floor.mayTakeMore()) {
            return; // nearly full: what the device holds waits there
        }
        SftpLink link = sessions.link(key, device.sftp());
        DeviceConnector.Outbox outbox = DeviceConnector.read(link, device.outboxDir());
        links.up(key);
        if (outbox.truncated()) {
            LOG.warn("device {}: its outbox lists more than {} entries; taking the oldest packets among them",
                    ref, DeviceConnector.MAX_LISTING);
        }
        for (RemoteFile done : outbox.orphanDones()) {
            String zip = done.name().substring(0, done.name().length() - DeviceConnector.DONE_SUFFIX.length());
            if (zip.endsWith(".zip") && intake.holds(zip.substring(0, zip.length() - 4))) {
                DeviceOutboxCommit.removeOrphan(link, path(device, done.name()), key);
            }
        }
        Duration readTimeout = device.sftp().readTimeout();
        for (RemoteFile file : outbox.packets()) {
            if (file.size() > intake.maxFileBytes()) {
                intake.tooLarge(file.name(), ref, file.size());
                continue;
            }
            DiskFloor.Reservation room = floor.reserve(file.size());
            if (room == null) {
                return; // the floor is logged by DiskFloor; the rest waits on the device
            }
            try (room) {
                Path partial = spool.incoming().resolve(key + "~" + file.name() + ".partial");
                Duration limit = readTimeout.plusSeconds(file.size() / SLOWEST_BYTES_PER_SECOND);
                ResumableDownload.Result got;
                try (SftpLink.Deadline deadline = link.deadline(limit, "the download of " + file.name())) {
                    got = ResumableDownload.fetch(link, path(device, file.name()), file, partial,
                            notice -> LOG.info("device {}: {}", ref, Nik.maskAll(notice)));
                }
                intake.take(file.name(), ref, new SpooledFile(got.file(), got.sha256(), got.size()));
                ResumableDownload.forget(partial);
                taken.packets++;
                taken.bytes += got.size();
                DeviceOutboxCommit.commit(link, path(device, file.name()), key);
            }
        }
    }

    private static String path(Device device, String name) {
        return device.outboxDir() + "/" + name;
    }

    /** What one poll took. */
    private static final class Taken {
        int packets;
        long bytes;
    }

    /** When a device's next poll is due. */
    private static final class Schedule {
        volatile long nextNanos = System.nanoTime();
        private int failures;
        private boolean recovering;
        private long recoverUntil;

        synchronized void succeeded(long now, long wait) {
            failures = 0;
            nextNanos = now + wait;
        }

        synchronized void failed(long now, PeerFailure.Kind kind, long interval) {
            if (kind == PeerFailure.Kind.CUT) {
                recovering = true;
                recoverUntil = now + RECOVER_NANOS;
            }
            recovering &= now - recoverUntil < 0;
            if (recovering && kind != PeerFailure.Kind.REFUSED) {
                nextNanos = now; // the next tick: the line may be back any moment
                return;
            }
            failures++;
            nextNanos = now + Math.min(interval << Math.min(failures - 1, 2), 4 * interval);
        }
    }
}
