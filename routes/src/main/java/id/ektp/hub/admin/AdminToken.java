package id.ektp.hub.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin token, read from {@code http.adminTokenFile} at every check: admin calls are few,
 * and a file read is cheap beside an HTTP request, while a token kept in memory would stay
 * valid after an admin rotated it because it leaked. A file that is missing, unreadable or
 * empty refuses every call, rather than letting the last token it held go on working. What
 * changes is logged once (never the token itself).
 */
final class AdminToken {
    private static final Logger LOG = LoggerFactory.getLogger("ektp.admin");

    private volatile Path file;
    /** SHA-256 of the token last read, or null while there is none: only to log a change once. */
    private byte[] lastSeen;
    private String lastProblem;

    AdminToken(Path file) {
        this.file = file;
    }

    /** A configuration reload named another file. */
    void file(Path file) {
        this.file = file;
    }

    /** The token the file holds now, or empty when it holds none (missing, unreadable, empty). */
    synchronized Optional<byte[]> current() {
        Path at = file;
        String text;
        try {
            text = Files.readString(at).strip();
        } catch (IOException e) {
            return none(at, "cannot be read (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
        if (text.isEmpty()) {
            return none(at, "is empty");
        }
        byte[] token = text.getBytes(StandardCharsets.UTF_8);
        byte[] digest = sha256(token);
        if (lastProblem != null) {
            LOG.info("admin token file {} holds a token again: admin calls are accepted with it", at);
        } else if (lastSeen != null && !Arrays.equals(lastSeen, digest)) {
            LOG.info("admin token file {} holds a new token: the previous one is refused from now on", at);
        }
        lastProblem = null;
        lastSeen = digest;
        return Optional.of(token);
    }

    private Optional<byte[]> none(Path at, String problem) {
        if (!problem.equals(lastProblem)) {
            LOG.warn("admin token file {} {}: every admin call is refused until it holds a token", at, problem);
        }
        lastProblem = problem;
        lastSeen = null;
        return Optional.empty();
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
