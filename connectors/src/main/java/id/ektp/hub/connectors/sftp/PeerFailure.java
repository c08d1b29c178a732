package id.ektp.hub.connectors.sftp;

import java.io.IOException;

/**
 * A failure of an SFTP peer or of the line to it, never of the hub's own disk: the caller marks
 * the peer's link down and tries again later, where a local {@link IOException} is the hub's
 * problem. The {@link Kind} decides how soon: a line cut in the middle of a transfer is tried
 * again within about a second (the transfer resumes where it broke), a peer that refuses the hub
 * only after the capped backoff.
 */
public final class PeerFailure extends IOException {
    public enum Kind {
        /** The TCP connect or the SSH handshake did not complete (down, unreachable, timed out). */
        UNREACHABLE,
        /** The peer was reached and refused the hub: its host key, or the hub's login. */
        REFUSED,
        /** An established session broke (the line was cut, a read timed out, a deadline passed). */
        CUT,
        /** The SFTP server answered a request with an error (no such file, permission denied). */
        ANSWERED_ERROR
    }

    private final Kind kind;
    private final long offset;

    public PeerFailure(Kind kind, String message, Throwable cause) {
        this(kind, message, -1, cause);
    }

    /** {@code offset}: how far a transfer had got (bytes safely on the receiving side), or -1. */
    public PeerFailure(Kind kind, String message, long offset, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.offset = offset;
    }

    public Kind kind() {
        return kind;
    }

    /** How far the transfer had got, or -1 when it was not one. */
    public long offset() {
        return offset;
    }

    /** The same failure, now knowing how far the transfer got. */
    public PeerFailure at(String what, long reached, long size) {
        return new PeerFailure(kind, what + ": " + getMessage() + " at byte " + reached + " of " + size,
                reached, getCause() == null ? this : getCause());
    }
}
