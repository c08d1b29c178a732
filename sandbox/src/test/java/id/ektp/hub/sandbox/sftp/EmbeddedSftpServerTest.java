package id.ektp.hub.sandbox.sftp;

import static id.ektp.hub.sandbox.sftp.SftpTestSupport.connect;
import static id.ektp.hub.sandbox.sftp.SftpTestSupport.session;
import static id.ektp.hub.sandbox.sftp.SftpTestSupport.sftp;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import com.jcraft.jsch.SftpException;

/** One server per class, as in camel-ftp's SFTP tests; tests that restart a server start their own. */
class EmbeddedSftpServerTest {
    private static final Duration DROP_TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    static Path dir;

    static EmbeddedSftpServer server;
    static Path aliceKey;
    static Path bobKey;
    static PublicKey alicePub;
    static Path knownHosts;

    @BeforeAll
    static void startServer() {
        aliceKey = dir.resolve("keys/alice_ecdsa");
        bobKey = dir.resolve("keys/bob_ecdsa");
        SshKeys.generate(aliceKey);
        SshKeys.generate(bobKey);
        // Public keys read back from the .pub files, as the sandbox does with device keys.
        alicePub = SshKeys.readPublicKey(SshKeys.publicKeyFile(aliceKey));
        server = EmbeddedSftpServer.builder()
                .host("127.0.0.1")
                .port(0)
                .hostKeyFile(dir.resolve("server/host_ecdsa"))
                .account("alice", dir.resolve("homes/alice"), alicePub)
                .account("bob", dir.resolve("homes/bob"), SshKeys.readPublicKey(SshKeys.publicKeyFile(bobKey)))
                .start();
        knownHosts = dir.resolve("hub/known_hosts");
        server.writeKnownHosts(knownHosts);
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void uploadsListsAndDownloads() throws Exception {
        byte[] data = randomBytes(1024 * 1024 + 17); // several SFTP packets, not a round size
        Session session = connect("alice", aliceKey, knownHosts, server.port());
        try {
            ChannelSftp sftp = sftp(session);
            assertEquals("/", sftp.pwd(), "the account's home is its root");
            sftp.mkdir("outbox");
            sftp.put(new ByteArrayInputStream(data), "outbox/packet-0001.zip");

            assertEquals(List.of("packet-0001.zip"), names(sftp, "outbox"));
            assertEquals(data.length, sftp.stat("/outbox/packet-0001.zip").getSize());
            ByteArrayOutputStream downloaded = new ByteArrayOutputStream();
            sftp.get("outbox/packet-0001.zip", downloaded);
            assertArrayEquals(data, downloaded.toByteArray());
        } finally {
            session.disconnect();
        }
        assertArrayEquals(data, Files.readAllBytes(dir.resolve("homes/alice/outbox/packet-0001.zip")));
        assertEquals(dir.resolve("homes/alice").toAbsolutePath(), server.homeDir("alice"));
    }

    @Test
    void accountsCannotSeeEachOthersFiles() throws Exception {
        Session alice = connect("alice", aliceKey, knownHosts, server.port());
        Session bob = connect("bob", bobKey, knownHosts, server.port());
        try {
            sftp(alice).put(new ByteArrayInputStream("NIK 3201".getBytes(StandardCharsets.UTF_8)), "/alice-secret.txt");

            ChannelSftp bobSftp = sftp(bob);
            assertFalse(names(bobSftp, "/").contains("alice-secret.txt"));
            assertThrows(SftpException.class, () -> bobSftp.get("/alice-secret.txt", new ByteArrayOutputStream()));
            // The homes are siblings on disk; ".." must not lead out of bob's root.
            assertThrows(SftpException.class, () -> bobSftp.get("../alice/alice-secret.txt", new ByteArrayOutputStream()));
            assertEquals("/", bobSftp.realpath(".."));
            bobSftp.put(new ByteArrayInputStream(new byte[] {1}), "../bob-file.bin");
        } finally {
            alice.disconnect();
            bob.disconnect();
        }
        assertTrue(Files.exists(dir.resolve("homes/bob/bob-file.bin")), "bob's write stayed in bob's home");
        assertFalse(Files.exists(dir.resolve("homes/bob-file.bin")));
    }

    @Test
    void rejectsAServerWhoseHostKeyIsNotTheKnownOne() throws Exception {
        Path impostorKnownHosts = dir.resolve("hub/impostor_known_hosts");
        PublicKey otherKey = SshKeys.generate(dir.resolve("keys/other_host")).getPublic();
        KnownHosts.write(impostorKnownHosts, "127.0.0.1", server.port(), otherKey);

        JSchException changed = assertThrows(JSchException.class,
                () -> connect("alice", aliceKey, impostorKnownHosts, server.port()));
        assertTrue(changed.getMessage().contains("HostKey has been changed"), changed.getMessage());

        Path emptyKnownHosts = Files.createFile(dir.resolve("hub/empty_known_hosts"));
        JSchException unknown = assertThrows(JSchException.class,
                () -> connect("alice", aliceKey, emptyKnownHosts, server.port()));
        assertTrue(unknown.getMessage().contains("reject HostKey"), unknown.getMessage());
    }

    @Test
    void rejectsKeysThatAreNotTheAccountsKey() {
        Path strangerKey = dir.resolve("keys/stranger_ecdsa");
        SshKeys.generate(strangerKey);

        assertAuthFails(() -> connect("alice", strangerKey, knownHosts, server.port()));
        assertAuthFails(() -> connect("alice", bobKey, knownHosts, server.port())); // bob's key is not alice's
        assertAuthFails(() -> connect("mallory", aliceKey, knownHosts, server.port())); // no such account
    }

    @Test
    void offersNoPasswordOrKeyboardInteractiveLogin() throws Exception {
        Session session = session("alice", null, knownHosts, server.port());
        session.setPassword("alice");
        session.setConfig("PreferredAuthentications", "password,keyboard-interactive");

        assertAuthFails(() -> session.connect(5_000));
    }

    @Test
    void refusedLoginsFailUntilAllowedAgain() throws Exception {
        server.refuseLogins("alice", true);
        try {
            assertAuthFails(() -> connect("alice", aliceKey, knownHosts, server.port()));
            connect("bob", bobKey, knownHosts, server.port()).disconnect(); // only alice is affected
        } finally {
            server.refuseLogins("alice", false);
        }
        connect("alice", aliceKey, knownHosts, server.port()).disconnect();
    }

    @Test
    void aLoginCompletingJustAfterItsUserIsRefusedIsClosed() throws Exception {
        // The refusal and the disconnect land after alice's key was accepted but before her login
        // completed: disconnectUser finds no session of hers yet (it has no user name so far).
        // The key is checked twice per login: once offered (no signature yet), then signed. Only
        // after the second check can a refusal no longer stop the login.
        // Sessions of alice from earlier tests on this server are gone first: they would be found.
        await().atMost(DROP_TIMEOUT).until(() -> server.sessionsOf("alice") == 0);
        AtomicInteger checks = new AtomicInteger();
        AtomicInteger foundByDisconnect = new AtomicInteger(-1);
        server.onKeyAccepted(user -> {
            if (checks.incrementAndGet() == 2) {
                server.refuseLogins(user, true);
                foundByDisconnect.set(server.disconnectUser(user));
            }
        });
        try {
            Session alice = null;
            try {
                alice = connect("alice", aliceKey, knownHosts, server.port());
            } catch (JSchException closedWhileConnecting) {
                // as good: the session was closed before the client finished its side
            }
            assertEquals(0, foundByDisconnect.get(), "the disconnect came too early to see the session");
            if (alice != null) {
                Session session = alice;
                await().atMost(DROP_TIMEOUT).until(() -> !session.isConnected());
            }
        } finally {
            server.onKeyAccepted(null);
            server.refuseLogins("alice", false);
        }
        connect("alice", aliceKey, knownHosts, server.port()).disconnect();
    }

    @Test
    void disconnectUserDropsOnlyThatUsersSessions() throws Exception {
        Session alice = connect("alice", aliceKey, knownHosts, server.port());
        Session bob = connect("bob", bobKey, knownHosts, server.port());
        try {
            sftp(alice);
            ChannelSftp bobSftp = sftp(bob);

            // >= 1: a session another test disconnected may not have been reaped yet.
            assertTrue(server.disconnectUser("alice") >= 1);

            await().atMost(DROP_TIMEOUT).until(() -> !alice.isConnected());
            assertTrue(bob.isConnected());
            bobSftp.ls("/");
            connect("alice", aliceKey, knownHosts, server.port()).disconnect(); // may come back at once
        } finally {
            alice.disconnect();
            bob.disconnect();
        }
    }

    @Test
    void accountsCanBeAddedWhileRunning() throws Exception {
        Path carolKey = dir.resolve("keys/carol_ecdsa");
        PublicKey carolPub = SshKeys.generate(carolKey).getPublic();
        Path carolHome = dir.resolve("homes/new-device/carol");

        server.addAccount("carol", carolHome, carolPub);

        assertTrue(Files.isDirectory(carolHome), "home created");
        Session carol = connect("carol", carolKey, knownHosts, server.port());
        try {
            sftp(carol).put(new ByteArrayInputStream(new byte[] {42}), "hello.bin");
        } finally {
            carol.disconnect();
        }
        assertArrayEquals(new byte[] {42}, Files.readAllBytes(carolHome.resolve("hello.bin")));
    }

    @Test
    void restartKeepsPortAndHostKey() throws Exception {
        Path restartKnownHosts = dir.resolve("restart/known_hosts");
        try (EmbeddedSftpServer ministry = EmbeddedSftpServer.builder()
                .hostKeyFile(dir.resolve("restart/host_ecdsa"))
                .account("alice", dir.resolve("restart/alice"), alicePub)
                .start()) {
            ministry.writeKnownHosts(restartKnownHosts);
            int port = ministry.port();
            PublicKey hostKey = ministry.hostPublicKey();
            assertNotEquals(0, port);

            Session before = connect("alice", aliceKey, restartKnownHosts, port);
            sftp(before);
            ministry.restart();

            assertTrue(ministry.isRunning());
            assertEquals(port, ministry.port());
            assertEquals(hostKey, ministry.hostPublicKey());
            await().atMost(DROP_TIMEOUT).until(() -> !before.isConnected()); // the link dropped
            // Same known_hosts, strict checking: same port and same key.
            reconnectAndList(restartKnownHosts, port);

            // A longer outage: down until started again.
            ministry.stop();
            assertFalse(ministry.isRunning());
            assertThrows(JSchException.class, () -> connect("alice", aliceKey, restartKnownHosts, port));
            ministry.start();
            assertTrue(ministry.isRunning());
            assertEquals(port, ministry.port());
            reconnectAndList(restartKnownHosts, port);
        }
    }

    @Test
    void hostKeyIsPersistedOwnerOnlyAndReusedByTheNextServer() throws Exception {
        Path hostKeyFile = dir.resolve("persist/keys/host_ecdsa"); // parent directory does not exist yet
        PublicKey first;
        try (EmbeddedSftpServer s = EmbeddedSftpServer.builder().hostKeyFile(hostKeyFile).start()) {
            first = s.hostPublicKey();
        }
        assertTrue(KnownHosts.line("h", 22, first).startsWith("h ecdsa-sha2-nistp256 AAAA"));
        assertTrue(Files.readString(hostKeyFile).startsWith("-----BEGIN OPENSSH PRIVATE KEY-----"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(hostKeyFile)));

        try (EmbeddedSftpServer s = EmbeddedSftpServer.builder().hostKeyFile(hostKeyFile).start()) {
            assertEquals(first, s.hostPublicKey());
        }

        Path sshKeygen = SftpTestSupport.executable("ssh-keygen").orElse(null);
        if (sshKeygen != null) { // the host key file is a normal OpenSSH key, too
            SftpTestSupport.ProcessResult derived = SftpTestSupport.run(dir,
                    List.of(sshKeygen.toString(), "-y", "-f", hostKeyFile.toString()));
            assertEquals(0, derived.exitCode(), derived.output());
            assertTrue(derived.output().startsWith(SshKeys.authorizedKeyLine(first)), derived.output());
        }
    }

    @Test
    void openSshSftpClientPutsAndGets() throws Exception {
        Path sftpBinary = SftpTestSupport.executable("sftp").orElse(null);
        Assumptions.assumeTrue(sftpBinary != null, "OpenSSH sftp not installed");
        Path work = Files.createDirectories(dir.resolve("openssh"));
        byte[] data = randomBytes(3 * 1024 * 1024 + 5);
        Files.write(work.resolve("upload.bin"), data);
        Path batch = Files.writeString(work.resolve("batch"), String.join("\n",
                "mkdir openssh",
                "put upload.bin openssh/upload.bin",
                "get openssh/upload.bin download.bin",
                "ls -l openssh",
                ""));

        SftpTestSupport.ProcessResult result = SftpTestSupport.run(work, openSshSftp(sftpBinary, batch, knownHosts));

        assertEquals(0, result.exitCode(), result.output());
        assertArrayEquals(data, Files.readAllBytes(work.resolve("download.bin")));
        assertArrayEquals(data, Files.readAllBytes(dir.resolve("homes/alice/openssh/upload.bin")));

        // And OpenSSH, too, refuses a server it does not know.
        Path unknownHosts = Files.createFile(work.resolve("unknown_known_hosts"));
        SftpTestSupport.ProcessResult refused = SftpTestSupport.run(work, openSshSftp(sftpBinary, batch, unknownHosts));
        assertNotEquals(0, refused.exitCode(), refused.output());
        assertTrue(refused.output().contains("Host key verification failed"), refused.output());
    }

    private List<String> openSshSftp(Path sftpBinary, Path batch, Path knownHostsFile) {
        return List.of(sftpBinary.toString(),
                "-b", batch.toString(),
                "-i", aliceKey.toString(),
                "-F", "/dev/null", // ignore the machine's ssh_config / ~/.ssh/config
                "-o", "UserKnownHostsFile=" + knownHostsFile,
                "-o", "GlobalKnownHostsFile=/dev/null",
                "-o", "StrictHostKeyChecking=yes",
                "-o", "IdentitiesOnly=yes",
                "-o", "IdentityAgent=none",
                "-o", "PasswordAuthentication=no",
                "-o", "KbdInteractiveAuthentication=no",
                "-o", "ConnectTimeout=10",
                "-P", Integer.toString(server.port()),
                "alice@127.0.0.1");
    }

    private static void reconnectAndList(Path knownHostsFile, int port) throws Exception {
        Session session = connect("alice", aliceKey, knownHostsFile, port);
        try {
            sftp(session).ls("/");
        } finally {
            session.disconnect();
        }
    }

    private static void assertAuthFails(org.junit.jupiter.api.function.Executable login) {
        JSchException e = assertThrows(JSchException.class, login);
        assertTrue(e.getMessage().startsWith("Auth fail"), e.getMessage());
    }

    private static List<String> names(ChannelSftp sftp, String path) throws SftpException {
        List<String> names = new ArrayList<>();
        for (ChannelSftp.LsEntry entry : sftp.ls(path)) {
            if (!entry.getFilename().equals(".") && !entry.getFilename().equals("..")) {
                names.add(entry.getFilename());
            }
        }
        return names;
    }

    private static byte[] randomBytes(int size) {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        return data;
    }
}
