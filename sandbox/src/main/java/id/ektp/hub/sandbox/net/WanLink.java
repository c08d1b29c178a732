package id.ektp.hub.sandbox.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A kecamatan line for tests and benchmarks: a TCP proxy on 127.0.0.1 in front of a local server
 * (the embedded SFTP server) that moves at most {@code bytesPerSecond} each way, adds a one-way
 * delay, and is cut every {@code cutEvery} for {@code downTime}. {@code tc netem} does not exist
 * on the machines the hub is built on; this does the part of it the hub's transfers care about.
 *
 * <ul>
 *   <li>The rate is the line's, shared by every connection through it (one token bucket per
 *       direction), as a 2 Mbit/s VSAT link is shared by everything behind it.</li>
 *   <li>A cut resets every connection at once (RST, no FIN: the peers see a dropped line, not a
 *       polite close) and refuses new ones until the line is up again.</li>
 *   <li>Byte counters each way count what crossed the line, retransmissions after a cut included,
 *       and {@link #upNanos} how long the line was up, so a benchmark can say how much of the
 *       line's capacity a transfer used while there was a line.</li>
 * </ul>
 *
 * Loopback only, and bounded: each direction of a connection holds at most 64 chunks of 16 KiB
 * in flight; every thread is a daemon and {@link #close} ends them.
 */
public final class WanLink implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WanLink.class);
    private static final int CHUNK = 16 * 1024;
    private static final int QUEUED_CHUNKS = 64;

    private final int targetPort;
    private final long bytesPerSecond;
    private final long delayNanos;
    private final long cutEveryNanos;
    private final long downNanos;
    private final ServerSocket listener;
    private final TokenBucket toServer;
    private final TokenBucket toClient;
    private final AtomicLong bytesToServer = new AtomicLong();
    private final AtomicLong bytesToClient = new AtomicLong();
    private final AtomicLong cuts = new AtomicLong();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final long startNanos = System.nanoTime();
    private volatile boolean down;
    private volatile boolean closed;
    private long downSoFarNanos; // guarded by this
    private long downSinceNanos; // guarded by this

    private WanLink(Builder b) {
        this.targetPort = b.targetPort;
        this.bytesPerSecond = b.bytesPerSecond;
        this.delayNanos = b.delay.toNanos();
        this.cutEveryNanos = b.cutEvery == null ? 0 : b.cutEvery.toNanos();
        this.downNanos = b.downTime.toNanos();
        this.toServer = new TokenBucket(bytesPerSecond);
        this.toClient = new TokenBucket(bytesPerSecond);
        try {
            this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on loopback", e);
        }
        daemon("wan-accept-" + port(), this::accept);
        if (cutEveryNanos > 0) {
            daemon("wan-cutter-" + port(), this::cutPeriodically);
        }
    }

    /** A line to {@code 127.0.0.1:targetPort}. */
    public static Builder to(int targetPort) {
        return new Builder(targetPort);
    }

    /** The port clients connect to instead of the server's. */
    public int port() {
        return listener.getLocalPort();
    }

    /** Bytes the line carried towards the server (uploads), since it was made. */
    public long bytesToServer() {
        return bytesToServer.get();
    }

    /** Bytes the line carried towards the client (downloads), since it was made. */
    public long bytesToClient() {
        return bytesToClient.get();
    }

    public long cuts() {
        return cuts.get();
    }

    public long bytesPerSecond() {
        return bytesPerSecond;
    }

    /** How long the line has been up since it was made (its down times left out). */
    public synchronized long upNanos() {
        long now = System.nanoTime();
        long downTotal = downSoFarNanos + (down ? now - downSinceNanos : 0);
        return now - startNanos - downTotal;
    }

    public boolean isDown() {
        return down;
    }

    /** Cuts the line now: every connection reset, new ones refused until {@link #restore}. */
    public void cut() {
        synchronized (this) {
            if (!down) {
                down = true;
                downSinceNanos = System.nanoTime();
            }
        }
        cuts.incrementAndGet();
        for (Socket s : open) {
            reset(s);
        }
        LOG.info("line to port {} cut ({} connection(s) reset)", targetPort, open.size());
    }

    /** Brings the line back up. */
    public void restore() {
        synchronized (this) {
            if (down) {
                down = false;
                downSoFarNanos += System.nanoTime() - downSinceNanos;
            }
        }
        LOG.info("line to port {} up again", targetPort);
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing: nothing to do
        }
        for (Socket s : open) {
            reset(s);
        }
    }

    private void cutPeriodically() {
        try {
            while (!closed) {
                TimeUnit.NANOSECONDS.sleep(cutEveryNanos);
                if (closed) {
                    return;
                }
                cut();
                TimeUnit.NANOSECONDS.sleep(downNanos);
                restore();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void accept() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("line to port {}: accept failed: {}", targetPort, e.getMessage());
                }
                return;
            }
            if (down) {
                reset(client); // refused while the line is down
                continue;
            }
            try {
                Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                open.add(client);
                open.add(server);
                pump(client, server, toServer, bytesToServer, "up");
                pump(server, client, toClient, bytesToClient, "down");
            } catch (IOException e) {
                reset(client);
            }
        }
    }

    /**
     * One direction of one connection: a reader that takes what the line's rate allows and
     * stamps it with when it may arrive, and a writer that delivers it then.
     */
    private void pump(Socket from, Socket to, TokenBucket bucket, AtomicLong counter, String direction) {
        BlockingQueue<Chunk> inFlight = new ArrayBlockingQueue<>(QUEUED_CHUNKS);
        String name = "wan-" + direction + "-" + from.getPort() + "-" + to.getPort();
        daemon(name + "-in", () -> {
            byte[] buffer = new byte[CHUNK];
            try (InputStream in = from.getInputStream()) {
                for (int n; (n = in.read(buffer, 0, Math.min(CHUNK, bucket.burst()))) >= 0; ) {
                    bucket.take(n);
                    inFlight.put(new Chunk(System.nanoTime() + delayNanos, java.util.Arrays.copyOf(buffer, n)));
                }
                inFlight.put(Chunk.END);
            } catch (IOException | InterruptedException e) {
                inFlight.offer(Chunk.END);
                reset(to);
            }
        });
        daemon(name + "-out", () -> {
            try (OutputStream out = to.getOutputStream()) {
                for (Chunk c; (c = inFlight.take()) != Chunk.END; ) {
                    long wait = c.dueNanos() - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    if (down) {
                        break;
                    }
                    out.write(c.bytes());
                    counter.addAndGet(c.bytes().length);
                }
                to.shutdownOutput();
            } catch (IOException | InterruptedException e) {
                reset(from);
            } finally {
                open.remove(to);
            }
        });
    }

    private static void reset(Socket s) {
        try {
            s.setSoLinger(true, 0); // RST: a line that drops sends no FIN
            s.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    private static void daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
    }

    private record Chunk(long dueNanos, byte[] bytes) {
        static final Chunk END = new Chunk(0, new byte[0]);
    }

    /** The line's rate in one direction; a burst of at most 1/20 s of it. */
    private static final class TokenBucket {
        private final long rate;
        private final long capacity;
        private double tokens;
        private long last = System.nanoTime();

        TokenBucket(long rate) {
            this.rate = rate;
            this.capacity = Math.max(1024, rate / 20);
            this.tokens = capacity;
        }

        int burst() {
            return (int) Math.min(Integer.MAX_VALUE, capacity);
        }

        synchronized void take(int n) throws InterruptedException {
            refill();
            while (tokens < n) {
                long missingNanos = (long) ((n - tokens) * 1e9 / rate);
                TimeUnit.NANOSECONDS.sleep(Math.max(100_000, missingNanos));
                refill();
            }
            tokens -= n;
        }

        private void refill() {
            long now = System.nanoTime();
            tokens = Math.min(capacity, tokens + (now - last) * rate / 1e9);
            last = now;
        }
    }

    /** What the line is like; {@link #start} opens it. */
    public static final class Builder {
        private final int targetPort;
        private long bytesPerSecond = 250_000;
        private Duration delay = Duration.ZERO;
        private Duration cutEvery;
        private Duration downTime = Duration.ofSeconds(2);

        private Builder(int targetPort) {
            this.targetPort = targetPort;
        }

        /** Each way; default 250,000 (a 2 Mbit/s line). */
        public Builder bytesPerSecond(long rate) {
            if (rate < 1024) {
                throw new IllegalArgumentException("rate below 1 KiB/s: " + rate);
            }
            this.bytesPerSecond = rate;
            return this;
        }

        /** One-way delay; default none. */
        public Builder delay(Duration delay) {
            this.delay = delay;
            return this;
        }

        /** A cut every {@code every}, the line then down for {@code downTime}; default never. */
        public Builder cutEvery(Duration every, Duration downTime) {
            this.cutEvery = every;
            this.downTime = downTime;
            return this;
        }

        public WanLink start() {
            return new WanLink(this);
        }
    }
}
