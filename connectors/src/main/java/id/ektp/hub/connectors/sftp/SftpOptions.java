package id.ektp.hub.connectors.sftp;

import id.ektp.hub.config.HubConfig.SftpAccount;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The one place the hub's SFTP endpoint options for security and timeouts are written; every
 * SFTP endpoint of every connector starts from {@link #secure}. A link added later cannot
 * forget {@code strictHostKeyChecking=yes}: there is no other way to write an SFTP endpoint.
 *
 * <ul>
 *   <li>Keys only, and host keys always checked against the configured known_hosts:
 *       camel-ftp by default does not check host keys and silently accepts a changed host
 *       key, and nothing in the configuration can turn checking off.</li>
 *   <li>{@code connectTimeout} covers the TCP connect and the SSH handshake (a server that
 *       accepts and never sends its banner fails here).</li>
 *   <li>The configured read timeout, as camel-ftp can apply it: JSch replaces the socket
 *       timeout by the keep-alive interval once {@code serverAliveInterval} is set, and gives a
 *       silent link up after {@code serverAliveCountMax + 1} intervals. With a count of 3, a
 *       quarter of the read timeout per interval makes a peer that stops answering fail after
 *       about the read timeout, while keep-alives hold NATed kecamatan links open.</li>
 * </ul>
 *
 * <p>The values come from an account's {@link #parameters}: as Camel property placeholders
 * ({@link #placeholders}, for routes and route templates) or as the values themselves
 * ({@link #values}, for an endpoint made in code).
 */
public final class SftpOptions {
    /** The names {@link #parameters} fills: also a route template's SFTP parameters. */
    public static final List<String> PARAMETERS = List.of("host", "port", "username", "privateKeyFile",
            "knownHostsFile", "connectTimeoutMillis", "aliveIntervalMillis");

    private SftpOptions() {}

    /** {@code sftp://user@host:port/<path>?<security and timeouts>}; more options follow with {@code &}. */
    public static String secure(UnaryOperator<String> value, String path) {
        return "sftp://" + value.apply("username") + "@" + value.apply("host") + ":" + value.apply("port")
                + (path.isEmpty() ? "" : "/" + path)
                + "?privateKeyFile=RAW(" + value.apply("privateKeyFile") + ")"
                + "&knownHostsFile=RAW(" + value.apply("knownHostsFile") + ")"
                + "&strictHostKeyChecking=yes&useUserKnownHostsFile=false"
                + "&connectTimeout=" + value.apply("connectTimeoutMillis")
                + "&serverAliveInterval=" + value.apply("aliveIntervalMillis") + "&serverAliveCountMax=3"
                + "&jschLoggingLevel=WARN";
    }

    /** Values as placeholders: {@code {{<prefix>host}}}; prefix "" for a route template's parameters. */
    public static UnaryOperator<String> placeholders(String prefix) {
        return name -> "{{" + prefix + name + "}}";
    }

    /** The account's own values, for an endpoint made in code. */
    public static UnaryOperator<String> values(SftpAccount account) {
        Map<String, String> p = new java.util.LinkedHashMap<>();
        parameters(p, "", account);
        return p::get;
    }

    /** Puts the account's values under {@code prefix}, by the names of {@link #PARAMETERS}. */
    public static void parameters(Map<String, String> p, String prefix, SftpAccount account) {
        p.put(prefix + "host", account.host());
        p.put(prefix + "port", String.valueOf(account.port()));
        p.put(prefix + "username", account.username());
        p.put(prefix + "privateKeyFile", account.privateKeyFile().toString());
        p.put(prefix + "knownHostsFile", account.knownHostsFile().toString());
        p.put(prefix + "connectTimeoutMillis", String.valueOf(account.connectTimeout().toMillis()));
        p.put(prefix + "aliveIntervalMillis", String.valueOf(aliveIntervalMillis(account)));
    }

    static long aliveIntervalMillis(SftpAccount account) {
        return Math.max(1000, account.readTimeout().toMillis() / 4);
    }
}
