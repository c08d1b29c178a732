package id.ektp.hub.sandbox.sftp;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;

class HangingServerTest {
    @TempDir
    Path dir;

    @Test
    void aJschConnectWithATimeoutFailsInsteadOfHanging() throws Exception {
        Path key = dir.resolve("hub_ecdsa");
        SshKeys.generate(key);
        Path knownHosts = Files.createFile(dir.resolve("known_hosts"));

        try (HangingServer hanging = new HangingServer()) {
            Session session = SftpTestSupport.session("hub", key, knownHosts, hanging.port());

            // The TCP connect succeeds; the 1 s timeout must end the wait for the SSH banner that never comes.
            assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> assertThrows(JSchException.class, () -> session.connect(1_000)));
            await().atMost(Duration.ofSeconds(10)).until(() -> hanging.acceptedConnections() == 1);
        }
    }

    @Test
    void closeClosesAcceptedConnections() throws Exception {
        HangingServer hanging = new HangingServer();
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), hanging.port())) {
            await().atMost(Duration.ofSeconds(10)).until(() -> hanging.acceptedConnections() == 1);

            hanging.close();

            socket.setSoTimeout(10_000); // fail rather than hang if close() left the socket open
            InputStream in = socket.getInputStream();
            assertTimeoutPreemptively(Duration.ofSeconds(15), () -> assertEquals(-1, in.read()));
        } finally {
            hanging.close(); // idempotent
        }
    }
}
