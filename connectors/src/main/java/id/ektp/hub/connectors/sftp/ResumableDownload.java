package id.ektp.hub.connectors.sftp;

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
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.sshd.sftp.client.SftpClient.CloseableHandle;
import org.apache.sshd.sftp.client.SftpClient.OpenMode;

/**
 * A download that survives a cut line and a crash of the hub: the bytes already on the hub's
 * disk are kept and the next attempt reads on from there (SFTP reads at an offset).
 *
 * <p>Only a finished file is ever downloaded (its {@code .done} is there, ICD section 1), so the
 * device's bytes do not change under us; if its size or modification time differ from when the
 * download began, the file was replaced after all, and it starts again from byte 0, saying so.
 *
 * <p>What is trusted after a crash is recorded beside the partial file, in {@code <partial>.from}:
 * the remote size and time the bytes belong to, and the <em>durable</em> length, written only after
 * the partial file was forced to disk up to it. The partial file is cut back to that length on
 * resume, so bytes that were written but perhaps not on the disk when the power went are fetched
 * again. A record that cannot be read means starting from 0: never a guess.
 */
public final class ResumableDownload {
    /** Record the durable length at most this often while bytes flow (an fsync each time). */
    private static final long CHECKPOINT_NANOS = 1_000_000_000L;

    /**
     * The whole file on the hub's disk, with its SHA-256: written, but not yet forced to the disk
     * (the caller forces it before anything depends on it: {@link id.ektp.hub.spool.BackgroundFsync}).
     */
    public record Result(Path file, String sha256, long size, long resumedFrom) {}

    private ResumableDownload() {}

    /**
     * Downloads {@code remotePath}, as {@code listed} showed it, into {@code partial}, resuming
     * what an earlier attempt left there. {@code notices} hears of a restart from 0 (a changed
     * file) and of a resumed download. A failure of the peer leaves the partial file and its
     * durable length for the next attempt and says how far it got ({@link PeerFailure#offset}).
     */
    public static Result fetch(SftpLink link, String remotePath, RemoteFile listed, Path partial,
                               Consumer<String> notices) throws IOException {
        SecureFiles.ownerOnlyDirectories(partial.getParent());
        Path record = recordOf(partial);
        long from = 0;
        Optional<Progress> earlier = Progress.read(record);
        if (earlier.isPresent() && Files.exists(partial)) {
            Progress p = earlier.get();
            if (p.size() != listed.size() || p.modifiedSeconds() != listed.modifiedSeconds()) {
                notices.accept(listed.name() + " changed on " + link.peer() + " since its download began (was "
                        + p.size() + " bytes at " + p.modifiedSeconds() + ", now " + listed.size() + " bytes at "
                        + listed.modifiedSeconds() + "): downloading it again from byte 0");
            } else if (Files.size(partial) >= p.durable()) {
                from = p.durable();
            }
        }
        if (from == 0) {
            if (earlier.isPresent()) {
                Files.deleteIfExists(record); // it speaks of other bytes
            }
            Files.deleteIfExists(partial);
            SecureFiles.createOwnerOnlyFile(partial);
        }
        MessageDigest sha256 = sha256();
        try (FileChannel out = FileChannel.open(partial, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            out.truncate(from); // bytes past the durable length may never have reached the disk
            if (from > 0) {
                digestPrefix(partial, from, sha256);
                notices.accept("resuming " + listed.name() + " from " + link.peer() + " at byte " + from + " of "
                        + listed.size());
            }
            // From 0 the record is first written at the first checkpoint: a crash before it finds no
            // record and starts from 0, as it must (nothing of the partial file is known durable).
            out.position(from);
            Writer writer = new Writer(out, sha256, record, listed, from);
            if (from < listed.size()) {
                try (CloseableHandle handle = SftpPipeline.open(link, remotePath, OpenMode.Read)) {
                    SftpPipeline.read(link, handle, from, listed.size(), writer::accept);
                } catch (PeerFailure cut) {
                    writer.checkpoint(); // what arrived is good: SSH checked every byte of it
                    throw cut.at("download of " + listed.name(), writer.position, listed.size());
                } catch (IOException closeFailed) {
                    if (writer.position < listed.size()) {
                        throw closeFailed;
                    }
                    // every byte is here; a handle that failed to close is the peer's business
                }
            }
            return new Result(partial, HexFormat.of().formatHex(sha256.digest()), listed.size(), from);
        }
    }

    /** After the downloaded file was moved away (or given up): its record goes too. */
    public static void forget(Path partial) throws IOException {
        Files.deleteIfExists(recordOf(partial));
        Files.deleteIfExists(partial);
    }

    private static Path recordOf(Path partial) {
        return partial.resolveSibling(partial.getFileName() + ".from");
    }

    private static void digestPrefix(Path file, long length, MessageDigest digest) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[64 * 1024];
            long left = length;
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    throw new IOException(file + " is shorter than its recorded length " + length);
                }
                digest.update(buffer, 0, n);
                left -= n;
            }
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java 17 runtime has SHA-256", e);
        }
    }

    /** Bytes from the line to the partial file, with a durable checkpoint now and then. */
    private static final class Writer {
        private final FileChannel out;
        private final MessageDigest sha256;
        private final Path record;
        private final RemoteFile listed;
        private long position;
        private long lastCheckpoint = System.nanoTime();

        Writer(FileChannel out, MessageDigest sha256, Path record, RemoteFile listed, long from) {
            this.out = out;
            this.sha256 = sha256;
            this.record = record;
            this.listed = listed;
            this.position = from;
        }

        void accept(byte[] bytes, int offset, int length) throws IOException {
            ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, length);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            sha256.update(bytes, offset, length);
            position += length;
            if (System.nanoTime() - lastCheckpoint > CHECKPOINT_NANOS) {
                checkpoint();
            }
        }

        void checkpoint() throws IOException {
            out.force(false);
            new Progress(listed.size(), listed.modifiedSeconds(), position).write(record);
            lastCheckpoint = System.nanoTime();
        }
    }

    /** The record beside a partial file: {@code <remote size> <remote mtime> <durable length>}. */
    private record Progress(long size, long modifiedSeconds, long durable) {
        static Optional<Progress> read(Path record) {
            try {
                String[] f = Files.readString(record, StandardCharsets.US_ASCII).trim().split(" ");
                return Optional.of(new Progress(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2])));
            } catch (IOException | RuntimeException unreadable) {
                return Optional.empty(); // absent or torn: start from 0
            }
        }

        /** Replaces the record at once (rename): a reader sees the old one or the new one. */
        void write(Path record) throws IOException {
            Path next = record.resolveSibling(record.getFileName() + ".next");
            Files.deleteIfExists(next);
            SecureFiles.createOwnerOnlyFile(next);
            Files.writeString(next, size + " " + modifiedSeconds + " " + durable + "\n", StandardCharsets.US_ASCII);
            Files.move(next, record, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
