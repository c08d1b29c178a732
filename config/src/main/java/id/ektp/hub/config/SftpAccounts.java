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

    /** The account of a mapping already checked for unknown keys; null if anything is wrong. */
    static SftpAccount read(ConfigNode sftp, Path baseDir, Problems problems) {
        int mark = problems.mark();
        String host = sftp.get("host").text();
        Integer port = sftp.get("port").integer(1, 65535, 22);
        String username = sftp.get("username").text();
        Path privateKey = sftp.get("privateKeyFile").file(baseDir, FileRule.OWNER_ONLY);
        Path knownHosts = sftp.get("knownHostsFile").file(baseDir, FileRule.KNOWN_HOSTS);
        Duration connectTimeout = sftp.get("connectTimeout").duration(Duration.ofSeconds(10));
        Duration readTimeout = sftp.get("readTimeout").duration(Duration.ofSeconds(60));
        return problems.noneSince(mark)
                ? new SftpAccount(host, port, username, privateKey, knownHosts, connectTimeout, readTimeout)
                : null;
    }
}
