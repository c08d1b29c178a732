package id.ektp.hub.connectors.printer;

import id.ektp.hub.spool.SecureFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A printer's {@code queue/} on a local or mounted folder. The folder not being there (a share
 * not mounted) is the printer being offline. Each write is forced to disk before it counts.
 *
 * <p>{@link #writeAll} writes {@value #WRITERS} files at a time: a file system with a journal
 * (ext4, XFS) commits fsyncs that are in flight together as one, so a page of jobs costs a
 * fraction of one commit per file. Each file is still durable before {@code writeAll} returns.
 */
final class FolderPrinterQueue implements PrinterQueue {
    private static final Set<PosixFilePermission> GROUP_READS = PosixFilePermissions.fromString("rw-r-----");
    static final int WRITERS = 4;

    private final Path queue;
    private ExecutorService writers; // made on the first writeAll, ended by close

    FolderPrinterQueue(Path queue) {
        this.queue = queue;
    }

    @Override
    public void open() throws IOException {
        if (!Files.isDirectory(queue)) {
            throw new IOException("the queue folder is not there (a share not mounted?)");
        }
    }

    @Override
    public List<String> tempNames(String suffix) throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> found = Files.newDirectoryStream(queue, ".*" + suffix)) {
            found.forEach(p -> names.add(p.getFileName().toString()));
        }
        return names;
    }

    @Override
    public void write(String name, String content) throws IOException {
        Path file = queue.resolve(name);
        // The printer's spooler may run as another user of the printer group: group may read,
        // others never, not even for a moment (the job holds a resident's NIK): the mode is set
        // at creation, and a stale temp file of a crash is removed rather than reused.
        Files.deleteIfExists(file);
        try (FileChannel out = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(GROUP_READS))) {
            Files.setPosixFilePermissions(file, GROUP_READS); // the umask may narrow it
            ByteBuffer bytes = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
            out.force(true); // the bytes and the mode, on the same descriptor: no second open per job
        }
    }

    @Override
    public void writeAll(Map<String, String> files) throws IOException {
        List<Future<?>> writes = new ArrayList<>(files.size());
        synchronized (this) {
            if (writers == null) {
                writers = Executors.newFixedThreadPool(WRITERS, r -> {
                    Thread thread = new Thread(r, "printer-queue-writer");
                    thread.setDaemon(true);
                    return thread;
                });
            }
            files.forEach((name, content) -> writes.add(writers.submit(() -> {
                write(name, content);
                return null;
            })));
        }
        IOException failed = null;
        for (Future<?> write : writes) { // all waited for: a failure is reported once no write is going
            try {
                write.get();
            } catch (ExecutionException e) {
                if (failed == null) {
                    failed = e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while writing to " + queue, e);
            }
        }
        if (failed != null) {
            throw failed;
        }
    }

    @Override
    public void rename(String from, String to) throws IOException {
        // A local rename replaces a stale target atomically.
        Files.move(queue.resolve(from), queue.resolve(to), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void sync() throws IOException {
        SecureFiles.fsyncDirectory(queue);
    }

    @Override
    public void delete(String name) throws IOException {
        Files.deleteIfExists(queue.resolve(name));
    }

    @Override
    public String location() {
        return queue.toString();
    }

    /** Looking at a folder costs nothing: every pass looks again. */
    @Override
    public Duration retryDelay(int failures) {
        return Duration.ZERO;
    }

    @Override
    public synchronized void close() {
        if (writers != null) {
            writers.shutdown(); // nothing else held open
            writers = null;
        }
    }
}
