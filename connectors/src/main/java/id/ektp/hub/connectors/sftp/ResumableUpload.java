package id.ektp.hub.connectors.sftp;

import id.ektp.hub.connectors.sftp.PeerFailure.Kind;
import id.ektp.hub.spool.SecureFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.sshd.sftp.client.SftpClient.CloseableHandle;
import org.apache.sshd.sftp.client.SftpClient.OpenMode;
import org.apache.sshd.sftp.client.extensions.MD5FileExtension;

/**
 * An upload that survives a cut line and a crash of the hub: {@code <name>.part} stays on the
 * server, and the next attempt writes on from the last offset the server acknowledged.
 *
 * <ul>
 *   <li>What was acknowledged is checkpointed on the hub's disk as the upload goes ({@code
 *       checkpoint}: the packet's SHA-256 and the offset). Acknowledgements are taken in the
 *       order the writes were sent ({@link SftpPipeline}), so the offset always ends a
 *       contiguous prefix the server confirmed. On resume the hub trusts the smaller of that
 *       checkpoint and the size the server shows now: never a larger remote size than it knows
 *       was acknowledged, since a write in flight at a cut may have left a torn tail.</li>
 *   <li>The rename to the final name happens only when the server's {@code .part} is the
 *       packet: where the server offers {@code check-file}, its hash of the whole file (asked in
 *       the same round trip as the close, so a longer or shorter file cannot match either);
 *       otherwise the size it shows and, where it offers {@code md5-hash}, that hash. A mismatch
 *       starts the upload again from byte 0. So a final name still appears only complete.</li>
 *   <li>The checkpoint is taken about once a second while bytes flow and when a transfer
 *       fails, not at the end of one that succeeded: a crash between the last write and the
 *       rename resumes from the last checkpoint, at most a second's worth of bytes behind.</li>
 * </ul>
 */
public final class ResumableUpload {
    private static final long CHECKPOINT_NANOS = 1_000_000_000L;

    /** How the upload went: where it started, and which hash the server confirmed (or none offered). */
    public record Result(long size, long resumedFrom, String verifiedWith) {}

    private ResumableUpload() {}

    /**
     * Uploads {@code local} (whose SHA-256 is {@code sha256}) to {@code remoteDir/name}, resuming
     * from {@code checkpoint}. A failure of the peer leaves {@code .part} and the checkpoint for
     * the next attempt and says how far it got ({@link PeerFailure#offset}).
     */
    public static Result put(SftpLink link, Path local, String sha256, String remoteDir, String name,
                             Path checkpoint, Consumer<String> notices) throws IOException {
        Result sent = send(link, local, sha256, remoteDir, name, checkpoint, notices);
        finish(link, remoteDir, name, checkpoint);
        return sent;
    }

    /**
     * All of {@link #put} but the rename ({@link #finish}): {@code <name>.part} whole on the
     * server and its hash checked.
     */
    public static Result send(SftpLink link, Path local, String sha256, String remoteDir, String name,
                              Path checkpoint, Consumer<String> notices) throws IOException {
        String part = remoteDir + "/" + name + ".part";
        long size = Files.size(local);
        long from = resumeOffset(link, part, sha256, size, checkpoint);
        if (from > 0) {
            notices.accept("resuming the upload of " + name + " at byte " + from + " of " + size);
        }
        Acks acks = new Acks(checkpoint, sha256, from);
        boolean hashOnClose = size > 0 && link.offersCheckFile();
        SftpPipeline.FileHash hashed = null;
        try (FileChannel in = FileChannel.open(local, StandardOpenOption.READ)) {
            in.position(from);
            OpenMode[] modes = from == 0
                    ? new OpenMode[] {OpenMode.Write, OpenMode.Create, OpenMode.Truncate}
                    : new OpenMode[] {OpenMode.Write, OpenMode.Create};
            CloseableHandle handle;
            try {
                handle = SftpPipeline.open(link, part, modes);
            } catch (PeerFailure cut) {
                throw cut.at("upload of " + name, acks.acknowledged, size);
            }
            try {
                SftpPipeline.write(link, handle, from,
                        (into, offset, length) -> in.read(ByteBuffer.wrap(into, offset, length)), acks);
                if (hashOnClose) {
                    hashed = SftpPipeline.closeAndHash(link, handle, part, HASHES);
                } else {
                    closeOrAccept(handle, acks.acknowledged == size);
                }
            } catch (PeerFailure cut) {
                closeQuietly(handle);
                acks.save();
                throw cut.at("upload of " + name, acks.acknowledged, size);
            } catch (IOException failed) {
                closeQuietly(handle);
                throw failed;
            }
        }
        String verified = hashed != null
                ? compare(hashed.algorithm(), hashed.hash(), local, sha256, name, checkpoint)
                : verifyBySizeAndMd5(link, part, local, sha256, size, name, checkpoint);
        // No checkpoint for a finished upload: a crash before the rename resumes from the last one
        // taken while the bytes flowed (at most a second's worth behind).
        return new Result(size, from, verified);
    }

    /** Gives a sent {@code <name>.part} its final name, and drops its checkpoint. */
    public static void finish(SftpLink link, String remoteDir, String name, Path checkpoint) throws IOException {
        link.rename(remoteDir + "/" + name + ".part", remoteDir + "/" + name);
        forget(checkpoint);
    }

