package id.ektp.hub.connectors.sftp;

import id.ektp.hub.config.HubConfig.SftpAccount;
import id.ektp.hub.connectors.sftp.PeerFailure.Kind;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.client.future.AuthFuture;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.cipher.Cipher;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.sftp.SftpModuleProperties;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;

/**
 * The hub's own SFTP client (Apache MINA SSHD) for the transfers that must resume where a line
 * broke: the device intake and the ministry upload. One {@link SshClient} for the whole hub;
 * {@link #link} keeps one open session per peer between polls and opens a fresh one once the
 * last has died.
 *
 * <p>The rules are those {@link SftpOptions} writes for camel-ftp's endpoints, kept here too:
 * <ul>
 *   <li>Host keys strictly against the account's known_hosts, read afresh at every connection
 *       (an operator's edit counts at once, no restart): an unknown key or a changed key is
 *       refused, and nothing is ever added to the file.</li>
 *   <li>Key authentication with the account's private key; nothing else is offered.</li>
 *   <li>{@code connectTimeout} covers the TCP connect, the SSH handshake and the login (a server
 *       that accepts and never sends its banner fails here); every SFTP request waits at most
 *       {@code readTimeout} for its answer; keep-alives every {@link SftpOptions#aliveIntervalMillis}
 *       and the session is given up after three unanswered ones. A whole operation has an overall
 *       deadline on top ({@link SftpLink#deadline}): a server that answers keep-alives but trickles
 *       a file cannot hold a device's thread for ever.</li>
 * </ul>
 */
public final class SftpSessions implements AutoCloseable {
    private static final AttributeKey<StrictKnownHosts> VERIFIER = new AttributeKey<>();

    private final SshClient client;
    private final ScheduledExecutorService deadlines;
    private final Map<String, SftpLink> open = new ConcurrentHashMap<>();

    public SftpSessions() {
        client = SshClient.setUpDefaultClient();
        // The verifier of each connection travels in its connection context: the account decides
        // which known_hosts file applies, and it is set before the key exchange can begin.
        client.setServerKeyVerifier((session, address, key) -> {
            StrictKnownHosts verifier = session.getConnectionContext() == null ? null
                    : session.getConnectionContext().getAttribute(VERIFIER);
            return verifier != null && verifier.verifyServerKey(session, address, key);
        });
        // AES-GCM first: the JDK runs it on the CPU's AES and carry-less multiply instructions, where
        // ChaCha20-Poly1305 (MINA's first choice) is plain Java, two to three times slower on a LAN.
        client.setCipherFactories(new ArrayList<NamedFactory<Cipher>>(List.of(BuiltinCiphers.aes128gcm,
                BuiltinCiphers.aes256gcm, BuiltinCiphers.aes128ctr, BuiltinCiphers.aes192ctr, BuiltinCiphers.aes256ctr,
                BuiltinCiphers.cc20p1305_openssh)));
        // SFTP is request/response: with Nagle each small request waits for a delayed ACK.
        CoreModuleProperties.TCP_NODELAY.set(client, true);
        client.start();
        deadlines = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sftp-deadlines");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * The open session to {@code peer}, or a new one. A session whose account changed (a config
     * reload) or that has died is closed and replaced.
     */
    public SftpLink link(String peer, SftpAccount account) throws PeerFailure {
        SftpLink current = open.get(peer);
        if (current != null && current.isOpen() && current.account().equals(account)) {
            return current;
        }
        if (current != null) {
            current.close();
        }
        SftpLink fresh = connect(peer, account);
        open.put(peer, fresh);
        return fresh;
    }

    /** Drops the session to {@code peer} (after a failure, or a peer no longer configured). */
    public void drop(String peer) {
        SftpLink link = open.remove(peer);
        if (link != null) {
            link.close();
        }
    }

