package id.ektp.hub.up;

import id.ektp.hub.codes.UntrustedText;
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
import id.ektp.hub.spool.BackgroundFsync;
import id.ektp.hub.spool.Spool;
import id.ektp.hub.spool.SpooledFile;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
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
 * <p>When a poll is due: every {@code pollInterval} while the device answers; at the route's next
 * tick (250 ms) after a line cut or a failed connect within two minutes of its last answer (a
 * kecamatan line drops several times an hour and comes back in seconds: every second of it is
 * needed); with a capped backoff (doubling, up to four poll intervals) for a device that refuses
 * the hub or stays unreachable longer.
 *
 * <p>A failure of the device or its line is the device's link down, logged once per change as a
 * WARN with how far the transfer got: the exchange itself succeeds, so no ERROR is logged and
 * the next tick simply goes on. A failure of the hub's own disk or store throws: the exchange
 * fails (route policy {@code leave-at-source}) and the device keeps everything.
 */
public final class DeviceIntake {
    /**
     * Header of a tick's exchange: the names of the packet files this poll made the hub's and
     * removed from the device (a {@code List<String>}, absent when none), so a trace or a test can
     * tell which packets a tick took.
     */
    public static final String TAKEN_FILES = "EktpTakenFiles";
    private static final Logger LOG = LoggerFactory.getLogger("ektp.devices");
    private static final long RECOVER_NANOS = Duration.ofMinutes(2).toNanos();
    /** The slowest a transfer may be before its deadline cuts it (bytes per second), on top of readTimeout. */
    private static final long SLOWEST_BYTES_PER_SECOND = 16 * 1024;

    private final SftpSessions sessions;
    private final Links links;
    private final Supplier<List<Device>> devices;
    private final IntakeRoom floor;
    private final PacketIntake intake;
    private final Spool spool;
    private final Map<String, Schedule> schedules = new ConcurrentHashMap<>();

