package id.ektp.hub.spool;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * File operations the hub's durability rests on. Everything the hub writes is owner-only
 * (enrollment data is personal data), and a file only counts as "on our disk" once its bytes
 * and the directory entry naming it have both been forced to the device.
 */
public final class SecureFiles {
    public static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
    public static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");

    private SecureFiles() {}

    /** Creates {@code dir} and missing parents as owner-only folders. */
    public static Path ownerOnlyDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return dir;
        }
        Path parent = dir.toAbsolutePath().getParent();
        if (parent != null) {
            ownerOnlyDirectories(parent);
        }
        try {
            Files.createDirectory(dir, attribute(OWNER_DIR));
        } catch (FileAlreadyExistsException raced) {
            // another thread made it first: fine
        }
        return dir;
    }

    /** Creates an empty owner-only file, failing if it exists. */
    public static Path createOwnerOnlyFile(Path file) throws IOException {
        return Files.createFile(file, attribute(OWNER_FILE));
    }

    /** Forces a file's bytes to the device. */
    public static void fsync(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    /** Forces a directory's entries (a rename into it) to the device. */
    public static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException notSupported) {
            // Some file systems refuse to open a directory for sync; the rename still happened
            // and is as durable as that file system allows.
            if (!Files.isDirectory(dir)) {
                throw notSupported;
            }
        }
    }

    /**
     * Renames {@code from} to {@code to} atomically (replacing {@code to}, which only ever
     * holds the same content after a redo) and makes the rename durable.
     */
    public static Path moveDurably(Path from, Path to) throws IOException {
        ownerOnlyDirectories(to.getParent());
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        fsyncDirectory(to.getParent());
        if (!from.getParent().equals(to.getParent())) {
            fsyncDirectory(from.getParent());
        }
        return to;
    }

    private static FileAttribute<Set<PosixFilePermission>> attribute(Set<PosixFilePermission> perms) {
        return PosixFilePermissions.asFileAttribute(perms);
    }
}
