package id.ektp.hub.bench;

import id.ektp.hub.config.HubConfig.SftpAccount;
import id.ektp.hub.connectors.sftp.PeerFailure;
import id.ektp.hub.connectors.sftp.SftpLink;
import id.ektp.hub.connectors.sftp.SftpSessions;
import java.time.Duration;

/**
 * What the hub's SSH client (its own, {@code SftpSessions} on MINA SSHD, the one its transfers
 * use) negotiates with the benchmark's servers, so the baseline can be run with the same cipher
 * and the report can say which one was used.
 */
final class SshProbe {
    private SshProbe() {}

    /** The key exchange and the client-to-server cipher and MAC of one connection, or a note why not. */
    static String negotiated(BenchEnvironment env) {
        SftpAccount account = new SftpAccount("127.0.0.1", env.ministryPort(), BenchEnvironment.MINISTRY_USER,
                env.clientKey(), env.knownHosts(), Duration.ofSeconds(10), Duration.ofSeconds(10));
        try (SftpSessions sessions = new SftpSessions(); SftpLink link = sessions.connect("probe", account)) {
            return link.negotiated();
        } catch (PeerFailure e) {
            return "(probe failed: " + e.getMessage() + ")";
        }
    }

    /** The client-to-server cipher from {@link #negotiated}'s text, e.g. {@code aes128-gcm@openssh.com}; null if unknown. */
    static String cipherOf(String negotiated) {
        int at = negotiated.indexOf("client->server cipher: ");
        if (at < 0) {
            return null;
        }
        String rest = negotiated.substring(at + "client->server cipher: ".length());
        int end = rest.indexOf(' ');
        return end < 0 ? rest : rest.substring(0, end);
    }
}
