package id.ektp.hub.observe;

import id.ektp.hub.up.IntakeRoom;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Free space on the disk holding {@code dataDir}, against {@code limits.minFreeBytes}. Below
 * the floor the hub takes no more packets from the devices, batches from the ministry or
 * results from the printers: they wait where they are, which is safe (each keeps its file until
 * the hub has it), while a full disk would make every write in the hub fail, its state store's
 * included. Forwarding, printing and reporting go on, and forwarding frees the space the spool
 * holds. Asked before each poll of those consumers;
 * the change of state is logged once each way.
 */
public final class DiskFloor implements IntakeRoom {
    private static final Logger LOG = LoggerFactory.getLogger("ektp.disk");

    /** What the status page shows. {@code since} is when the space went below the floor, else null. */
    public record Reading(long freeBytes, long totalBytes, long minFreeBytes, boolean below, Instant since,
                          long pausedPolls) {}

    private final Path dataDir;
    private final LongSupplier minFreeBytes;
    private final Clock clock;
    private final AtomicLong pausedPolls = new AtomicLong();
    private final AtomicLong inFlight = new AtomicLong();
    private volatile Instant belowSince;
    private volatile FileStore store;

    public DiskFloor(Path dataDir, LongSupplier minFreeBytes, Clock clock) {
        this.dataDir = dataDir;
        this.minFreeBytes = minFreeBytes;
        this.clock = clock;
    }

    /**
     * Whether an intake poll may go ahead: false (counted as a paused poll) while the free space
     * is below the floor. A disk that cannot be asked is not a reason to stop: the writes
     * themselves will say what is wrong.
     */
    @Override
    public boolean mayTakeMore() {
        Reading r = read();
        if (r.below()) {
            pausedPolls.incrementAndGet();
        }
        return !r.below();
    }

    /**
     * Before each file taken (a poll may take up to 1,000): room for {@code bytes} more above the
     * floor, counting what other intakes are downloading right now. The reservation is closed
     * once the file is on the disk (or given up); null when there is no room, counted as a
     * paused poll.
     */
    @Override
    public Held reserve(long bytes) {
        Reading r = read();
        long wanted = inFlight.addAndGet(bytes);
        if (r.freeBytes() >= 0 && r.freeBytes() - wanted < r.minFreeBytes()) {
            inFlight.addAndGet(-bytes);
            pausedPolls.incrementAndGet();
            return null;
        }
        return () -> inFlight.addAndGet(-bytes);
    }

    /** The space now, updating (and logging) the state. */
    public synchronized Reading read() {
        long floor = minFreeBytes.getAsLong();
        long free;
        long total;
        try {
            FileStore store = fileStore();
            free = store.getUsableSpace();
            total = store.getTotalSpace();
        } catch (IOException e) {
            return new Reading(-1, -1, floor, false, null, pausedPolls.get());
        }
        boolean below = free < floor;
        if (below && belowSince == null) {
            belowSince = clock.instant();
            LOG.warn("disk of {} nearly full: {} free of {}, below limits.minFreeBytes ({}): packets wait on the"
                    + " devices, PRR batches at the ministry and print results on the printers until space is"
                    + " freed; forwarding, printing and reports go on", dataDir, mib(free), mib(total), mib(floor));
        } else if (!below && belowSince != null) {
            LOG.info("disk of {}: {} free again (limits.minFreeBytes {}); taking packets, batches and results again,"
                    + " after {} paused poll(s)", dataDir, mib(free), mib(floor), pausedPolls.get());
            belowSince = null;
        }
        return new Reading(free, total, floor, below, belowSince, pausedPolls.get());
    }

    /**
     * The disk of {@code dataDir}, looked up once: finding it reads the whole mount table, which
     * asked before every file of a poll of 1,000 small packets cost more than the packets.
     */
    private FileStore fileStore() throws IOException {
        FileStore store = this.store;
        if (store == null) {
            store = Files.getFileStore(dataDir);
            this.store = store;
        }
        return store;
    }

    private static String mib(long bytes) {
        return (bytes / (1024 * 1024)) + " MiB";
    }
}