    public DeviceIntake(SftpSessions sessions, Links links, Supplier<List<Device>> devices, IntakeRoom floor,
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
            links.down(key, UntrustedText.sentence(failure.getMessage()));
            schedule.failed(now, failure.kind(), interval);
        } finally {
            if (taken.bytes > 0) {
                exchange.getMessage().setHeader(Exchange.FILE_LENGTH, taken.bytes);
            }
            if (!taken.removed.isEmpty()) {
                exchange.getMessage().setHeader(TAKEN_FILES, List.copyOf(taken.removed));
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
        Batch batch = new Batch(device, ref, link, taken);
        List<RemoteFile> toTake = new ArrayList<>();
        List<RemoteFile> heldAlready = new ArrayList<>();
        Map<String, RemoteFile> held = schedule(key).heldOnDevice;
        for (RemoteFile file : outbox.packets()) {
            (file.equals(held.get(file.name())) ? heldAlready : toTake).add(file);
        }
        held.clear();
        if (!heldAlready.isEmpty()) {
            // Made the hub's just before the line broke, unchanged since: only their removal was left.
            if (!DeviceOutboxCommit.commitAll(link, heldAlready.stream().map(f -> path(device, f.name())).toList(), key,
                    taken::removed)) {
                heldAlready.forEach(f -> held.put(f.name(), f));
                throw new PeerFailure(PeerFailure.Kind.CUT, "removing packets the hub holds: the line broke", null);
            }
        }
        try {
            for (RemoteFile file : toTake) {
                if (file.size() > intake.maxFileBytes()) {
                    intake.tooLarge(file.name(), ref, file.size());
                    continue;
                }
                try (IntakeRoom.Held room = floor.reserve(file.size())) {
                    if (room == null) {
                        break; // the floor is logged where it is kept; the rest waits on the device
                    }
                    Path partial = spool.incoming().resolve(key + "~" + file.name() + ".partial");
                    Duration limit = readTimeout.plusSeconds(file.size() / SLOWEST_BYTES_PER_SECOND);
                    try (SftpLink.Deadline deadline = link.deadline(limit, "the download of " + file.name())) {
                        batch.add(file, partial, ResumableDownload.fetch(link, path(device, file.name()), file, partial,
                                notice -> LOG.info("device {}: {}", ref, UntrustedText.sentence(notice))));
                    }
                }
                if (batch.due()) {
                    batch.flush();
                }
            }
        } catch (PeerFailure failure) {
            batch.flush(); // what arrived whole is the hub's; the device's copies go at the next poll
            throw failure;
        }
        batch.flush();
    }

    private Schedule schedule(String key) {
        return schedules.computeIfAbsent(key, k -> new Schedule());
    }

    /**
     * Downloaded packets made the hub's together ({@link PacketIntake#takeAll}: one commit and one
     * folder sync for the group, once every file of it is forced to the disk) and only then
     * removed from the device. A group is closed after
     * 64 files, 16 MiB or a second, whichever comes first: on a slow line each packet is the
     * hub's, and gone from the device, as soon as it is down. Packets made the hub's while the
     * line is broken are remembered with the size and time the device showed, and removed first
     * at the next poll if the device still shows them so (never downloaded again).
     */
    private final class Batch {
        private static final int MAX_FILES = 64;
        private static final long MAX_BYTES = 16L * 1024 * 1024;
        private static final long MAX_NANOS = 1_000_000_000L;
        private final Device device;
        private final DeviceRef ref;
        private final SftpLink link;
        private final Taken taken;
        private final List<PacketIntake.Downloaded> files = new ArrayList<>();
        private final List<Path> partials = new ArrayList<>();
        private final List<RemoteFile> remote = new ArrayList<>();
        private final List<CompletableFuture<Void>> forcing = new ArrayList<>();
        private long bytes;
        private long startedNanos;

        Batch(Device device, DeviceRef ref, SftpLink link, Taken taken) {
            this.device = device;
            this.ref = ref;
            this.link = link;
            this.taken = taken;
        }

        void add(RemoteFile file, Path partial, ResumableDownload.Result got) {
            if (files.isEmpty()) {
                startedNanos = System.nanoTime();
            }
            remote.add(file);
            files.add(new PacketIntake.Downloaded(file.name(), new SpooledFile(got.file(), got.sha256(), got.size())));
            partials.add(partial);
            forcing.add(BackgroundFsync.force(got.file())); // while the next one downloads
            bytes += got.size();
        }

        boolean due() {
            return files.size() >= MAX_FILES || bytes >= MAX_BYTES || System.nanoTime() - startedNanos > MAX_NANOS;
        }

        void flush() throws IOException {
            if (files.isEmpty()) {
                return;
            }
            BackgroundFsync.awaitAll(forcing);
            forcing.clear();
            intake.takeAll(ref, files);
            for (Path partial : partials) {
                ResumableDownload.forget(partial);
            }
            taken.packets += files.size();
            taken.bytes += bytes;
            if (!link.isOpen() || !DeviceOutboxCommit.commitAll(link,
                    files.stream().map(d -> path(device, d.fileName())).toList(), device.key(), taken::removed)) {
                remote.forEach(f -> schedule(device.key()).heldOnDevice.put(f.name(), f));
            }
            files.clear();
            remote.clear();
            partials.clear();
            bytes = 0;
        }
    }

    private static String path(Device device, String name) {
        return device.outboxDir() + "/" + name;
    }

    /** What one poll took. */
    private static final class Taken {
        final List<String> removed = new ArrayList<>();
        int packets;
        long bytes;

        /** A packet's zip and done file removed from the device. */
        void removed(String zipPath) {
            removed.add(zipPath.substring(zipPath.lastIndexOf('/') + 1));
        }
    }

    /**
     * When a device's next poll is due. A device that answered or whose line was cut in the last
     * two minutes is tried again at the next tick (its line is most likely back in seconds); a
     * device that refuses the hub, or has not answered for longer, waits a backoff that doubles
     * up to four poll intervals.
     */
    private static final class Schedule {
        /** Packets the hub holds whose removal from the device a broken line interrupted. */
        final Map<String, RemoteFile> heldOnDevice = new ConcurrentHashMap<>();
        volatile long nextNanos = System.nanoTime();
        private int failures;
        private boolean answered;
        private long lastAnswered;

        synchronized void succeeded(long now, long wait) {
            failures = 0;
            answered = true;
            lastAnswered = now;
            nextNanos = now + wait;
        }

        synchronized void failed(long now, PeerFailure.Kind kind, long interval) {
            if (kind == PeerFailure.Kind.CUT) {
                answered = true;
                lastAnswered = now;
            }
            boolean recent = answered && now - lastAnswered < RECOVER_NANOS;
            if (recent && kind != PeerFailure.Kind.REFUSED) {
                nextNanos = now; // the next tick: the line may be back any moment
                return;
            }
            failures++;
            nextNanos = now + Math.min(interval << Math.min(failures - 1, 2), 4 * interval);
        }
    }
}
