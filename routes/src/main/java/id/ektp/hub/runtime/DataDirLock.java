package id.ektp.hub.runtime;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import id.ektp.hub.spool.SecureFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * One hub per {@code dataDir}: an exclusive lock on {@code dataDir/hub.lock}, taken before the
 * state store opens and released when the hub closes. Two hubs on one folder (a copied
 * configuration, a container restarted while the old one still stops) would each take the
 * other's spool files and leave jobs whose file is gone; the second is refused instead, told
 * which process holds the folder (the file says: pid and since when).
 *
 * <p>The operating system's lock ({@code fcntl}) belongs to the process and ends with it, so a
 * hub killed with SIGKILL leaves nothing to clean up. Within one JVM it cannot tell two hubs
 * apart, and closing any channel on the file drops it; so hubs of this JVM are told apart here,
 * before a second channel is ever opened on a file this JVM holds.
 */
public final class DataDirLock implements AutoCloseable {
    static final String FILE = "hub.lock";
    /** The lock files this JVM holds, by file key (device and inode). */
    private static final Map<Object, DataDirLock> HELD_HERE = new HashMap<>();

    /** Another hub, in this process or another, runs on the folder. */
    public static final class InUse extends IOException {
        InUse(Path dataDir, String holder) {
            super("dataDir " + dataDir + " is in use by another hub (" + holder + ", see " + dataDir.resolve(FILE)
                    + "): two hubs on one dataDir would corrupt each other's spool; stop that one first,"
                    + " or give this configuration a dataDir of its own", null);
        }
    }

    private final Object key;
    private final FileChannel channel;
    private final FileLock lock;
    /** What the file says: {@code pid 12345, since 2026-11-23T01:00:00Z}. */
    private final String holder;

    private DataDirLock(Object key, FileChannel channel, FileLock lock, String holder) {
        this.key = key;
        this.channel = channel;
        this.lock = lock;
        this.holder = holder;
    }

    /** Takes the folder for this hub, or throws {@link InUse} naming who has it. */
    public static DataDirLock take(Path dataDir) throws IOException {
        Path file = SecureFiles.ownerOnlyDirectories(dataDir).resolve(FILE);
        synchronized (HELD_HERE) {
            if (Files.exists(file)) {
                DataDirLock held = HELD_HERE.get(fileKey(file));
                if (held != null) {
                    throw new InUse(dataDir, held.holder + ", in this process");
                }
            }
            FileChannel channel = FileChannel.open(file, Set.of(CREATE, READ, WRITE),
                    PosixFilePermissions.asFileAttribute(SecureFiles.OWNER_FILE));
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held in this JVM, though not through this class
            }
            if (lock == null) {
                String holder = holder(channel);
                channel.close();
                throw new InUse(dataDir, holder);
            }
            String holder = "pid " + ProcessHandle.current().pid() + ", since " + Instant.now();
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((holder + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            channel.force(true);
            DataDirLock taken = new DataDirLock(fileKey(file), channel, lock, holder);
            HELD_HERE.put(taken.key, taken);
            return taken;
        }
    }

    /** Releases the folder (once: a second call leaves alone a hub that took it since). */
    @Override
    public void close() throws IOException {
        synchronized (HELD_HERE) {
            if (!HELD_HERE.remove(key, this)) {
                return;
            }
            // The file stays: removing it would race with a hub taking it at this moment.
            lock.release();
            channel.close();
        }
    }

    private static Object fileKey(Path file) throws IOException {
        return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    }

    /** What the holder wrote; it may not have written it yet. */
    private static String holder(FileChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(200);
        channel.read(buffer, 0);
        String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).strip();
        return text.isEmpty() ? "a process that has not said its pid yet" : text;
    }
}
