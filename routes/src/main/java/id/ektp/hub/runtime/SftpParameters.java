package id.ektp.hub.runtime;

import id.ektp.hub.config.HubConfig.SftpAccount;
import java.util.Map;

/**
 * An SFTP account as the placeholders every SFTP endpoint of the hub uses: {@code host},
 * {@code port}, {@code username}, {@code privateKeyFile}, {@code knownHostsFile},
 * {@code connectTimeoutMillis} and {@code aliveIntervalMillis}. One place for the ministry's
 * properties, the device intake template and the SFTP printer results template.
 */
public final class SftpParameters {
    private SftpParameters() {}

    /** Puts the account's values under {@code prefix} ("" for a route template's parameters). */
    public static void put(Map<String, String> p, String prefix, SftpAccount account) {
        p.put(prefix + "host", account.host());
        p.put(prefix + "port", String.valueOf(account.port()));
        p.put(prefix + "username", account.username());
        p.put(prefix + "privateKeyFile", account.privateKeyFile().toString());
        p.put(prefix + "knownHostsFile", account.knownHostsFile().toString());
        p.put(prefix + "connectTimeoutMillis", String.valueOf(account.connectTimeout().toMillis()));
        p.put(prefix + "aliveIntervalMillis", String.valueOf(SftpTimeouts.aliveIntervalMillis(account)));
    }
}
