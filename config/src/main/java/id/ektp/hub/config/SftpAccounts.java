package id.ektp.hub.config;

import id.ektp.hub.config.HubConfig.SftpAccount;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the SFTP account keys that the ministry, the devices and the printers share; each of
 * them adds a few keys of its own around these.
 */
final class SftpAccounts {
    private static final List<String> KEYS = List.of(
            "host", "port", "username", "privateKeyFile", "knownHostsFile", "connectTimeout", "readTimeout");

    private SftpAccounts() {}

    /** The account keys followed by {@code more}, as the unknown-key message lists them. */
    static List<String> keysPlus(String... more) {
        List<String> keys = new ArrayList<>(KEYS);
        keys.addAll(List.of(more));
        return keys;
    }

    /**
     * The account of a mapping already checked for unknown keys; null if anything is wrong. The
     * private key must load without a passphrase and known_hosts must have the peer's host key
     * ({@link SshFiles}): both are checked only once the files themselves passed their rules.
     */
    static SftpAccount read(ConfigNode sftp, Path baseDir, Problems problems, SshFiles ssh) {
        int mark = problems.mark();
        String host = sftp.get("host").text();
        Integer port = sftp.get("port").integer(1, 65535, 22);
        String username = sftp.get("username").text();
        int keyMark = problems.mark();
        Path privateKey = sftp.get("privateKeyFile").file(baseDir, FileRule.OWNER_ONLY);
        if (privateKey != null && problems.noneSince(keyMark)) {
            ssh.privateKeyProblem(privateKey).ifPresent(sftp.get("privateKeyFile")::report);
        }
        int knownHostsMark = problems.mark();
        Path knownHosts = sftp.get("knownHostsFile").file(baseDir, FileRule.KNOWN_HOSTS);
        if (knownHosts != null && host != null && port != null && problems.noneSince(knownHostsMark)) {
            ssh.hostKeyProblem(knownHosts, host, port).ifPresent(sftp.get("knownHostsFile")::report);
        }
        Duration connectTimeout = sftp.get("connectTimeout").duration(Duration.ofSeconds(10));
        Duration readTimeout = sftp.get("readTimeout").duration(Duration.ofSeconds(60));
        return problems.noneSince(mark)
                ? new SftpAccount(host, port, username, privateKey, knownHosts, connectTimeout, readTimeout)
                : null;
    }
}
