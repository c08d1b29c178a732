package id.ektp.hub.connectors.ministry;

import id.ektp.hub.config.HubConfig.MinistrySftp;
import id.ektp.hub.connectors.sftp.PeerFailure;
import id.ektp.hub.connectors.sftp.ResumableUpload;
import id.ektp.hub.connectors.sftp.SftpLink;
import id.ektp.hub.connectors.sftp.SftpSessions;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ministry's {@code inbox/}, written with the hub's own SFTP client: each packet as
 * {@code <name>.part}, resumed at the last acknowledged offset after a cut or a crash
 * ({@link ResumableUpload}, the checkpoints in {@code checkpoints/}), renamed once its size (and
 * hash, where the server offers one) is right. One session is kept open between packets.
 *
 * <p>How soon an upload is tried again is the forward route's error policy (capped backoff);
 * for two minutes after the ministry last answered (or the line was cut) {@link #retryDelayMillis}
 * asks for a retry every half second instead, since a cut line comes back in seconds and every
 * second of it is needed.
 */
public final class MinistryInbox {
    private static final Logger LOG = LoggerFactory.getLogger("ektp.links");
    private static final long RECOVER_NANOS = Duration.ofMinutes(2).toNanos();
    private static final long SLOWEST_BYTES_PER_SECOND = 16 * 1024;

    private final SftpSessions sessions;
    private final Supplier<MinistrySftp> account;
    private final Path checkpoints;
    private volatile long lastAnsweredNanos;
    private volatile boolean answered;

    public MinistryInbox(SftpSessions sessions, Supplier<MinistrySftp> account, Path checkpoints) {
        this.sessions = sessions;
        this.account = account;
        this.checkpoints = checkpoints;
    }

    /**
     * Uploads {@code local} (SHA-256 {@code sha256}) as {@code name}. A failure of the ministry
     * or its line is a {@link PeerFailure}, with how far the upload got.
     */
    public ResumableUpload.Result upload(Path local, String sha256, String name, long size) throws IOException {
        MinistrySftp sftp = account.get();
        try {
            SftpLink link = sessions.link(MinistrySftpConnector.PEER, sftp.account());
            Duration limit = sftp.account().readTimeout().plusSeconds(size / SLOWEST_BYTES_PER_SECOND);
            try (SftpLink.Deadline deadline = link.deadline(limit, "the upload of " + name)) {
                ResumableUpload.Result result = ResumableUpload.put(link, local, sha256, sftp.inboxDir(), name,
                        checkpoints.resolve(name + ".ack"), notice -> LOG.info("{}: {}", MinistrySftpConnector.PEER, notice));
                lastAnsweredNanos = System.nanoTime();
                answered = true;
                return result;
            }
        } catch (PeerFailure failure) {
            sessions.drop(MinistrySftpConnector.PEER);
            if (failure.kind() == PeerFailure.Kind.CUT) {
                lastAnsweredNanos = System.nanoTime();
                answered = true;
            }
            throw failure;
        }
    }

    /**
     * The delay before the next attempt, or -1 for the route's own capped backoff: half a second
     * while the line is likely coming back (the ministry answered, or the line was cut, in the
     * last two minutes), never for a ministry that refuses the hub.
     */
    public long retryDelayMillis(PeerFailure failure) {
        boolean recovering = answered && System.nanoTime() - lastAnsweredNanos < RECOVER_NANOS;
        return recovering && failure.kind() != PeerFailure.Kind.REFUSED ? 500 : -1;
    }

    /** Drops what is kept for {@code name} once it is in the inbox, or when it will never be sent. */
    public void forget(String name) throws IOException {
        ResumableUpload.forget(checkpoints.resolve(name + ".ack"));
    }
}
