package id.ektp.hub.runtime;

import id.ektp.hub.config.HubConfig;
import id.ektp.hub.spool.Spool;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The configuration as Camel property placeholders: routes say
 * {@code {{ministry.sftp.host}}}, and this is the one place that says where it comes from.
 */
final class HubProperties {
    private HubProperties() {}

    static Map<String, String> of(HubConfig config, Spool spool) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("camel.main.name", "ektp-hub-" + config.regency().compactCode());
        // SIGTERM: finish what is in flight, but never wait on a peer that is down.
        p.put("camel.main.shutdownTimeout", "30");
        // Stream caching would read a streamed SFTP download into the heap at the route's
        // entry; packets go to disk as they arrive instead.
        p.put("camel.main.streamCachingEnabled", "false");
        // Camel's own HTTP server: the admin API, status and /observe, on http.host:http.port
        // (loopback unless configured otherwise).
        p.put("camel.server.enabled", "true");
        p.put("camel.server.host", config.http().host());
        p.put("camel.server.port", String.valueOf(config.http().port()));
        // /observe/health and /observe/metrics on the same host and port (ICD section 4). Since
        // Camel 4.12 they belong to a separate management server; in 4.18.0 it shares the main
        // server when both ports are equal (ManagementHttpServer), which HttpObserveTest checks.
        p.put("camel.management.enabled", "true");
        p.put("camel.management.port", String.valueOf(config.http().port()));
        p.put("camel.management.healthCheckEnabled", "true");
        p.put("camel.management.metricsEnabled", "true");
        p.put("camel.metrics.enabled", "true");
        // Health (docs/design.md, "Health and metrics"): ready = Camel context started, every
        // route started (the per-route checks) and the local stores usable (HubHealthChecks).
        // Peers never decide it: the hub stores and forwards, so a dead kecamatan device or a
        // ministry link down for days is work waiting on disk, not a hub to take out of service.
        // Camel's consumer checks would turn readiness DOWN as soon as an SFTP consumer's polls
        // fail (one dead device of 26 would do), so they are off; every peer shows instead as a
        // detail of the always-UP ektp-peers check and as ektp_device_up / ektp_peer_up.
        p.put("camel.health.enabled", "true");
        p.put("camel.health.routesEnabled", "true");
        p.put("camel.health.consumersEnabled", "false");
        p.put("camel.health.producersEnabled", "false");
        p.put("camel.health.registryEnabled", "true");
        // List every check, UP ones too, so the peers are always shown (?data=true adds details).
        p.put("camel.health.exposureLevel", "full");
        // Config hot reload: how often the file's checksum is compared (a read of a small file).
        p.put("hub.config.watchMillis", "2000");
        p.put("hub.regency.code", config.regency().code());
        p.put("hub.regency.compact", config.regency().compactCode());
        p.put("hub.spool.received", spool.received().toString());
        p.put("hub.spool.outbound", spool.outbound().toString());
        p.put("hub.spool.batches", config.dataDir().resolve("spool/batches/received").toString());
        SftpParameters.put(p, "ministry.sftp.", config.ministry().sftp().account());
        p.put("ministry.sftp.inboxDir", config.ministry().sftp().inboxDir());
        p.put("ministry.sftp.outboxDir", config.ministry().sftp().outboxDir());
        p.put("ministry.sftp.pollMillis", String.valueOf(config.ministry().sftp().pollInterval().toMillis()));
        return p;
    }
}
