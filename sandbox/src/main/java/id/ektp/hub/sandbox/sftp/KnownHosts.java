package id.ektp.hub.sandbox.sftp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes OpenSSH {@code known_hosts} entries, so the hub (JSch with {@code StrictHostKeyChecking=yes}) and
 * OpenSSH clients trust exactly the sandbox's servers and nothing else.
 */
public final class KnownHosts {
    private static final Logger LOG = LoggerFactory.getLogger(KnownHosts.class);

    private KnownHosts() {
    }

    /**
     * Adds the entry for {@code host:port} to {@code file}, creating it (mode 0600) if needed.
     *
     * <p>A hub's known_hosts lists several peers, so existing entries for other hosts are kept and an
     * identical entry is not written twice. An entry for the <em>same</em> host, port and key type with a
     * different key is replaced: it can only be a stale key of an earlier server on that port, and leaving
     * it would make clients see a "changed host key" for a server this method is vouching for.
     *
     * <p>The file is rewritten through a temporary sibling and an atomic rename, so a client reading it
     * concurrently sees the old or the new content, never half a line.
     */
    public static synchronized void write(Path file, String host, int port, PublicKey hostKey) {
        String entry = line(host, port, hostKey);
        String[] fields = entry.split(" ");
        String hostPattern = fields[0];
        String keyType = fields[1];
        try {
            List<String> lines = new ArrayList<>();
            if (Files.exists(file)) {
                for (String existing : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (existing.trim().equals(entry)) {
                        LOG.debug("{} already trusts {}", file, hostPattern);
                        return;
                    }
                    String[] f = existing.trim().split("\\s+");
                    if (f.length >= 3 && f[0].equals(hostPattern) && f[1].equals(keyType)) {
                        LOG.info("Replacing stale {} key for {} in {}", keyType, hostPattern, file);
                        continue;
                    }
                    lines.add(existing);
                }
            }
            lines.add(entry);
            replace(file, String.join("\n", lines) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write known hosts " + file, e);
        }
    }

    /**
     * The known_hosts line for a server: {@code host keytype base64} on port 22, {@code [host]:port keytype
     * base64} otherwise (the bracket form is what OpenSSH and JSch look up for non-standard ports).
     */
    public static String line(String host, int port, PublicKey hostKey) {
        String hostPattern = port == 22 ? host : "[" + host + "]:" + port;
        return hostPattern + " " + SshKeys.authorizedKeyLine(hostKey);
    }

    private static void replace(Path file, String content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve("." + file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        Files.deleteIfExists(tmp);
        SshKeys.createOwnerOnlyFile(tmp);
        try {
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
