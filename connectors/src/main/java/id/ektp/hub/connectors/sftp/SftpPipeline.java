package id.ektp.hub.connectors.sftp;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.session.Session;
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

    /** Supplies the bytes of an upload in file order; 0 or less at the end. */
    interface Source {
        int read(byte[] into, int offset, int length) throws IOException;
    }

    /**
     * Reads {@code [from, to)} of an open file into {@code sink}, in order. A peer's failure is a
     * {@link PeerFailure}, a failure of the sink is the sink's own exception. A file that ends
     * before {@code to} is a failure of the peer (the listing promised more).
     */
    static void read(SftpLink link, CloseableHandle handle, long from, long to, Sink sink) throws IOException {
        RawSftpClient raw = (RawSftpClient) link.sftp();
        byte[] id = handle.getIdentifier();
        int chunk = readChunk(link.sftp());
        Deque<long[]> pending = new ArrayDeque<>(); // {request id, offset, length}
        long next = from;
        long delivered = from;
        try {
            while (delivered < to) {
                while (pending.size() < IN_FLIGHT && next < to) {
                    int length = (int) Math.min(chunk, to - next);
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
     * Bytes per read: at most {@link #CHUNK}, and few enough that the server's answer (13 bytes
     * of SFTP header and the data) fits one SSH packet of the size this client accepts. Asking
     * for exactly 32 KiB made every answer two packets, a full one and one of 13 bytes, each
     * encrypted, sent, decrypted and queued on its own.
     */
    static int readChunk(SftpClient sftp) {
        long packetSize = sftp.getClientChannel().getLocalWindow().getPacketSize();
        return (int) Math.max(1024, Math.min(CHUNK, packetSize - (4 + 1 + 4 + 4)));
    }

    /**
     * Writes {@code source} to an open file from {@code from} on, telling {@code acknowledged}
     * as each write's answer arrives, and returns the end offset once every write is answered.
     *
     * <p>Each write is one SSH packet, built in place: the file's bytes are read straight into a
     * buffer that already holds room for the SSH and SFTP headers, sized so that the whole write
     * fits the server's packet size, and MINA encrypts that buffer as it is (the way its own
     * {@code SftpOutputStreamAsync} writes). A 32 KiB write of a plain buffer was copied four
     * times and split into a 32 KiB and a 40-byte packet; this halved the packets the server
     * handles and made a 2 MiB upload about a third faster on loopback.
     */
    static long write(SftpLink link, CloseableHandle handle, long from, Source source, Acknowledged acknowledged)
            throws IOException {
        RawSftpClient raw = (RawSftpClient) link.sftp();
        WritePackets packets = new WritePackets(link.sftp(), handle.getIdentifier());
        Deque<long[]> pending = new ArrayDeque<>(); // {request id, end offset}
        long next = from;
        boolean more = true;
        try {
            while (more || !pending.isEmpty()) {
                while (more && pending.size() < IN_FLIGHT) {
                    Buffer request = packets.next();
                    int n = localRead(() -> source.read(request.array(), request.wpos(), packets.dataRoom()));
                    if (n <= 0) {
                        more = false;
                        break;
                    }
                    packets.seal(request, next, n);
                    next += n;
                    pending.add(new long[] {raw.write(SftpConstants.SSH_FXP_WRITE, request).getId(), next});
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

    /**
     * The buffers of one upload's writes. MINA's {@code write} returns once the previous write
     * is on the wire, so two buffers taken in turn are enough: the one filled next was sent
     * before the last call returned.
     */
    private static final class WritePackets {
        /** SSH_MSG_CHANNEL_DATA's type, recipient and length; SFTP's length, type and request id. */
        private static final int CHANNEL_AND_SFTP_HEADER = 1 + 4 + 4 + 4 + 1 + 4;

        private final Session session;
        private final byte[] handleId;
        private final int dataStart;
        private final int dataRoom;
        private final int size;
        private final Buffer[] pool = new Buffer[2];
        private int turn;

        WritePackets(SftpClient sftp, byte[] handleId) {
            this.session = sftp.getClientSession();
            this.handleId = handleId;
            int writeHeader = 4 + handleId.length + 8 + 4; // handle, offset, data length
            long packetSize = sftp.getClientChannel().getRemoteWindow().getPacketSize();
            int sftpRoom = (int) Math.min(packetSize, CHUNK + 9 + writeHeader);
            this.dataRoom = Math.max(1024, sftpRoom - 9 - writeHeader);
            this.dataStart = SshConstants.SSH_PACKET_HEADER_LEN + CHANNEL_AND_SFTP_HEADER + writeHeader;
            this.size = CHANNEL_AND_SFTP_HEADER + writeHeader + dataRoom; // the SSH packet's payload
        }

        int dataRoom() {
            return dataRoom;
        }

        /** A buffer positioned where the file's bytes go. */
        Buffer next() {
            Buffer buffer = pool[turn];
            if (buffer == null) {
                buffer = session.createBuffer(SshConstants.SSH_MSG_CHANNEL_DATA, size);
                pool[turn] = buffer;
            }
            turn ^= 1;
            buffer.rpos(dataStart);
            buffer.wpos(dataStart);
            return buffer;
        }

        /** Puts the WRITE request's fields in front of {@code length} bytes of data. */
        void seal(Buffer buffer, long offset, int length) {
            int end = dataStart + length;
            int start = dataStart - (4 + handleId.length + 8 + 4);
            buffer.rpos(start);
            buffer.wpos(start);
            buffer.putBytes(handleId);
            buffer.putLong(offset);
            buffer.putUInt(length);
            buffer.wpos(end);
        }
    }

    /** A server's hash of a whole file ({@code check-file-name}): which algorithm, and the hash. */
    record FileHash(String algorithm, byte[] hash) {}

    /**
     * Closes {@code handle} and asks for the hash of the whole of {@code path} in one round trip
     * (the two requests are sent before either answer is read). The hash covers the file to its
     * end (length 0), so a file longer or shorter than what was written cannot match. The writes
     * were all acknowledged before this is called, so the bytes hashed are the bytes written
     * whatever order a server takes the two requests in. {@code null} when the server refused
     * the hash; a refused close is a failure (the upload is not known to be whole).
     */
    static FileHash closeAndHash(SftpLink link, CloseableHandle handle, String path, String algorithms)
            throws IOException {
        RawSftpClient raw = (RawSftpClient) link.sftp();
        try {
            Buffer close = new ByteArrayBuffer(handle.getIdentifier().length + 32, false);
            close.putBytes(handle.getIdentifier());
            int closeId = raw.send(SftpConstants.SSH_FXP_CLOSE, close);
            Buffer check = new ByteArrayBuffer(path.length() * 4 + 96, false);
            check.putString(SftpConstants.EXT_CHECK_FILE_NAME);
            check.putString(path);
            check.putString(algorithms);
            check.putLong(0); // from the start
            check.putLong(0); // to the end of the file
            check.putUInt(0); // one hash of it all
            int checkId = raw.send(SftpConstants.SSH_FXP_EXTENDED, check);
            SftpStatus closed = SftpStatus.parse(SftpResponse.parse(SftpConstants.SSH_FXP_CLOSE, raw.receive(closeId)));
            SftpResponse answer = SftpResponse.parse(SftpConstants.SSH_FXP_EXTENDED, raw.receive(checkId));
            if (!closed.isOk()) {
                throw new PeerFailure(PeerFailure.Kind.ANSWERED_ERROR, "closing " + path + " refused: " + closed, null);
            }
            if (answer.getType() != SftpConstants.SSH_FXP_EXTENDED_REPLY) {
                return null;
            }
            Buffer reply = answer.getBuffer();
            reply.getString(); // "check-file"
            String algorithm = reply.getString();
            return new FileHash(algorithm, reply.getBytes());
        } catch (PeerFailure e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw link.failure(e instanceof IOException io ? io : new IOException(e), "closing and hashing " + path);
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
