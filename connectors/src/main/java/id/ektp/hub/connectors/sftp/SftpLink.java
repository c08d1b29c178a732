package id.ektp.hub.connectors.sftp;

import id.ektp.hub.config.HubConfig.SftpAccount;
import id.ektp.hub.connectors.sftp.PeerFailure.Kind;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.kex.KexProposalOption;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.sftp.client.RawSftpClient;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClient.Attributes;
import org.apache.sshd.sftp.client.SftpClient.CloseableHandle;
import org.apache.sshd.sftp.client.SftpClient.CopyMode;
import org.apache.sshd.sftp.client.SftpClient.DirEntry;
import org.apache.sshd.sftp.client.SftpClient.OpenMode;
import org.apache.sshd.sftp.client.extensions.CheckFileNameExtension;
import org.apache.sshd.sftp.client.impl.SftpResponse;
import org.apache.sshd.sftp.client.impl.SftpStatus;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;

/**
 * One open SFTP session to one peer ({@link SftpSessions#link}). Every failure of the peer or
 * the line comes out as a {@link PeerFailure}; a session that failed is closed, and the next
 * {@link SftpSessions#link} opens a new one.
 */
public final class SftpLink implements AutoCloseable {
    private final String peer;
    private final SftpAccount account;
    private final ClientSession session;
    private final SftpClient sftp;
    private final ScheduledExecutorService deadlines;
    private volatile String deadlinePassed;
    private volatile Boolean checkFile;

    SftpLink(String peer, SftpAccount account, ClientSession session, SftpClient sftp,
             ScheduledExecutorService deadlines) {
        this.peer = peer;
        this.account = account;
        this.session = session;
        this.sftp = sftp;
        this.deadlines = deadlines;
    }

    public String peer() {
        return peer;
    }

    public SftpAccount account() {
        return account;
    }

    SftpClient sftp() {
        return sftp;
    }

    public boolean isOpen() {
        return session.isOpen() && sftp.isOpen() && deadlinePassed == null;
    }

    /** What the session negotiated (for the logs and the benchmark): key exchange, cipher and MAC. */
    public String negotiated() {
        return "kex: algorithm: " + session.getNegotiatedKexParameter(KexProposalOption.ALGORITHMS)
                + "; kex: client->server cipher: " + session.getNegotiatedKexParameter(KexProposalOption.C2SENC)
                + " MAC: " + session.getNegotiatedKexParameter(KexProposalOption.C2SMAC);
    }

    /** The server's SFTP extensions ({@code check-file}, {@code md5-hash}, {@code posix-rename@openssh.com}). */
    public boolean offers(String extension) {
        return sftp.getServerExtensions().containsKey(extension);
    }

    /**
     * Whether the server hashes files for us ({@code check-file-name}, however it announced it),
     * asked once per session: MINA builds a new extension object at every {@code getExtension}.
     */
    public boolean offersCheckFile() {
        Boolean known = checkFile;
        if (known == null) {
            CheckFileNameExtension extension = sftp.getExtension(CheckFileNameExtension.class);
            known = extension != null && extension.isSupported();
            checkFile = known;
        }
        return known;
    }

    /**
     * An overall deadline for one operation ({@code what}): when it passes the session is closed,
     * which fails whatever request is waiting, as a {@link Kind#CUT}. Closing the returned handle
     * before then cancels it.
     */
    public Deadline deadline(Duration limit, String what) {
        ScheduledFuture<?> timer = deadlines.schedule(() -> {
            deadlinePassed = what + " took longer than its deadline of " + limit.toSeconds() + " s";
            session.close(true);
        }, limit.toMillis(), TimeUnit.MILLISECONDS);
        return () -> timer.cancel(false);
    }

    /**
     * The regular files of {@code dir} whose names {@code keep} accepts, reading the listing in
     * the server's pages and giving up after {@code maxEntries} entries of any kind: a device
     * whose listing never ends cannot fill the hub's memory. {@code truncated} is set then.
     */
    public Listing list(String dir, int maxEntries, Predicate<String> keep) throws PeerFailure {
        List<RemoteFile> files = new ArrayList<>();
        int seen = 0;
        try (CloseableHandle handle = sftp.openDir(dir)) {
            for (List<DirEntry> page; (page = sftp.readDir(handle)) != null && !page.isEmpty(); ) {
                for (DirEntry e : page) {
                    if (++seen > maxEntries) {
                        return new Listing(files, true);
                    }
                    Attributes a = e.getAttributes();
                    if (a.isRegularFile() && keep.test(e.getFilename())) {
                        files.add(new RemoteFile(e.getFilename(), a.getSize(), seconds(a)));
                    }
                }
            }
            return new Listing(files, false);
        } catch (IOException e) {
            throw failure(e, "listing " + dir);
        }
    }

    /** A running deadline; closing it cancels it. */
    public interface Deadline extends AutoCloseable {
        @Override
        void close();
    }

    /** A listing, and whether it was cut short at the limit. */
    public record Listing(List<RemoteFile> files, boolean truncated) {}

