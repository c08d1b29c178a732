package id.ektp.hub.connectors.printer;

import id.ektp.hub.spool.SecureFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A printer's {@code queue/} on a local or mounted folder. The folder not being there (a share
 * not mounted) is the printer being offline. Each write is forced to disk before it counts.
 */
final class FolderPrinterQueue implements PrinterQueue {
    private final Path queue;

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
        try (var out = Files.newByteChannel(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r-----")))) {
            out.write(java.nio.ByteBuffer.wrap(content.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----")); // the umask may narrow it
        SecureFiles.fsync(file);
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
    public void close() {
        // nothing held open
    }
}
