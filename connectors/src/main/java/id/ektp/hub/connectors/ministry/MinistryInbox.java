package id.ektp.hub.connectors.ministry;

import id.ektp.hub.config.HubConfig.MinistrySftp;
import id.ektp.hub.connectors.sftp.PeerFailure;
import id.ektp.hub.connectors.sftp.ResumableUpload;
import id.ektp.hub.connectors.sftp.SftpLink;
import id.ektp.hub.connectors.sftp.SftpSessions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ministry's {@code inbox/}, written with the hub's own SFTP client: each packet as
 * {@code <name>.part}, resumed at the last acknowledged offset after a cut or a crash
 * ({@link ResumableUpload}, the checkpoints in {@code checkpoints/}), renamed once its size (and
 * hash, where the server offers one) is right. One session is kept open between packets.
 *
 * <p>While the ministry takes packets, the next packet in line is sent ahead ({@link #sendAhead}):
 * on a session of its own and on a thread of its own, its {@code .part} is written and checked
 * while the packet before it is renamed and recorded, so that the line (and the ministry's disk)
 * never wait for the hub's bookkeeping. Only the rename makes a packet visible, and only the
 * forward route renames, in capture order; a packet sent ahead that the route finds whole is
 * just renamed, one that failed is resumed from its checkpoint like any cut upload (measured in
 * docs/benchmark.md, "LAN, 2026-12-08", step 5).
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
    /** The session of the uploads sent ahead: a failure or deadline there never cuts the route's. */
    private static final String AHEAD = MinistrySftpConnector.PEER + " (ahead)";
    private volatile long lastAnsweredNanos;
    private volatile boolean answered;
    /** No packet is sent ahead while the route's own uploads fail (the ministry away, refusing). */
    private volatile boolean lastUploadFailed = true;
    private final AtomicReference<Ahead> ahead = new AtomicReference<>();
    /** One thread, gone when idle: a hub whose ministry is away keeps none. */
    private final ThreadPoolExecutor aheadThread = new ThreadPoolExecutor(0, 1, 10, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), task -> {
                Thread thread = new Thread(task, "ministry-send-ahead");
                thread.setDaemon(true); // what it leaves is a .part and a checkpoint: resumed at the next start
                return thread;
            });

    /** A packet's upload started before its turn: all but the rename ({@link ResumableUpload#send}). */
    private record Ahead(String name, CompletableFuture<ResumableUpload.Result> sent) {}

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
        return upload(local, sha256, name, size, () -> { });
    }

    /**
     * {@link #upload}, and once what was sent ahead for {@code name} is taken, {@code thenAhead}:
     * where the caller starts sending the next packet ahead ({@link #sendAhead}).
     */
    public ResumableUpload.Result upload(Path local, String sha256, String name, long size, Runnable thenAhead)
            throws IOException {
        MinistrySftp sftp = account.get();
        Optional<ResumableUpload.Result> sentAhead = sentAhead(name);
        if (!lastUploadFailed) {
            thenAhead.run(); // while the ministry is away, not even the next packet's lookup
        }
        try {
            SftpLink link = sessions.link(MinistrySftpConnector.PEER, sftp.account());
            if (sentAhead.isPresent()) {
                ResumableUpload.finish(link, sftp.inboxDir(), name, checkpoints.resolve(name + ".ack"));
                answeredNow();
                return sentAhead.get();
            }
            Duration limit = sftp.account().readTimeout().plusSeconds(size / SLOWEST_BYTES_PER_SECOND);
            try (SftpLink.Deadline deadline = link.deadline(limit, "the upload of " + name)) {
                ResumableUpload.Result result = ResumableUpload.put(link, local, sha256, sftp.inboxDir(), name,
                        checkpoints.resolve(name + ".ack"), notice -> LOG.info("{}: {}", MinistrySftpConnector.PEER, notice));
                answeredNow();
                return result;
            }
        } catch (PeerFailure failure) {
            lastUploadFailed = true;
            sessions.drop(MinistrySftpConnector.PEER);
            if (failure.kind() == PeerFailure.Kind.CUT) {
                lastAnsweredNanos = System.nanoTime();
                answered = true;
            }
            throw failure;
        }
    }

    private void answeredNow() {
        lastAnsweredNanos = System.nanoTime();
        answered = true;
        lastUploadFailed = false;
    }

    /**
     * Starts sending {@code name} ahead of its turn, when the ministry took the last packet and
     * nothing else is being sent ahead. Its outcome is only looked at when the route uploads it.
     */
    public void sendAhead(Path local, String sha256, String name) {
        Ahead current = ahead.get();
        if (lastUploadFailed || current != null && (current.name().equals(name) || !current.sent().isDone())) {
            return;
        }
        MinistrySftp sftp = account.get();
        Path checkpoint = checkpoints.resolve(name + ".ack");
        ahead.set(new Ahead(name, CompletableFuture.supplyAsync(() -> {
            try {
                SftpLink link = sessions.link(AHEAD, sftp.account());
                long size = Files.size(local);
                Duration limit = sftp.account().readTimeout().plusSeconds(size / SLOWEST_BYTES_PER_SECOND);
                try (SftpLink.Deadline deadline = link.deadline(limit, "the upload of " + name)) {
                    return ResumableUpload.send(link, local, sha256, sftp.inboxDir(), name, checkpoint,
                            notice -> LOG.info("{}: {}", MinistrySftpConnector.PEER, notice));
                }
            } catch (IOException e) {
                sessions.drop(AHEAD);
                throw new CompletionException(e);
            }
        }, aheadThread)));
    }

    /** What sending {@code name} ahead came to: empty when it was not sent ahead or failed. */
    private Optional<ResumableUpload.Result> sentAhead(String name) {
        Ahead early = ahead.get();
        if (early == null || !early.name().equals(name)) {
            return Optional.empty();
        }
        ahead.compareAndSet(early, null);
        try {
            return Optional.of(early.sent().join());
        } catch (CompletionException | CancellationException failed) {
            // The route uploads it itself, from the checkpoint the attempt left.
            LOG.debug("{}: sending {} ahead failed: {}", MinistrySftpConnector.PEER, name, failed.getCause());
            return Optional.empty();
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
