package id.ektp.hub.runtime;

import id.ektp.hub.config.HubConfig.SftpAccount;

/**
 * The configured read timeout, as camel-ftp can apply it. JSch replaces the socket timeout by
 * the keep-alive interval once {@code serverAliveInterval} is set, and gives a silent link up
 * after {@code (serverAliveCountMax + 1)} intervals; with a count of 3, a quarter of the read
 * timeout per interval makes a peer that stops answering fail after about the read timeout,
 * while keep-alives hold NATed kecamatan links open.
 */
public final class SftpTimeouts {
    private SftpTimeouts() {}

    public static long aliveIntervalMillis(SftpAccount account) {
        return Math.max(1000, account.readTimeout().toMillis() / 4);
    }
}
