package id.ektp.hub.admin;

import static id.ektp.hub.observe.ObserveClient.sample;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import id.ektp.hub.connectors.ministry.MinistryBrokerConnector;
import id.ektp.hub.connectors.ministry.MinistrySftpConnector;
import id.ektp.hub.connectors.printer.PrinterConnector;
import id.ektp.hub.observe.BuildInfo;
import id.ektp.hub.runtime.Hub;
import id.ektp.hub.sandbox.packets.PacketDefect;
import id.ektp.hub.sandbox.packets.PacketSpec;
import id.ektp.hub.store.StockLedger.Kind;
import id.ektp.hub.testing.Exchanges;
import id.ektp.hub.testing.HubTestEnvironment;
import java.nio.file.Files;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalDouble;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Camel 4.12+ serves /observe/* from a management server of its own (default port 9876); the
 * ICD wants it on http.port. This checks what Camel 4.18.0 actually does with our settings.
 */
class HttpObserveTest {
    @TempDir
    Path root;
    HubTestEnvironment env;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(); // see AdminClient

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @AfterEach
    void stop() {
        env.close();
    }

    HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + env.httpPort() + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthAndMetricsAreServedOnTheHubsOwnPort() throws Exception {
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        env.startHub();

        // Each check runs when asked; the first answers may come before every route reports started.
        await().atMost(PATIENCE).until(() -> get("/observe/health").statusCode() == 200);
        HttpResponse<String> health = get("/observe/health");
        assertEquals(200, health.statusCode(), health.body());
        assertTrue(health.body().contains("UP"), health.body());

        HttpResponse<String> metrics = get("/observe/metrics");
        assertEquals(200, metrics.statusCode(), metrics.body());
        assertTrue(metrics.body().contains("camel_exchanges"), "Prometheus text with Camel's route metrics");

        // ... and on nothing else: no management server of its own on Camel's default port.
        assertTrue(env.httpPort() != 9876);
        boolean separate;
        try (java.net.Socket ignored = new java.net.Socket("127.0.0.1", 9876)) {
            separate = true;
        } catch (java.io.IOException refused) {
            separate = false;
        }
        assertTrue(!separate, "no separate management server on 9876");
    }

    @Test
    void eachHealthEndpointAnswersWithItsOwnStatusCode() throws Exception {
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        Hub hub = env.startHub();
        await().atMost(PATIENCE).until(() -> get("/observe/health/ready").statusCode() == 200);
        assertEquals(200, get("/observe/health").statusCode());
        assertEquals(200, get("/observe/health/live").statusCode());
        assertTrue(get("/observe/health").body().contains("ektp-peers"), "the peers check is always listed");

        hub.camelContext().getRouteController().stopRoute("up-forward");
        assertEquals(503, get("/observe/health/ready").statusCode());
        assertEquals(503, get("/observe/health").statusCode());
        assertEquals(200, get("/observe/health/live").statusCode(), "a stopped route does not ask for a restart");
    }

