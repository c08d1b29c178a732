package id.ektp.hub.sandbox.sftp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A device that hangs: it accepts TCP connections on 127.0.0.1 and never sends a byte, not even the SSH
 * version banner. A client without connect/read timeouts would wait forever, which is exactly what the
 * hub's timeouts must prevent.
 */
public final class HangingServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HangingServer.class);

    private final ServerSocket serverSocket;
    // Accepted sockets are held open (that is the hang) and closed on close().
    private final Set<Socket> accepted = ConcurrentHashMap.newKeySet();
    private final AtomicInteger acceptedCount = new AtomicInteger();
    private final Thread acceptor;
    private volatile boolean closed;

    public HangingServer() {
        try {
            serverSocket = new ServerSocket();
            serverSocket.setReuseAddress(true);
            serverSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open a hanging server socket", e);
        }
        acceptor = new Thread(this::acceptForever, "hanging-server-" + serverSocket.getLocalPort());
        acceptor.setDaemon(true); // never keep a JVM alive just to hang
        acceptor.start();
        LOG.info("Hanging server listening on 127.0.0.1:{}", port());
    }

    public int port() {
        return serverSocket.getLocalPort();
    }

    /** Connections accepted so far (tests wait on this instead of sleeping). */
    public int acceptedConnections() {
        return acceptedCount.get();
    }

    private void acceptForever() {
        while (!closed) {
            try {
                Socket socket = serverSocket.accept();
                accepted.add(socket);
                acceptedCount.incrementAndGet();
                if (closed) { // close() may have run between accept() and add(); don't leak this one
                    closeQuietly(socket);
                }
            } catch (SocketException e) {
                if (!closed) {
                    LOG.warn("Hanging server stopped accepting", e);
                }
                return;
            } catch (IOException e) {
                LOG.warn("Hanging server failed to accept a connection", e);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(serverSocket); // unblocks accept()
        for (Socket socket : accepted) {
            closeQuietly(socket);
        }
        accepted.clear();
        try {
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            LOG.debug("Ignoring close failure", e);
        }
    }
}