    /**
     * Writes a small file whole: {@code bytes} under {@code temporary}, renamed to {@code path}
     * (replacing what was there), so that a reader never sees part of it. The folder of
     * {@code path} is created when it is missing.
     */
    public void putWhole(String temporary, String path, byte[] bytes) throws PeerFailure {
        try {
            CloseableHandle handle;
            try {
                handle = sftp.open(temporary, OpenMode.Write, OpenMode.Create, OpenMode.Truncate);
            } catch (SftpException missing) {
                if (missing.getStatus() != SftpConstants.SSH_FX_NO_SUCH_FILE) {
                    throw missing;
                }
                makeFolders(temporary.substring(0, Math.max(0, temporary.lastIndexOf('/'))));
                handle = sftp.open(temporary, OpenMode.Write, OpenMode.Create, OpenMode.Truncate);
            }
            try (CloseableHandle open = handle) {
                int[] at = {0};
                SftpPipeline.write(this, open, 0, (into, offset, length) -> {
                    int n = Math.min(length, bytes.length - at[0]);
                    System.arraycopy(bytes, at[0], into, offset, n);
                    at[0] += n;
                    return n;
                }, upTo -> { });
            }
        } catch (IOException e) {
            throw failure(e, "writing " + temporary);
        }
        rename(temporary, path);
    }

    private void makeFolders(String dir) throws IOException {
        if (dir.isEmpty() || stat(dir).isPresent()) {
            return;
        }
        makeFolders(dir.substring(0, Math.max(0, dir.lastIndexOf('/'))));
        sftp.mkdir(dir);
    }

    /** The file's size and time, or empty when there is no such file. */
    public Optional<RemoteFile> stat(String path) throws PeerFailure {
        try {
            Attributes a = sftp.stat(path);
            return Optional.of(new RemoteFile(name(path), a.getSize(), seconds(a)));
        } catch (SftpException e) {
            if (e.getStatus() == SftpConstants.SSH_FX_NO_SUCH_FILE) {
                return Optional.empty();
            }
            throw failure(e, "stat of " + path);
        } catch (IOException e) {
            throw failure(e, "stat of " + path);
        }
    }

    /** Removes a file; true once it is gone (also when it already was). */
    public boolean remove(String path) throws PeerFailure {
        try {
            sftp.remove(path);
            return true;
        } catch (SftpException e) {
            if (e.getStatus() == SftpConstants.SSH_FX_NO_SUCH_FILE) {
                return true;
            }
            // Some servers report a failure for a removal that happened: look before saying no.
            return stat(path).isEmpty();
        } catch (IOException e) {
            throw failure(e, "removing " + path);
        }
    }

    /**
     * Removes several files with every request in flight at once (one round trip for all, not one
     * each); for each path, in order, whether it is gone (also when it already was). A file the
     * server refused to remove is checked against a stat, as {@link #remove} does.
     */
    public List<Boolean> removeAll(List<String> paths) throws PeerFailure {
        RawSftpClient raw = (RawSftpClient) sftp;
        try {
            int[] ids = new int[paths.size()];
            for (int i = 0; i < ids.length; i++) {
                Buffer request = new ByteArrayBuffer(paths.get(i).length() * 4 + 16, false);
                request.putString(paths.get(i));
                ids[i] = raw.send(SftpConstants.SSH_FXP_REMOVE, request);
            }
            List<Boolean> gone = new ArrayList<>(ids.length);
            for (int i = 0; i < ids.length; i++) {
                SftpStatus status = SftpStatus.parse(SftpResponse.parse(SftpConstants.SSH_FXP_REMOVE, raw.receive(ids[i])));
                gone.add(status.isOk() || status.getStatusCode() == SftpConstants.SSH_FX_NO_SUCH_FILE);
            }
            for (int i = 0; i < ids.length; i++) {
                if (!gone.get(i)) {
                    gone.set(i, stat(paths.get(i)).isEmpty());
                }
            }
            return gone;
        } catch (IOException e) {
            throw failure(e, "removing " + paths.size() + " file(s)");
        }
    }

    /** Renames {@code from} to {@code to}, replacing {@code to} (which only ever holds the same bytes). */
    public void rename(String from, String to) throws PeerFailure {
        try {
            if (offers("posix-rename@openssh.com")) {
                sftp.rename(from, to, CopyMode.Overwrite, CopyMode.Atomic);
                return;
            }
            if (stat(to).isPresent()) {
                sftp.remove(to);
            }
            sftp.rename(from, to);
        } catch (IOException e) {
            throw failure(e, "renaming " + from + " to " + to);
        }
    }

    /** What a failed request means: the server said no, or the session broke (and is closed). */
    PeerFailure failure(IOException e, String what) {
        if (e instanceof PeerFailure p) {
            return p;
        }
        if (e instanceof SftpException s && deadlinePassed == null && session.isOpen()) {
            return new PeerFailure(Kind.ANSWERED_ERROR, what + ": the server answered " + s.getMessage()
                    + " (" + SftpConstants.getStatusName(s.getStatus()) + ")", e);
        }
        close();
        String why = deadlinePassed != null ? deadlinePassed
                : e instanceof java.net.SocketTimeoutException || String.valueOf(e.getMessage()).toLowerCase().contains("timeout")
                ? "no answer within readTimeout (" + account.readTimeout().toSeconds() + " s)"
                : "line cut (" + SftpSessions.describe(e) + ")";
        return new PeerFailure(Kind.CUT, what + ": " + why, e);
    }

    @Override
    public void close() {
        try {
            sftp.close();
        } catch (IOException ignored) {
            // the session goes anyway
        }
        session.close(true);
    }

    private static long seconds(Attributes a) {
        return a.getModifyTime() == null ? 0 : a.getModifyTime().toMillis() / 1000;
    }

    private static String name(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? path : path.substring(slash + 1);
    }
}