    /** A new session, not kept: the caller closes it. */
    public SftpLink connect(String peer, SftpAccount account) throws PeerFailure {
        List<KeyPair> keys = keys(account.privateKeyFile());
        StrictKnownHosts verifier = new StrictKnownHosts(account.knownHostsFile());
        Duration connectTimeout = account.connectTimeout();
        long deadline = System.nanoTime() + connectTimeout.toNanos();
        String where = account.host() + ":" + account.port();
        ClientSession session;
        try {
            ConnectFuture connecting = client.connect(account.username(), account.host(), account.port(),
                    AttributeRepository.ofKeyValuePair(VERIFIER, verifier), null);
            if (!connecting.await(connectTimeout)) {
                connecting.cancel();
                throw new PeerFailure(Kind.UNREACHABLE, "connect to " + where + " timed out after " + connectTimeout, null);
            }
            if (connecting.getException() != null) {
                throw connectFailure(where, connecting.getException());
            }
            session = connecting.getSession();
        } catch (PeerFailure e) {
            throw e;
        } catch (IOException e) {
            throw connectFailure(where, e);
        }
        try {
            Duration read = account.readTimeout();
            CoreModuleProperties.IDLE_TIMEOUT.set(session, read); // each SFTP request's wait for its answer
            CoreModuleProperties.HEARTBEAT_INTERVAL.set(session, Duration.ofMillis(SftpOptions.aliveIntervalMillis(account)));
            CoreModuleProperties.HEARTBEAT_NO_REPLY_MAX.set(session, 3);
            CoreModuleProperties.HEARTBEAT_REPLY_WAIT.set(session, Duration.ofMillis(SftpOptions.aliveIntervalMillis(account)));
            SftpModuleProperties.SFTP_CHANNEL_OPEN_TIMEOUT.set(session, read);
            keys.forEach(session::addPublicKeyIdentity);
            AuthFuture auth = session.auth();
            long left = Math.max(1, deadline - System.nanoTime());
            if (!auth.await(Duration.ofNanos(left))) {
                throw new PeerFailure(Kind.UNREACHABLE, "SSH handshake with " + where + " timed out after "
                        + connectTimeout + " (connectTimeout)", null);
            }
            if (!auth.isSuccess()) {
                String refusal = verifier.refusal.get();
                if (refusal != null) {
                    throw new PeerFailure(Kind.REFUSED, refusal, auth.getException());
                }
                Throwable why = auth.getException();
                if (why != null && String.valueOf(why.getMessage()).contains("No more authentication methods")) {
                    throw new PeerFailure(Kind.REFUSED, "Auth fail: " + where + " refused the login of "
                            + account.username() + " with key " + account.privateKeyFile().getFileName(), why);
                }
                // The session ended before the login was answered: the line, not a refusal.
                throw new PeerFailure(Kind.UNREACHABLE, "session with " + where + " ended during the login: "
                        + (why == null ? "closed" : describe(why)), why);
            }
            SftpClient sftp = SftpClientFactory.instance().createSftpClient(session);
            return new SftpLink(peer, account, session, sftp, deadlines);
        } catch (PeerFailure e) {
            session.close(true);
            throw e;
        } catch (IOException | RuntimeException e) {
            session.close(true);
            String refusal = verifier.refusal.get();
            if (refusal != null) {
                throw new PeerFailure(Kind.REFUSED, refusal, e);
            }
            throw new PeerFailure(Kind.UNREACHABLE, "session with " + where + " failed: " + describe(e), e);
        }
    }

    /** The hub's own key: a key it cannot read is the hub's problem, not the peer's. */
    private static List<KeyPair> keys(Path privateKeyFile) {
        List<KeyPair> keys = new ArrayList<>();
        try {
            new FileKeyPairProvider(privateKeyFile).loadKeys(null).forEach(keys::add);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot read the private key " + privateKeyFile + ": " + describe(e), e);
        }
        if (keys.isEmpty()) {
            throw new IllegalStateException("no key in " + privateKeyFile);
        }
        return keys;
    }

    @Override
    public void close() {
        open.values().forEach(SftpLink::close);
        open.clear();
        deadlines.shutdownNow();
        client.stop();
    }

    private static PeerFailure connectFailure(String where, Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String what = root instanceof ConnectException ? "Connection refused" : describe(root);
        return new PeerFailure(Kind.UNREACHABLE, "connect to " + where + " failed: " + what, e);
    }

    static String describe(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /**
     * MINA's known_hosts verifier, strict: an unknown host and a changed key are refused (and the
     * reason kept for the link's error), never accepted or written to the file.
     */
    private static final class StrictKnownHosts extends KnownHostsServerKeyVerifier {
        final AtomicReference<String> refusal;

        StrictKnownHosts(Path file) {
            this(file, new AtomicReference<>());
        }

        private StrictKnownHosts(Path file, AtomicReference<String> refusal) {
            super((session, address, key) -> {
                refusal.set("HostKey of " + address + " (" + KeyUtils.getFingerPrint(key) + ") is not in "
                        + file + ": refused (strict host-key checking)");
                return false;
            }, file);
            this.refusal = refusal;
        }

        @Override
        public boolean acceptModifiedServerKey(ClientSession session, SocketAddress address, KnownHostEntry entry,
                                               PublicKey expected, PublicKey actual) {
            refusal.set("HostKey of " + address + " has changed (now " + KeyUtils.getFingerPrint(actual)
                    + ", known_hosts has " + KeyUtils.getFingerPrint(expected) + "): refused until an operator"
                    + " who checked the new fingerprint puts it in " + getPath());
            return false;
        }
    }
}
