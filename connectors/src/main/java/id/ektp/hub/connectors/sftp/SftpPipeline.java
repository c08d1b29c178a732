package id.ektp.hub.connectors.sftp;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.sftp.client.RawSftpClient;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClient.CloseableHandle;
import org.apache.sshd.sftp.client.impl.SftpResponse;
import org.apache.sshd.sftp.client.impl.SftpStatus;
import org.apache.sshd.sftp.common.SftpConstants;

/**
 * Reads and writes at an offset with many SFTP requests in flight, as OpenSSH's {@code sftp}
 * does (JSch, camel-ftp's client, waits for each write's answer before the next: on a LAN that
 * alone made uploads twice as slow as OpenSSH's). Answers are taken strictly in the order the
 * requests were sent, so "acknowledged" always means a contiguous prefix of the file: the offset
 * a resumed transfer may trust.
 */
final class SftpPipeline {
    /** Bytes per request: what OpenSSH's sftp asks for, and within every server's limit. */
    static final int CHUNK = 32 * 1024;
    /** Requests in flight: OpenSSH's default too (2 MiB). */
    static final int IN_FLIGHT = 64;

    private SftpPipeline() {}

    /** Receives the bytes of a download in file order. */
    interface Sink {
        void accept(byte[] bytes, int offset, int length) throws IOException;
    }

    /** Told as a write's answer arrives: all bytes below {@code offset} are on the server. */
    interface Acknowledged {
        void upTo(long offset) throws IOException;
    }

    /** Supplies the bytes of an upload in file order. */
    interface Source {
        int read(byte[] into) throws IOException;
    }

    /**
     * Reads {@code [from, to)} of an open file into {@code sink}, in order. A peer's failure is a
     * {@link PeerFailure}, a failure of the sink is the sink's own exception. A file that ends
     * before {@code to} is a failure of the peer (the listing promised more).
     */
    static void read(SftpLink link, CloseableHandle handle, long from, long to, Sink sink) throws IOException {
        RawSftpClient raw = (RawSftpClient) link.sftp();
        byte[] id = handle.getIdentifier();
        Deque<long[]> pending = new ArrayDeque<>(); // {request id, offset, length}
        long next = from;
        long delivered = from;
        try {
            while (delivered < to) {
                while (pending.size() < IN_FLIGHT && next < to) {
                    int length = (int) Math.min(CHUNK, to - next);
                    Buffer request = new ByteArrayBuffer(id.length + Long.SIZE + 16, false);
                    request.putBytes(id);
                    request.putLong(next);
                    request.putInt(length);
                    pending.add(new long[] {raw.send(SftpConstants.SSH_FXP_READ, request), next, length});
                    next += length;
                }
                long[] head = pending.removeFirst();
                SftpResponse response = SftpResponse.parse(SftpConstants.SSH_FXP_READ, raw.receive((int) head[0]));
                if (response.getType() == SftpConstants.SSH_FXP_STATUS) {
                    SftpStatus status = SftpStatus.parse(response);
                    throw new PeerFailure(PeerFailure.Kind.ANSWERED_ERROR, status.getStatusCode() == SftpConstants.SSH_FX_EOF
                            ? "the file ended at byte " + delivered + " of the " + to + " its listing showed"
                            : "read refused: " + status, delivered, null);
                }
                Buffer data = response.getBuffer();
                int length = data.getInt();
                if (length > head[2]) {
                    throw new PeerFailure(PeerFailure.Kind.ANSWERED_ERROR, "the server sent more than was asked", delivered, null);
                }
                local(() -> sink.accept(data.array(), data.rpos(), length));
                delivered += length;
                if (length < head[2]) {
                    // A short read: drop what is in flight and ask again from here.
                    for (long[] p : pending) {
                        raw.receive((int) p[0]);
                    }
                    pending.clear();
                    next = delivered;
                }
            }
        } catch (PeerFailure e) {
            throw e;
        } catch (SinkFailure e) {
            throw (IOException) e.getCause();
        } catch (IOException e) {
            throw link.failure(e, "reading");
        }
    }

    /**
     * Writes {@code source} to an open file from {@code from} on, telling {@code acknowledged}
     * as each write's answer arrives, and returns the end offset once every write is answered.
     */
    static long write(SftpLink link, CloseableHandle handle, long from, Source source, Acknowledged acknowledged)
            throws IOException {
        RawSftpClient raw = (RawSftpClient) link.sftp();
        byte[] id = handle.getIdentifier();
        Deque<long[]> pending = new ArrayDeque<>(); // {request id, end offset}
        byte[] chunk = new byte[CHUNK];
        long next = from;
        boolean more = true;
        try {
            while (more || !pending.isEmpty()) {
                while (more && pending.size() < IN_FLIGHT) {
                    int n = localRead(() -> source.read(chunk));
                    if (n < 0) {
                        more = false;
                        break;
                    }
                    Buffer request = new ByteArrayBuffer(id.length + n + 32, false);
                    request.putBytes(id);
                    request.putLong(next);
                    request.putBytes(chunk, 0, n);
                    next += n;
                    pending.add(new long[] {raw.send(SftpConstants.SSH_FXP_WRITE, request), next});
                }
                if (!pending.isEmpty()) {
                    long[] head = pending.removeFirst();
                    SftpStatus status = SftpStatus.parse(SftpResponse.parse(SftpConstants.SSH_FXP_WRITE,
                            raw.receive((int) head[0])));
                    if (!status.isOk()) {
                        throw new PeerFailure(PeerFailure.Kind.ANSWERED_ERROR, "write refused: " + status, null);
                    }
                    local(() -> acknowledged.upTo(head[1]));
                }
            }
            return next;
        } catch (PeerFailure e) {
            throw e;
        } catch (SinkFailure e) {
            throw (IOException) e.getCause();
        } catch (IOException e) {
            throw link.failure(e, "writing");
        }
    }

    /** Opens {@code path} on the link as a peer's failure would say it. */
    static CloseableHandle open(SftpLink link, String path, SftpClient.OpenMode... modes) throws PeerFailure {
        try {
            return link.sftp().open(path, modes);
        } catch (IOException e) {
            throw link.failure(e, "opening " + path);
        }
    }

    private interface LocalStep {
        int run() throws IOException;
    }

    private interface LocalVoidStep {
        void run() throws IOException;
    }

    /** Runs a step on the hub's side (its disk), so that its failure is never taken for the peer's. */
    private static int localRead(LocalStep step) throws SinkFailure {
        try {
            return step.run();
        } catch (IOException e) {
            throw new SinkFailure(e);
        }
    }

    private static void local(LocalVoidStep step) throws SinkFailure {
        try {
            step.run();
        } catch (IOException e) {
            throw new SinkFailure(e);
        }
    }

    /** Marks a sink's own failure, so that it is not taken for the peer's. */
    static final class SinkFailure extends IOException {
        SinkFailure(IOException cause) {
            super(cause);
        }
    }
}
