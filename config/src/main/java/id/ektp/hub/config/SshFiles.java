package id.ektp.hub.config;

import com.jcraft.jsch.HostKey;
import com.jcraft.jsch.HostKeyRepository;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.KeyPair;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The private keys and known_hosts files of the SFTP accounts, read by JSch, the SSH client
 * the hub logs in with, the way it will read them at night: a key it cannot use without a
 * passphrase, or a peer whose host key is not in known_hosts, fails {@code validate} (and a
 * config reload) instead of every connection after the next restart. Nothing here touches the
 * network. Each file is read once per check, however many accounts name it.
 */
final class SshFiles {
    private final JSch jsch = new JSch();
    private final Map<Path, Optional<String>> keys = new HashMap<>();
    private final Map<Path, HostKeyRepository> knownHosts = new HashMap<>();

    /** What keeps the hub from logging in with {@code file}; empty when it can. */
    Optional<String> privateKeyProblem(Path file) {
        return keys.computeIfAbsent(file, this::readKey);
    }

    private Optional<String> readKey(Path file) {
        KeyPair key;
        try {
            key = KeyPair.load(jsch, file.toString());
        } catch (JSchException e) {
            return Optional.of("is not a private key the hub can read (" + e.getMessage() + "): name the private"
                    + " key, not its .pub (ssh-keygen -t ed25519 -N \"\" -f FILE makes a pair): " + file);
        }
        try {
            if (key.isEncrypted()) {
                return Optional.of("is protected by a passphrase, and the hub cannot type a passphrase at night:"
                        + " remove it with ssh-keygen -p -N \"\" -f " + file + " (the file stays chmod 600)");
            }
            return Optional.empty();
        } finally {
            key.dispose();
        }
    }

    /**
     * What keeps the hub from trusting {@code host:port} by {@code knownHostsFile}; empty when
     * the file has a key for it. Looked up as JSch does: {@code host} on port 22,
     * {@code [host]:port} on any other; hashed entries ({@code |1|...}) count, and a
     * {@code @cert-authority} line for the host does too.
     */
    Optional<String> hostKeyProblem(Path knownHostsFile, String host, int port) {
        HostKeyRepository repository = knownHosts.computeIfAbsent(knownHostsFile, this::readKnownHosts);
        if (repository == null) {
            return Optional.of("cannot be read as a known_hosts file: " + knownHostsFile);
        }
        String name = port == 22 ? host : "[" + host + "]:" + port;
        HostKey[] found = repository.getHostKey(name, null);
        if (found != null && Arrays.stream(found).anyMatch(k -> !"@revoked".equals(k.getMarker()))) {
            return Optional.empty();
        }
        String fix = " Add it, then compare its fingerprint (ssh-keygen -lf FILE) with the one the peer's"
                + " administrator reads on the machine itself: ssh-keyscan -p " + port + " " + host + " >> " + knownHostsFile;
        if (found != null && found.length > 0) {
            return Optional.of("has only revoked keys for " + name + ": the hub will refuse that peer until its"
                    + " current host key is added." + fix);
        }
        return Optional.of("has no host key for " + name + ": the hub would refuse that peer at every connection"
                + " (strict host-key checking)." + fix);
    }

    private HostKeyRepository readKnownHosts(Path file) {
        JSch reader = new JSch();
        try {
            reader.setKnownHosts(file.toString());
            return reader.getHostKeyRepository();
        } catch (JSchException e) {
            return null;
        }
    }
}