    private static final String HASHES = "sha256,sha1,md5";

    private static void closeQuietly(CloseableHandle handle) {
        try {
            handle.close();
        } catch (IOException | RuntimeException ignored) {
            // the failure that brought us here is the one to report
        }
    }

    /** A handle that failed to close is the peer's business once every byte was acknowledged. */
    private static void closeOrAccept(CloseableHandle handle, boolean allAcknowledged) throws IOException {
        try {
            handle.close();
        } catch (IOException closeFailed) {
            if (!allAcknowledged) {
                throw closeFailed;
            }
        }
    }

    /**
     * Without {@code check-file} (or when it refused): the size the server shows, then its
     * {@code md5-hash} where it offers one.
     */
    private static String verifyBySizeAndMd5(SftpLink link, String part, Path local, String sha256, long size, String name,
                                       Path checkpoint) throws IOException {
        long there = link.stat(part).map(RemoteFile::size).orElse(-1L);
        if (there != size) {
            forget(checkpoint);
            throw new PeerFailure(Kind.ANSWERED_ERROR, name + ".part has " + there + " bytes on the server after the"
                    + " upload, not " + size + ": uploading it again from byte 0", null);
        }
        MD5FileExtension md5 = link.sftp().getExtension(MD5FileExtension.class);
        if (md5 == null || !md5.isSupported()) {
            return "size only (the server offers no hash extension)";
        }
        byte[] theirs;
        try {
            theirs = md5.getHash(part, 0, size, new byte[0]);
        } catch (PeerFailure e) {
            throw e;
        } catch (IOException e) {
            throw link.failure(e, "hash of " + part);
        }
        return compare("md5", theirs, local, sha256, name, checkpoint);
    }

    /** The checkpoint goes once the packet is under its final name (or is to start afresh). */
    public static void forget(Path checkpoint) throws IOException {
        Files.deleteIfExists(checkpoint);
    }

    private static long resumeOffset(SftpLink link, String part, String sha256, long size, Path checkpoint)
            throws PeerFailure {
        Optional<Long> acknowledged = Checkpoint.read(checkpoint, sha256);
        if (acknowledged.isEmpty() || acknowledged.get() == 0) {
            return 0;
        }
        long there = link.stat(part).map(RemoteFile::size).orElse(0L);
        return Math.min(Math.min(acknowledged.get(), there), size);
    }

    /** Our hash of the packet against the server's; a mismatch starts the upload again from byte 0. */
    private static String compare(String algorithm, byte[] theirs, Path local, String sha256, String name,
                                  Path checkpoint) throws IOException {
        byte[] ours = "sha256".equalsIgnoreCase(algorithm) ? HexFormat.of().parseHex(sha256) : digest(local, algorithm);
        if (!Arrays.equals(ours, theirs)) {
            forget(checkpoint);
            throw new PeerFailure(Kind.ANSWERED_ERROR, name + ".part on the server has another " + algorithm
                    + " than the packet: uploading it again from byte 0", null);
        }
        return algorithm;
    }

    private static byte[] digest(Path file, String algorithm) throws IOException {
        String javaName = switch (algorithm.toLowerCase()) {
            case "sha1" -> "SHA-1";
            case "md5" -> "MD5";
            default -> algorithm.toUpperCase();
        };
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance(javaName);
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                digest.update(buffer, 0, n);
            }
            return digest.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IOException("no " + javaName + " here to compare the server's hash with", e);
        }
    }

    /** The acknowledged offset as answers arrive, saved to the checkpoint now and then. */
    private static final class Acks implements SftpPipeline.Acknowledged {
        private final Path checkpoint;
        private final String sha256;
        private long acknowledged;
        private long saved;
        private long lastSave = System.nanoTime();

        Acks(Path checkpoint, String sha256, long from) {
            this.checkpoint = checkpoint;
            this.sha256 = sha256;
            this.acknowledged = from;
            this.saved = from;
        }

        @Override
        public void upTo(long offset) throws IOException {
            acknowledged = offset;
            if (System.nanoTime() - lastSave > CHECKPOINT_NANOS) {
                save();
            }
        }

        void save() throws IOException {
            if (acknowledged != saved) {
                Checkpoint.write(checkpoint, sha256, acknowledged);
                saved = acknowledged;
            }
            lastSave = System.nanoTime();
        }
    }

    /**
     * {@code <sha256> <acknowledged offset>}, replaced by rename. Not forced to disk: a checkpoint
     * lost in a crash only means resuming from an earlier one (or from 0), which is always safe.
     */
    private static final class Checkpoint {
        static Optional<Long> read(Path file, String sha256) {
            try {
                String[] f = Files.readString(file, StandardCharsets.US_ASCII).trim().split(" ");
                return f[0].equals(sha256) ? Optional.of(Long.parseLong(f[1])) : Optional.empty();
            } catch (IOException | RuntimeException unreadable) {
                return Optional.empty();
            }
        }

        static void write(Path file, String sha256, long offset) throws IOException {
            SecureFiles.ownerOnlyDirectories(file.getParent());
            Path next = file.resolveSibling(file.getFileName() + ".next");
            Files.deleteIfExists(next);
            SecureFiles.createOwnerOnlyFile(next);
            Files.writeString(next, sha256 + " " + offset + "\n", StandardCharsets.US_ASCII);
            Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
