package id.ektp.hub.sandbox.sftp;

import id.ektp.hub.codes.UntrustedText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.common.session.helpers.AbstractSession;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.sftp.server.FileHandle;
import org.apache.sshd.sftp.server.SftpEventListener;
import org.apache.sshd.sftp.server.SftpFileSystemAccessor;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;
import org.apache.sshd.sftp.server.SftpSubsystemProxy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An SFTP server (Apache MINA SSHD) that plays a device or the ministry for tests, the {@code sandbox}
 * command and the benchmark.
 *
 * <p>It is deliberately as strict as the real peers: public-key authentication only, a real ECDSA P-256
 * host key that clients check against a known_hosts file, and one chrooted home per account. On top of
 * that it can misbehave on request ({@link #restart()}, {@link #disconnectUser(String)},
 * {@link #refuseLogins(String, boolean)}, {@link #failNextRemoval(String)}) so the hub's retry and
 * alerting paths can be exercised, or play a hostile server ({@link #listAs(String, String)}).
 *
 * <p>Thread-safe: lifecycle methods are serialised on this object; accounts and refusals live in
 * concurrent maps read by MINA's I/O threads during authentication.
 */
public final class EmbeddedSftpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedSftpServer.class);

    private final String host;
    private final Path hostKeyFile;
    // One provider for the lifetime of this object: it caches the key, so restarts (which need a new
    // SshServer, see start()) present the same host key even when no hostKeyFile was given.
    private final SimpleGeneratorHostKeyProvider hostKeys;
    // Each account is rooted (chrooted) at its own home: accounts cannot see each other's files.
    private final VirtualFileSystemFactory fileSystems = new VirtualFileSystemFactory();
    private final Map<String, PublicKey> authorizedKeys = new ConcurrentHashMap<>();
    private final Set<String> refusedUsers = ConcurrentHashMap.newKeySet();
    /** Tests only: runs as a key is accepted, before the login completes (see {@link #onKeyAccepted}). */
    private volatile Consumer<String> keyAccepted = user -> { };
    private final Set<String> removalsToFail = ConcurrentHashMap.newKeySet();
    private final Map<String, String> listedNames = new ConcurrentHashMap<>();
    private volatile boolean stallReads;

    private volatile int port;
    private volatile PublicKey hostPublicKey;
    private volatile SshServer server; // null while stopped; replaced on every start

    private EmbeddedSftpServer(Builder builder) {
        this.host = builder.host;
        this.port = builder.port;
        this.hostKeyFile = builder.hostKeyFile == null ? null : builder.hostKeyFile.toAbsolutePath();
        this.hostKeys = new OwnerOnlyHostKeyProvider(hostKeyFile);
        for (Account account : builder.accounts) {
            addAccount(account.username(), account.home(), account.key());
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts listening (idempotent). The first start binds the configured port (0 picks a free one); later
     * starts rebind the same port, so clients' URLs and known_hosts entries stay valid.
     *
     * @throws UncheckedIOException if the port cannot be bound or the host key cannot be persisted
     */
    public synchronized EmbeddedSftpServer start() {
        if (server != null) {
            return this;
        }
        PublicKey key = loadHostKey();
        // A stopped SshServer cannot be started again (it refuses once closed), so every start builds a
        // fresh one around the same host key, file systems and authenticator.
        SshServer sshd = newSshServer();
        try {
            sshd.start();
        } catch (IOException e) {
            closeQuietly(sshd);
            throw new UncheckedIOException("Cannot start SFTP server on " + host + ":" + port, e);
        }
        this.port = sshd.getPort();
        this.hostPublicKey = key;
        this.server = sshd;
        LOG.info("SFTP server listening on {}:{} (host key {} {})", host, port,
                KeyUtils.getKeyType(key), KeyUtils.getFingerPrint(key));
        return this;
    }

    /**
     * Stops listening and drops every live session at once, as a link failure would (idempotent). The
     * accounts, host key and port are kept for a later {@link #start()}.
     */
    public synchronized void stop() {
        SshServer sshd = server;
        if (sshd == null) {
            return;
        }
        server = null;
        try {
            // immediately=true: do not wait for clients to acknowledge channel closes; a hung or slow
            // client must not be able to stall the sandbox (bounded by CoreModuleProperties.STOP_WAIT_TIME).
            sshd.stop(true);
        } catch (IOException e) {
            LOG.warn("SFTP server on port {} did not stop cleanly", port, e);
        }
        LOG.info("SFTP server on {}:{} stopped", host, port);
    }

    /** Stops, then starts again on the same port with the same host key: a dropped-and-restored link. */
    public synchronized void restart() {
        stop();
        start();
    }

    @Override
    public void close() {
        stop();
    }

    public boolean isRunning() {
        SshServer sshd = server;
        return sshd != null && sshd.isStarted() && sshd.isOpen();
    }

    /** The bound port (the chosen one after a start with port 0). */
    public int port() {
        return port;
    }

    /** The address the server binds to, also the host name written to known_hosts. */
    public String host() {
        return host;
    }

    /** The server's host key; available once started (and unchanged by restarts). */
    public PublicKey hostPublicKey() {
        PublicKey key = hostPublicKey;
        if (key == null) {
            throw new IllegalStateException("Host key not known before the server first starts");
        }
        return key;
    }

    /** Adds (or updates) this server's entry in a known_hosts file; see {@link KnownHosts#write}. */
    public void writeKnownHosts(Path file) {
        if (port == 0) {
            throw new IllegalStateException("Port not known before the server first starts");
        }
        KnownHosts.write(file, host, port, hostPublicKey());
    }

    /**
     * Adds an account, or replaces the key and home of an existing one; usable while running (new sessions
     * see it immediately). The home directory is created if missing and becomes the account's SFTP root.
     */
    public void addAccount(String username, Path homeDir, PublicKey authorizedKey) {
        Objects.requireNonNull(authorizedKey, "authorizedKey");
        if (username == null || username.isBlank()) {
            throw new IllegalArgumentException("username must not be blank");
        }
        Path home = homeDir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(home);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create home " + home + " for " + username, e);
        }
        // Home before key: a login that sees the key must also find its file system.
        fileSystems.setUserHomeDir(username, home);
        authorizedKeys.put(username, authorizedKey);
        LOG.debug("Account {} rooted at {} with key {}", username, home, KeyUtils.getFingerPrint(authorizedKey));
    }

    /** The home (SFTP root) of an account, or null if there is no such account. */
    public Path homeDir(String username) {
        return fileSystems.getUserHomeDir(username);
    }

    /** The sessions of {@code username} the server still holds (a client that left may linger a moment). */
    public int sessionsOf(String username) {
        return sessions(username).size();
    }

    private List<AbstractSession> sessions(String username) {
        SshServer sshd = server;
        return sshd == null ? List.of() : sshd.getActiveSessions().stream()
                .filter(session -> username.equals(session.getUsername())).toList();
    }

    /**
     * Closes every live session of {@code username} abruptly (no SSH disconnect message), as a dropped
     * link would. New logins are still accepted.
     *
     * @return how many sessions were closed
     */
    public synchronized int disconnectUser(String username) {
        List<AbstractSession> victims = sessions(username);
        for (AbstractSession session : victims) {
            session.close(true);
        }
        LOG.info("Disconnected {} session(s) of {}", victims.size(), username);
        return victims.size();
    }

    /**
     * While {@code refuse} is true, {@code username}'s key is rejected as if it had been changed on the
     * device. Sessions already logged in are left alone (combine with {@link #disconnectUser} to drop them).
     * A login whose key was accepted a moment before the refusal but which completes after it is
     * closed as it completes: without that, refusing and then disconnecting could miss a session
     * half logged in (no user name yet for {@link #disconnectUser} to match), and that session would
     * stay up for ever. A test in CI once waited in vain for exactly such a device to go down.
     */
    public void refuseLogins(String username, boolean refuse) {
        if (refuse) {
            refusedUsers.add(username);
        } else {
            refusedUsers.remove(username);
        }
        LOG.info("Logins of {} are now {}", username, refuse ? "refused" : "accepted");
    }

    /**
     * The next removal of a file named {@code fileName} (in any account) fails with an SFTP error, as a
     * link dropping at that moment would make it fail; later removals succeed.
     */
    public void failNextRemoval(String fileName) {
        removalsToFail.add(fileName);
    }

    /**
     * Tests of this class only: {@code hook} runs each time a user's key is accepted, before the
     * login completes, which is where a refusal can race a login.
     */
    void onKeyAccepted(Consumer<String> hook) {
        keyAccepted = hook == null ? user -> { } : hook;
    }

    /**
     * From now on, directory listings (in any account) name the file {@code fileName} as
     * {@code listedName}, whatever that is: a hostile or broken server may list
     * {@code x/../../somewhere.json}, which no real directory entry can be called. Only the
     * listing lies; a request for {@code listedName} resolves it as a path, as any server would.
     */
    public void listAs(String fileName, String listedName) {
        listedNames.put(fileName, listedName);
    }

    /**
     * While {@code stall} is true, every file read waits (up to a minute) without an answer, while
     * the session itself stays alive and answers keep-alives: a device that hangs in the middle
     * of a transfer.
     */
    public void stallReads(boolean stall) {
        stallReads = stall;
        synchronized (this) {
            notifyAll();
        }
    }

    /** Whether a removal asked for with {@link #failNextRemoval(String)} has not happened yet. */
    public boolean removalFailurePending(String fileName) {
        return removalsToFail.contains(fileName);
    }

    private SshServer newSshServer() {
        SshServer sshd = SshServer.setUpDefaultServer();
        sshd.setHost(host);
        sshd.setPort(port);
        sshd.setKeyPairProvider(hostKeys);
        // Public key only, like the real peers. Setting the factory list explicitly matters: by default MINA
        // also offers keyboard-interactive and, without our authenticator, would consult the OS user's
        // ~/.ssh/authorized_keys.
        sshd.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
        sshd.setPublickeyAuthenticator(this::authenticate);
        sshd.setPasswordAuthenticator(null);
        sshd.setKeyboardInteractiveAuthenticator(null);
        sshd.setFileSystemFactory(fileSystems);
        sshd.addSessionListener(new SessionListener() {
            @Override
            public void sessionEvent(Session session, Event event) {
                if (event == Event.Authenticated && refusedUsers.contains(session.getUsername())) {
                    LOG.info("Closing {}'s session from {}: it completed its login after logins were refused",
                            session.getUsername(), session.getIoSession().getRemoteAddress());
                    session.close(true);
                }
            }
        });
        // SFTP only: no shell and no exec (the default factories are null), forwarding rejected by default.
        SftpSubsystemFactory sftp = new SftpSubsystemFactory.Builder().withFileSystemAccessor(new SftpFileSystemAccessor() {
            @Override
            public void putRemoteFileName(SftpSubsystemProxy subsystem, Path path, Buffer buffer, String name,
                                          boolean shortName) throws IOException {
                String listed = shortName ? listedNames.get(name) : null;
                SftpFileSystemAccessor.super.putRemoteFileName(subsystem, path, buffer, listed == null ? name : listed,
                        shortName);
            }
        }).build();
        sftp.addSftpEventListener(new SftpEventListener() {
            @Override
            public void reading(ServerSession session, String remoteHandle, FileHandle localHandle, long offset,
                                byte[] data, int dataOffset, int dataLen) {
                if (!stallReads) {
                    return;
                }
                long until = System.currentTimeMillis() + 60_000;
                synchronized (EmbeddedSftpServer.this) {
                    while (stallReads && System.currentTimeMillis() < until) {
                        try {
                            EmbeddedSftpServer.this.wait(1000);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                }
            }

            @Override
            public void removing(ServerSession session, Path path, boolean isDirectory) throws IOException {
                if (removalsToFail.remove(String.valueOf(path.getFileName()))) {
                    LOG.info("Failing the removal of {} on request", UntrustedText.forLog(String.valueOf(path.getFileName())));
                    throw new IOException("removal of " + path.getFileName() + " failed on request");
                }
            }
        });
        sshd.setSubsystemFactories(List.of(sftp));
        // MINA's default already is true; stated here because restart() relies on rebinding the port at once
        // even while connections of the previous incarnation sit in TIME_WAIT.
        CoreModuleProperties.SOCKET_REUSEADDR.set(sshd, true);
        // The one non-default tuning, measured: with Nagle on (MINA's default), each small SFTP reply
        // (handle, status) waits for the client's delayed ACK, ~40 ms per round trip. Moving 100 x 2 MiB
        // files with OpenSSH sftp over loopback took 5.4 s up / 5.6 s down with Nagle and 1.1 s / 1.3 s
        // without, while one 200 MiB file was equally fast either way. SFTP is request/response, so
        // OpenSSH's own sftp-server does not suffer from this; without NODELAY we would benchmark Nagle.
        CoreModuleProperties.TCP_NODELAY.set(sshd, true);
        return sshd;
    }

    private boolean authenticate(String username, PublicKey key, ServerSession session) {
        PublicKey expected = authorizedKeys.get(username);
        if (expected == null) {
            LOG.info("Rejecting unknown user {} from {}", username, session.getClientAddress());
            return false;
        }
        if (refusedUsers.contains(username)) {
            LOG.info("Rejecting {} from {}: logins refused", username, session.getClientAddress());
            return false;
        }
        if (!KeyUtils.compareKeys(expected, key)) {
            LOG.info("Rejecting {} from {}: key {} is not authorized", username, session.getClientAddress(),
                    KeyUtils.getFingerPrint(key));
            return false;
        }
        keyAccepted.accept(username);
        return true;
    }

    private PublicKey loadHostKey() {
        List<KeyPair> pairs = hostKeys.loadKeys(null);
        if (pairs.isEmpty()) {
            throw new IllegalStateException("No host key could be loaded or generated (" + hostKeyFile + ")");
        }
        // The provider only logs when it cannot persist a generated key; then clients would have to re-trust
        // a new key after the next JVM start, which defeats the point of a hostKeyFile. Fail loudly instead.
        try {
            if (hostKeyFile != null && (!Files.isRegularFile(hostKeyFile) || Files.size(hostKeyFile) == 0)) {
                throw new IllegalStateException("Host key was not persisted to " + hostKeyFile);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return pairs.get(0).getPublic();
    }

    private static void closeQuietly(SshServer sshd) {
        // stop() is a no-op on a server that never started; close() releases its acceptor and threads.
        try {
            sshd.close(true);
        } catch (RuntimeException e) {
            LOG.debug("Ignoring failure to close a server that did not start", e);
        }
    }

    /** MINA's generator with ECDSA P-256, creating the key file owner-only before writing the key. */
    private static final class OwnerOnlyHostKeyProvider extends SimpleGeneratorHostKeyProvider {
        OwnerOnlyHostKeyProvider(Path file) {
            super(file);
            setAlgorithm(KeyUtils.EC_ALGORITHM);
            // Without a size MINA picks the largest curve (P-521); P-256 is what every client here expects.
            setKeySize(256);
        }

        @Override
        protected void writeKeyPair(KeyPair kp, Path keyPath) throws IOException, GeneralSecurityException {
            // MINA creates the file with default permissions and narrows them afterwards; creating it 0600
            // first means the private host key is never readable by others, not even briefly.
            if (!Files.exists(keyPath)) {
                Path parent = keyPath.getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                SshKeys.createOwnerOnlyFile(keyPath);
            }
            super.writeKeyPair(kp, keyPath);
        }
    }

    private record Account(String username, Path home, PublicKey key) {
    }

    /** Configures an {@link EmbeddedSftpServer}; {@link #start()} builds and starts it. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port;
        private Path hostKeyFile;
        private final List<Account> accounts = new ArrayList<>();

        private Builder() {
        }

        /** Bind address and the name written to known_hosts; default {@code 127.0.0.1}. */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** Port to listen on; 0 (the default) picks a free port at first start. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("Invalid port " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * Where the host key lives: generated there on first start and reused afterwards, so known_hosts
         * files stay valid across restarts of the JVM. Without it the key lives only as long as the server
         * object (still the same across {@link EmbeddedSftpServer#restart()}).
         */
        public Builder hostKeyFile(Path hostKeyFile) {
            this.hostKeyFile = hostKeyFile;
            return this;
        }

        /** Adds an account whose SFTP root is {@code homeDir} (created if missing); repeatable. */
        public Builder account(String username, Path homeDir, PublicKey authorizedKey) {
            accounts.add(new Account(username, homeDir, authorizedKey));
            return this;
        }

        /** Builds the server without starting it. */
        public EmbeddedSftpServer build() {
            return new EmbeddedSftpServer(this);
        }

        public EmbeddedSftpServer start() {
            return build().start();
        }
    }
}
