package id.ektp.hub.runtime;

import static id.ektp.hub.testing.HubTestEnvironment.names;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import id.ektp.hub.up.UpRoutes;
import id.ektp.hub.observe.ConfigState;
import id.ektp.hub.sandbox.packets.PacketSpec;
import id.ektp.hub.store.PacketState;
import id.ektp.hub.testing.Exchanges;
import id.ektp.hub.testing.HubTestEnvironment;
import id.ektp.hub.testing.HubTestEnvironment.TestDevice;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Config hot reload against a running hub: real file edits, real device and ministry SFTP servers. */
class ConfigReloadTest {
    private static final Duration PATIENCE = Duration.ofSeconds(40);
    private static final OffsetDateTime MORNING = OffsetDateTime.of(2026, 11, 23, 8, 0, 0, 0, ZoneOffset.ofHours(7));
    private static final String CWS = "up-intake-331005-CWS01";
    private static final String TRC = "up-intake-331006-TRC01";
    private static final String KLT = "up-intake-331007-KLT01";

    @TempDir
    Path root;
    HubTestEnvironment env;

    @AfterEach
    void stop() {
        if (env != null) {
            env.close();
        }
    }

    static PacketSpec spec(String kecamatan, String device, int seq) {
        return PacketSpec.builder().kecamatanCode(kecamatan).deviceId(device).sequence(seq)
                .capturedAt(MORNING.plusMinutes(seq)).targetBytes(32 * 1024).seed(seq * 7919L).build();
    }

    private static PacketState state(Hub hub, PacketSpec spec) {
        return hub.packets().find(spec.packetId()).map(p -> p.state()).orElse(null);
    }

