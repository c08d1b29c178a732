package id.ektp.hub.connectors.printer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileEndpoint;
import org.apache.camel.component.file.GenericFileExclusiveReadLockStrategy;
import org.apache.camel.component.file.GenericFileOperations;

/**
 * The read lock of the printers' {@code results/} routes: a file is taken once two polls in a
 * row listed it with the same size and modification time, and it is not empty. A printer may
 * write its result in several steps, and the ICD gives it no temporary name, so a file seen for
 * the first time is left for the next poll.
 *
 * <p>Why not Camel's {@code readLock=changed}: it waits its check interval on each file in turn,
 * so a backlog drains at one file per interval (a second over SFTP: ten minutes for the 600
 * results a printer wrote while the hub was down), and its fast path ({@code readLockMinAge})
 * compares the file's time, set by the printer's clock or a file server's, with ours. Here a
 * whole listing settles in one poll interval, and only the printer's own times are compared.
 *
 * <p>One instance serves every printer route; observations are kept per route and path, and
 * forgotten when the file is taken or, for a file that vanished, after {@link #FORGET_AFTER_NANOS}.
 */
public final class SettledSinceLastPoll<T> implements GenericFileExclusiveReadLockStrategy<T> {
    static final long FORGET_AFTER_NANOS = TimeUnit.MINUTES.toNanos(10);

    private record Seen(long length, long lastModified, long atNanos) {}

    private final Map<String, Seen> seen = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;
    private volatile long lastPruned;

    public SettledSinceLastPoll() {
        this(System::nanoTime);
    }

    SettledSinceLastPoll(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.lastPruned = nanoTime.getAsLong();
    }

    @Override
    public boolean acquireExclusiveReadLock(GenericFileOperations<T> operations, GenericFile<T> file, Exchange exchange) {
        long now = nanoTime.getAsLong();
        prune(now);
        String key = exchange.getFromRouteId() + "|" + file.getAbsoluteFilePath();
        Seen current = new Seen(file.getFileLength(), file.getLastModified(), now);
        Seen before = seen.put(key, current);
        boolean settled = before != null && current.length() > 0
                && before.length() == current.length() && before.lastModified() == current.lastModified();
        if (settled) {
            seen.remove(key);
        }
        return settled;
    }

    /** How many files are being watched: for tests. */
    int watching() {
        return seen.size();
    }

    private void prune(long now) {
        if (now - lastPruned < TimeUnit.MINUTES.toNanos(1)) {
            return;
        }
        lastPruned = now;
        seen.values().removeIf(s -> now - s.atNanos() > FORGET_AFTER_NANOS);
    }

    // Nothing to prepare or release: no marker files, no locks held on the printer's side.

    @Override
    public void prepareOnStartup(GenericFileOperations<T> operations, GenericFileEndpoint<T> endpoint) {
    }

    @Override
    public void releaseExclusiveReadLockOnAbort(GenericFileOperations<T> operations, GenericFile<T> file, Exchange exchange) {
    }

    @Override
    public void releaseExclusiveReadLockOnRollback(GenericFileOperations<T> operations, GenericFile<T> file,
                                                   Exchange exchange) {
    }

    @Override
    public void releaseExclusiveReadLockOnCommit(GenericFileOperations<T> operations, GenericFile<T> file,
                                                 Exchange exchange) {
    }

    @Override
    public void setTimeout(long timeout) {
    }

    @Override
    public void setCheckInterval(long checkInterval) {
    }

    @Override
    public void setReadLockLoggingLevel(LoggingLevel readLockLoggingLevel) {
    }

    @Override
    public void setMarkerFiler(boolean markerFile) {
    }

    @Override
    public void setDeleteOrphanLockFiles(boolean deleteOrphanLockFiles) {
    }
}
