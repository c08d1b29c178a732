package id.ektp.hub.runtime;

import id.ektp.hub.config.HubConfig;
import id.ektp.hub.connectors.ministry.MinistrySftpConnector;
import id.ektp.hub.spool.Spool;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The regency's configuration as Camel property placeholders: routes say
 * {@code {{hub.spool.outbound}}}, connectors {@code {{ministry.sftp.host}}}, and this is the one
 * place that says where they come from. What is the same for every hub (Camel's own settings)
 * is in {@code application.properties}, where a Camel user looks for it.
 */
final class HubProperties {
    private HubProperties() {}

    static Map<String, String> of(HubConfig config, Spool spool) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("camel.main.name", "ektp-hub-" + config.regency().compactCode());
        // Camel's own HTTP server: the admin API, status and /observe, on http.host:http.port
        // (loopback unless configured otherwise). /observe/health and /observe/metrics belong
        // to the management server, which shares the main server when both ports are equal.
        p.put("camel.server.host", config.http().host());
        p.put("camel.server.port", String.valueOf(config.http().port()));
        p.put("camel.management.port", String.valueOf(config.http().port()));
        p.put("hub.regency.code", config.regency().code());
        p.put("hub.regency.compact", config.regency().compactCode());
        p.put("hub.spool.received", spool.received().toString());
        p.put("hub.spool.outbound", spool.outbound().toString());
        p.put("hub.spool.batches", config.dataDir().resolve("spool/batches/received").toString());
        MinistrySftpConnector.properties(p, config.ministry().sftp());
        return p;
    }
}