    private String metrics() throws Exception {
        return java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + env.httpPort() + "/observe/metrics"))
                        .timeout(Duration.ofSeconds(20)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }

    /** Rewrites the file, waits for a check that began after the edit, and fails unless it applied it. */
    private void rewriteAndAwaitApplied(Hub hub, Path file, String text) throws Exception {
        Instant before = hub.configState().current().appliedAt();
        HubTestEnvironment.rewrite(file, text);
        Exchanges.await(Exchanges.of(hub).configChecked(System.currentTimeMillis()), PATIENCE, "a check of the edited file");
        assertTrue(hub.configState().current().appliedAt().isAfter(before),
                "the edit was applied: " + hub.configState().current().problems());
    }

    /** Rewrites the file, waits for a check that began after the edit, and fails unless it refused it. */
    private void rewriteAndAwaitRefused(Hub hub, Path file, String text) throws Exception {
        HubTestEnvironment.rewrite(file, text);
        Exchanges.await(Exchanges.of(hub).configChecked(System.currentTimeMillis()), PATIENCE, "a check of the edited file");
        assertFalse(hub.configState().current().problems().isEmpty(), "the edit was refused");
    }

    @Test
    void aDeviceAddedIsPolledAndOneRemovedStopsWhileItsSpooledPacketsAreStillForwarded() throws Exception {
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        Hub hub = env.startHub();
        Exchanges exchanges = Exchanges.of(hub);
        // The ministry is away: what the hub took from TRC01 waits in its spool.
        env.ministryServer().stop();
        PacketSpec spooled = spec("33.10.06", "TRC01", 1);
        NotifyBuilder checked = exchanges.checked(spooled.packetId());
        env.drop(spooled);
        Exchanges.await(checked, PATIENCE, "the packet checked");
        assertEquals(PacketState.OUTBOUND, state(hub, spooled));

        Instant before = hub.configState().current().appliedAt();
        Path trcOutbox = env.outbox("TRC01");
        env.removeDevice("TRC01");
        env.addDevice(new TestDevice("33.10.07", "KLT01"));
        env.config(); // rewrites hub.yaml
        Exchanges.await(exchanges.configChecked(System.currentTimeMillis()), PATIENCE, "a check of the edited file");
        assertTrue(hub.configState().current().appliedAt().isAfter(before),
                "the edit was applied: " + hub.configState().current().problems());

        assertNull(hub.camelContext().getRoute(TRC), "the removed device's route is gone");
        assertNotNull(hub.camelContext().getRoute(KLT), "the added device has its route");
        assertNotNull(hub.camelContext().getRoute(CWS), "an unchanged device keeps its route");
        assertEquals(List.of("33.10.05", "33.10.07"), hub.config().devices().stream().map(d -> d.kecamatan()).toList());
        String metrics = metrics();
        assertTrue(metrics.contains("device=\"331007-KLT01\""), "the added device has its ektp_device_up series");
        assertTrue(!metrics.contains("device=\"331006-TRC01\",kecamatan"), "the removed device's series is gone");

        // Left on the removed device before a packet on the added one: if TRC01 were still
        // polled (every 200 ms, like KLT01), it would have been taken by the time KLT01's is.
        PacketSpec leftBehind = spec("33.10.06", "TRC01", 2);
        env.packetFactory().writeDone(env.packetFactory().write(leftBehind, trcOutbox));
        PacketSpec added = spec("33.10.07", "KLT01", 3);
        NotifyBuilder addedChecked = exchanges.checked(added.packetId());
        env.drop(added);
        Exchanges.await(addedChecked, PATIENCE, "the added device's packet checked");
        assertEquals(PacketState.OUTBOUND, state(hub, added));
        assertTrue(Files.exists(trcOutbox.resolve(leftBehind.packetId() + ".zip")),
                "a removed device is no longer polled");
        assertNull(state(hub, leftBehind));

        NotifyBuilder forwarded = exchanges.forwarded(spooled.packetId(), added.packetId());
        env.ministryServer().start();
        Exchanges.await(forwarded, PATIENCE, "both packets forwarded");
        assertEquals(PacketState.FORWARDED, state(hub, spooled));
        assertEquals(PacketState.FORWARDED, state(hub, added));
        assertEquals(List.of(spooled.packetId() + ".zip", added.packetId() + ".zip").stream().sorted().toList(),
                names(env.ministryInbox()), "the removed device's spooled packet still went up, once");
    }

    /**
     * A device broken for months taken out while its neighbour still names its kecamatan: the
     * edit is applied with a warning, not refused until every neighbour list is edited too.
     */
    @Test
    void aDeviceTakenOutThatANeighbourStillNamesIsAppliedWithAWarning() throws Exception {
        env = HubTestEnvironment.create(root, List.of(new TestDevice("33.10.05", "CWS01").withNeighbours("33.10.06"),
                new TestDevice("33.10.06", "TRC01").withNeighbours("33.10.05")));
        Hub hub = env.startHub();
        Instant before = hub.configState().current().appliedAt();
        env.removeDevice("TRC01");
        env.config(); // rewrites hub.yaml; CWS01 still lists 33.10.06
        // a check that starts after the write reads the edited file
        NotifyBuilder checked = Exchanges.of(hub).configChecked(System.currentTimeMillis());
        Exchanges.await(checked, PATIENCE, "a check of the edited file");
        assertTrue(hub.configState().current().appliedAt().isAfter(before), "the edit was applied");

        assertTrue(hub.configState().current().valid(), hub.configState().current().problems().toString());
        assertNull(hub.camelContext().getRoute(TRC), "the device taken out is no longer polled");
        assertEquals(List.of("33.10.06"), hub.config().devices().get(0).neighbours(), "the list is as written");
        assertEquals(1, hub.config().devices().size());
    }

    @Test
    void anInvalidEditChangesNothingAndSaysWhichKeyIsWrongUntilItIsFixed() throws Exception {
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        Hub hub = env.startHub();
        Path file = hub.configState().current().file();
        String good = Files.readString(file);
        ConfigState.Snapshot running = hub.configState().current();
        // A device route ticks at most every 250 ms and polls when its interval says so: which
        // route instance runs shows whether an edit was applied.
        org.apache.camel.Route cwsRoute = hub.camelContext().getRoute(CWS);
        org.apache.camel.Route trcRoute = hub.camelContext().getRoute(TRC);

        // A typo in a poll interval and an unknown key: both reported, nothing applied.
        rewriteAndAwaitRefused(hub, file, good.replaceFirst("pollInterval: 200ms", "pollInterval: 200 parsecs")
                .replace("printers:", "printerz: []\nprinters:"));
        ConfigState.Snapshot refused = hub.configState().current();
        assertEquals(running.sha256(), refused.sha256(), "still running the last good configuration");
        assertEquals(running.appliedAt(), refused.appliedAt());
        assertNotNull(refused.rejectedAt());
        assertTrue(refused.problems().stream().anyMatch(p -> p.startsWith("devices[0].pollInterval")), refused.problems().toString());
        assertTrue(refused.problems().stream().anyMatch(p -> p.contains("printerz")), refused.problems().toString());
        assertSame(cwsRoute, hub.camelContext().getRoute(CWS), "the device route was left alone");

        // The hub goes on working meanwhile.
        PacketSpec meanwhile = spec("33.10.05", "CWS01", 7);
        NotifyBuilder forwarded = Exchanges.of(hub).forwarded(meanwhile.packetId());
        env.drop(meanwhile);
        Exchanges.await(forwarded, PATIENCE, "a packet forwarded meanwhile");
        assertEquals(PacketState.FORWARDED, state(hub, meanwhile));

        // Fixed, with a new poll interval for CWS01: applied, the route replaced, the error gone.
        rewriteAndAwaitApplied(hub, file, good.replaceFirst("pollInterval: 200ms", "pollInterval: 300ms"));
        assertTrue(hub.configState().current().problems().isEmpty());
        assertNull(hub.configState().current().rejectedAt());
        assertNotSame(cwsRoute, hub.camelContext().getRoute(CWS), "the changed device's route was replaced");
        assertEquals(java.time.Duration.ofMillis(300), hub.config().devices().stream()
                .filter(d -> d.deviceId().equals("CWS01")).findFirst().orElseThrow().pollInterval());
        assertSame(trcRoute, hub.camelContext().getRoute(TRC), "an unchanged device's route was left alone");
        PacketSpec after = spec("33.10.05", "CWS01", 8);
        NotifyBuilder afterForwarded = Exchanges.of(hub).forwarded(after.packetId());
        env.drop(after);
        Exchanges.await(afterForwarded, PATIENCE, "a packet forwarded through the replaced route");
        assertEquals(PacketState.FORWARDED, state(hub, after));
    }

    @Test
    void settingsThatNeedARestartAreNamedAndTheRestIsApplied() throws Exception {
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        Hub hub = env.startHub();
        Path file = hub.configState().current().file();
        int port = hub.config().http().port();
        rewriteAndAwaitApplied(hub, file, Files.readString(file)
                .replace("port: " + port + ",", "port: " + (port + 1) + ",")
                .replace("reorderDaysOfCover: 7", "reorderDaysOfCover: 9")
                .replace("checkSchedule: \"0 0 7 * * ?\"", "checkSchedule: \"0 30 6 * * ?\""));
        assertEquals(List.of("http.port changed: takes effect at the next restart"),
                hub.configState().current().restartNeeded());
        assertEquals(port, hub.config().http().port(), "the running server keeps its port until the restart");
        assertEquals(9, hub.config().stock().reorderDaysOfCover());
        assertEquals(UpRoutes.intakeRouteId(hub.config().devices().get(0)), CWS);
        String stockCheck = hub.camelContext().getRoute(id.ektp.hub.across.AcrossRoutes.STOCK_CHECK).getEndpoint().getEndpointUri();
        assertTrue(stockCheck.contains("0+30+6"), "the stock check runs on its new schedule: " + stockCheck);
    }

    @Test
    void aPrinterAddedGetsItsResultsRouteAndJobsAndOneRemovedLosesIt() throws Exception {
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        Hub hub = env.startHub();
        Path file = hub.configState().current().file();
        String good = Files.readString(file);
        String dkc1 = "  - {id: DKC-1, folder: printers/DKC-1, serves: [\"*\"]}";
        assertTrue(good.contains(dkc1), good);

        rewriteAndAwaitApplied(hub, file, good.replace(dkc1, dkc1 + "\n  - {id: DKC-3, folder: printers/DKC-3, serves: [\"33.10.06\"]}"));
        assertNotNull(hub.camelContext().getRoute("down-results-DKC-3"), "the added printer's results are read");
        assertEquals("DKC-3", hub.config().printers().get(1).id());
        assertTrue(metrics().contains("ektp_peer_up{peer=\"printer-DKC-3\"}"), "the added printer has its series");

        rewriteAndAwaitApplied(hub, file, good);
        assertNull(hub.camelContext().getRoute("down-results-DKC-3"), "the removed printer's route is gone");
        assertNotNull(hub.camelContext().getRoute("down-results-DKC-1"));
        assertFalse(metrics().contains("printer-DKC-3"), "the removed printer's series is gone");
    }
}
