package id.ektp.hub.spool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Forces files to the disk on threads of their own, so that a transfer goes on over the line
 * while the disk catches up: the intake downloads the next packet while the last one is being
 * forced, and waits for all of them only before it makes them the hub's (one commit for the
 * group). An fsync is the disk's time, not a CPU's: on a LAN it was an eighth of the intake's.
 */
public final class BackgroundFsync {
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final ExecutorService FORCES = Executors.newFixedThreadPool(2, task -> {
        Thread thread = new Thread(task, "spool-fsync-" + THREADS.incrementAndGet());
        thread.setDaemon(true); // holds nothing: a caller that needs the result waits for it
        return thread;
    });

    private BackgroundFsync() {}

    /** Starts forcing {@code file}'s bytes to the disk. */
    public static CompletableFuture<Void> force(Path file) {
        return CompletableFuture.runAsync(() -> {
            try {
                SecureFiles.fsync(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, FORCES);
    }

    /** Waits until every one of {@code forces} is on the disk; the first failure is thrown. */
    public static void awaitAll(List<CompletableFuture<Void>> forces) throws IOException {
        IOException failed = null;
        for (CompletableFuture<Void> force : forces) {
            try {
                force.join();
            } catch (CompletionException e) {
                if (failed == null) {
                    failed = e.getCause() instanceof UncheckedIOException u ? u.getCause()
                            : new IOException("forcing a file to the disk failed", e.getCause());
                }
            }
        }
        if (failed != null) {
            throw failed;
        }
    }
}