    @Test
    void metricsShowBacklogsBytesStockAndLinksAfterPacketsFlowed() throws Exception {
        // No broker: the PACKET_REJECTED report of the bad packet waits in the outbox.
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        Hub hub = env.startHub();
        hub.ledger().append(Instant.now(), Kind.ARRIVAL, 120, "arrival:test", "120 blanks for the test");

        PacketSpec good = PacketSpec.builder().kecamatanCode("33.10.05").deviceId("CWS01").sequence(1).seed(11).build();
        PacketSpec bad = PacketSpec.builder().kecamatanCode("33.10.06").deviceId("TRC01").sequence(2).seed(12)
                .defect(PacketDefect.CHECKSUM_MISMATCH).build();
        NotifyBuilder checked = Exchanges.of(hub).checked(good.packetId(), bad.packetId());
        NotifyBuilder forwarded = Exchanges.of(hub).forwarded(good.packetId());
        long goodBytes = Files.size(env.drop(good));
        long badBytes = Files.size(env.drop(bad));
        Exchanges.await(checked, PATIENCE, "both packets checked");
        Exchanges.await(forwarded, PATIENCE, "the good packet forwarded");
        System.gc(); // the gauges must outlive a collection (Micrometer holds a gauge's object weakly by default)

        await().atMost(PATIENCE).until(() -> scraped("ektp_finished_items", "flow", "up", "state", "FORWARDED") == 1
                && scraped("ektp_finished_items", "flow", "up", "state", "QUARANTINED") == 1
                && scraped("ektp_peer_up", "peer", MinistryBrokerConnector.PEER) == 0
                && scraped("ektp_backlog_oldest_age_seconds", "flow", "outbox", "state", "UNSENT") >= 1);
        String text = get("/observe/metrics").body();

        assertEquals(0, value(text, "ektp_backlog_items", "flow", "up", "state", "RECEIVED"));
        assertEquals(0, value(text, "ektp_backlog_items", "flow", "up", "state", "OUTBOUND"));
        assertEquals(0, value(text, "ektp_backlog_oldest_age_seconds", "flow", "up", "state", "OUTBOUND"));
        assertEquals(1, value(text, "ektp_backlog_items", "flow", "outbox", "state", "UNSENT"), "PACKET_REJECTED waits");
        assertEquals(0, value(text, "ektp_backlog_items", "flow", "down", "state", "PENDING"));
        assertEquals(0, value(text, "ektp_backlog_items", "flow", "down", "state", "QUEUED"));
        assertEquals(0, value(text, "ektp_finished_items", "flow", "down", "state", "PRINTED"));

        assertEquals(goodBytes, value(text, "ektp_packets_received_bytes_total", "device", "331005-CWS01"));
        assertEquals(badBytes, value(text, "ektp_packets_received_bytes_total", "device", "331006-TRC01"));
        assertEquals(goodBytes, value(text, "ektp_packets_forwarded_bytes_total"), "only the valid packet went on");

        assertEquals(120, value(text, "ektp_stock_blanks_on_hand"));
        assertEquals(0, value(text, "ektp_stock_daily_usage"));
        assertEquals(Double.POSITIVE_INFINITY, value(text, "ektp_stock_days_of_cover"), "nothing used yet");

        assertEquals(1, value(text, "ektp_device_up", "device", "331005-CWS01", "kecamatan", "33.10.05"));
        assertEquals(1, value(text, "ektp_device_up", "device", "331006-TRC01"));
        assertEquals(2, value(text, "ektp_devices", "state", "UP"));
        assertEquals(0, value(text, "ektp_devices", "state", "DOWN"));
        assertEquals(1, value(text, "ektp_peer_up", "peer", MinistrySftpConnector.PEER));
        assertEquals(0, value(text, "ektp_peer_up", "peer", PrinterConnector.peer("DKC-1")),
                "DKC-1's folder is not there in this test: the printer is offline");

        assertTrue(value(text, "ektp_disk_free_bytes") > 0);
        assertEquals(0, value(text, "ektp_intake_paused"), "the test environment sets no disk floor");
        assertEquals(0, value(text, "ektp_stranded_jobs"));
        BuildInfo build = BuildInfo.current();
        assertEquals(1, value(text, "ektp_build_info", "version", build.version(), "camel", "4.18.0",
                "java", System.getProperty("java.version")), "which build runs, in the labels");

        assertTrue(value(text, "camel_exchanges_total", "routeId", "up-forward") >= 1, "Camel's own route meters too");

        // Counters per outcome, the Prometheus way (rate() works on them), and the configuration's state.
        assertEquals(1, value(text, "ektp_outcomes_total", "flow", "up", "outcome", "forwarded"));
        assertEquals(1, value(text, "ektp_outcomes_total", "flow", "up", "outcome", "quarantined"));
        assertEquals(0, value(text, "ektp_outcomes_total", "flow", "down", "outcome", "printed"));
        assertEquals(0, value(text, "ektp_outcomes_total", "flow", "across", "outcome", "quarantined"));
        assertEquals(1, value(text, "ektp_config_valid"));
        // The JVM's and the process's own meters (camel.metrics.binders).
        assertTrue(value(text, "jvm_memory_used_bytes", "area", "heap") > 0);
        assertTrue(value(text, "jvm_threads_live_threads") > 10);
        assertTrue(value(text, "process_uptime_seconds") > 0);
        assertTrue(value(text, "process_cpu_usage") >= 0);
        assertTrue(value(text, "process_files_open_files") > 0);
        assertTrue(value(text, "jvm_classes_loaded_classes") > 1000);
        assertEquals(1, value(text, "jvm_info", "version", System.getProperty("java.runtime.version")), "the JVM's version");
        assertTrue(sample(text, "camel_exchanges_failed_total", Map.of("routeId", "across-outbox")).isPresent());

        env.deviceServer().stop();
        await().atMost(PATIENCE).until(() -> scraped("ektp_devices", "state", "DOWN") == 2
                && scraped("ektp_device_up", "device", "331005-CWS01") == 0);

        // An edit the hub refuses: it keeps running the last good configuration, and says so.
        Path file = hub.configState().current().file();
        HubTestEnvironment.rewrite(file, Files.readString(file).replace("reorderDaysOfCover: 7", "reorderDaysOfCover: seven"));
        await().atMost(PATIENCE).until(() -> scraped("ektp_config_valid") == 0);
    }

    private double scraped(String name, String... labels) throws Exception {
        return value(get("/observe/metrics").body(), name, labels);
    }

    private static double value(String text, String name, String... labels) {
        Map<String, String> wanted = new java.util.HashMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            wanted.put(labels[i], labels[i + 1]);
        }
        OptionalDouble found = sample(text, name, wanted);
        assertTrue(found.isPresent(), () -> name + wanted + " in\n" + text);
        return found.getAsDouble();
    }
}
