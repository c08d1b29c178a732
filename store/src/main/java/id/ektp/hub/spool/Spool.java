package id.ektp.hub.spool;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The hub's on-disk payload store under {@code dataDir}. A payload's folder is its state:
 *
 * <pre>
 *   spool/incoming/            being downloaded: *.part of a previous run's stream (removed at start);
 *                              &lt;device&gt;~X.zip.partial with its .from record, resumed where they broke
 *   spool/received/&lt;device&gt;/  on our disk, not yet checked
 *   spool/outbound/            valid, waiting for the ministry (names sort by capture time)
 *   spool/uploads/             how far each upload to the ministry got (acknowledged offsets)
 *   quarantine/packets/        rejected, with the reason in the state store
 * </pre>
 *
 * Payloads move between folders by atomic rename only, so a payload is always whole and in
 * exactly one folder, whatever moment the process dies at.
 */
public final class Spool {
    private static final int BUFFER = 64 * 1024;

    private final Path incoming;
    private final Path received;
    private final Path outbound;
    private final Path quarantine;
    private final Path uploads;

    public Spool(Path dataDir) throws IOException {
        this.incoming = SecureFiles.ownerOnlyDirectories(dataDir.resolve("spool/incoming"));
        this.received = SecureFiles.ownerOnlyDirectories(dataDir.resolve("spool/received"));
        this.outbound = SecureFiles.ownerOnlyDirectories(dataDir.resolve("spool/outbound"));
        this.quarantine = SecureFiles.ownerOnlyDirectories(dataDir.resolve("quarantine/packets"));
        this.uploads = SecureFiles.ownerOnlyDirectories(dataDir.resolve("spool/uploads"));
    }

    public Path incoming() {
        return incoming;
    }

    public Path received() {
        return received;
    }

    public Path outbound() {
        return outbound;
    }

    public Path quarantine() {
        return quarantine;
    }

    /** Upload checkpoints: each packet's offset the ministry acknowledged. */
    public Path uploads() {
        return uploads;
    }

    /**
     * Streams {@code in} to a new owner-only file in {@code incoming/}, measuring its SHA-256
     * and size on the way, and forces it to disk. On any failure the partial file is removed.
     */
    public SpooledFile receive(InputStream in) throws IOException {
        Path part = SecureFiles.createOwnerOnlyFile(incoming.resolve(UUID.randomUUID() + ".part"));
        MessageDigest sha256 = sha256();
        long size = 0;
        try (OutputStream file = Files.newOutputStream(part, StandardOpenOption.WRITE);
             DigestOutputStream out = new DigestOutputStream(file, sha256)) {
            byte[] buffer = new byte[BUFFER];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
                size += n;
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(part);
            throw e;
        }
        SecureFiles.fsync(part);
        return new SpooledFile(part, HexFormat.of().formatHex(sha256.digest()), size);
    }

    /** Moves a payload into {@code target} for good (atomic rename, forced to disk). */
    public Path place(Path payload, Path target) throws IOException {
        return SecureFiles.moveDurably(payload, target);
    }

    /**
     * Moves payloads for good (atomic renames), then forces each folder involved to disk once:
     * for a group of packets of one poll, one folder sync instead of two per packet.
     */
    public void placeAll(Map<Path, Path> moves) throws IOException {
        Set<Path> folders = new LinkedHashSet<>();
        for (Map.Entry<Path, Path> move : moves.entrySet()) {
            Path target = move.getValue();
            SecureFiles.ownerOnlyDirectories(target.getParent());
            Files.move(move.getKey(), target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            folders.add(target.getParent());
            folders.add(move.getKey().getParent());
        }
        for (Path folder : folders) {
            SecureFiles.fsyncDirectory(folder);
        }
    }

    public void discard(SpooledFile file) throws IOException {
        Files.deleteIfExists(file.path());
    }

    /**
     * Removes downloads a previous run left half-done. Their source was never acknowledged,
     * so the peer still has them and they come again.
     */
    public int clearIncoming() throws IOException {
        int removed = 0;
        try (DirectoryStream<Path> parts = Files.newDirectoryStream(incoming, "*.part")) {
            for (Path part : parts) {
                Files.deleteIfExists(part);
                removed++;
            }
        }
        return removed;
    }

    public static String sha256Of(Path file) throws IOException {
        MessageDigest sha256 = sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[BUFFER];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                sha256.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha256.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java 17 runtime has SHA-256", e);
        }
    }
}
