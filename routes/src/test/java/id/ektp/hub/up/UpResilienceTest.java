package id.ektp.hub.up;

import static id.ektp.hub.testing.HubTestEnvironment.names;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import id.ektp.hub.across.FailureReports;
import id.ektp.hub.across.Messages;
import id.ektp.hub.across.Queues;
import id.ektp.hub.config.HubConfig;
import id.ektp.hub.connectors.device.DeviceRef;
import id.ektp.hub.connectors.link.Link;
import id.ektp.hub.runtime.Hub;
import id.ektp.hub.sandbox.broker.EmbeddedBroker;
import id.ektp.hub.sandbox.packets.PacketDefect;
import id.ektp.hub.sandbox.packets.PacketSpec;
import id.ektp.hub.sandbox.sftp.EmbeddedSftpServer;
import id.ektp.hub.sandbox.sftp.HangingServer;
import id.ektp.hub.sandbox.sftp.SshKeys;
import id.ektp.hub.spool.Spool;
import id.ektp.hub.store.HubStore;
import id.ektp.hub.store.Outbox;
import id.ektp.hub.store.PacketRecord;
import id.ektp.hub.store.PacketRecords;
import id.ektp.hub.store.PacketState;
import id.ektp.hub.store.QuarantineRecords;
import id.ektp.hub.testing.Exchanges;
import id.ektp.hub.testing.HubTestEnvironment;
import id.ektp.hub.testing.HubTestEnvironment.TestDevice;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The UP flow when things go wrong: the ministry away, the hub stopped or killed, devices hanging. */
class UpResilienceTest {
    private static final Duration PATIENCE = Duration.ofSeconds(40);
    private static final OffsetDateTime MORNING = OffsetDateTime.of(2026, 11, 23, 8, 0, 0, 0, ZoneOffset.ofHours(7));

    @TempDir
    Path root;
    HubTestEnvironment env;

    @AfterEach
    void stop() {
        if (env != null) {
            env.close();
        }
    }

    static PacketSpec spec(String kecamatan, String device, int seq, int minute) {
        return PacketSpec.builder().kecamatanCode(kecamatan).deviceId(device).sequence(seq)
                .capturedAt(MORNING.plusMinutes(minute)).targetBytes(64 * 1024).seed(seq * 7919L).build();
    }

    private Map<String, String> shaOfAll(List<PacketSpec> specs, Function<PacketSpec, Path> where) throws Exception {
        Map<String, String> result = new java.util.HashMap<>();
        for (PacketSpec s : specs) {
            result.put(s.packetId(), Spool.sha256Of(where.apply(s)));
        }
        return result;
    }

    private static String[] ids(List<PacketSpec> specs) {
        return specs.stream().map(PacketSpec::packetId).toArray(String[]::new);
    }

    private void assertAllInInbox(List<PacketSpec> specs) {
        for (PacketSpec s : specs) {
            assertTrue(Files.exists(env.ministryInbox().resolve(s.packetId() + ".zip")), s.packetId() + " in the ministry inbox");
        }
    }

    @Test
    void ministryDownForAWhileThenUpNothingLostAndOldestCaptureFirst() throws Exception {
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        Hub hub = env.startHub();
        Exchanges exchanges = Exchanges.of(hub);
        env.ministryServer().stop();

        // The latest capture arrives first and becomes the packet being retried...
        List<PacketSpec> specs = new ArrayList<>();
        specs.add(spec("33.10.05", "CWS01", 1, 50));
        int[] minutes = {10, 40, 5, 30, 20, 45};
        for (int i = 0; i < minutes.length; i++) {
            specs.add(spec(i % 2 == 0 ? "33.10.05" : "33.10.06", i % 2 == 0 ? "CWS01" : "TRC01", 10 + i, minutes[i]));
        }
        List<PacketSpec> older = specs.subList(1, specs.size());
        NotifyBuilder taken = exchanges.taken(ids(specs));
        NotifyBuilder latestChecked = exchanges.checked(specs.get(0).packetId());
        env.drop(specs.get(0));
        Exchanges.await(latestChecked, PATIENCE, "the latest capture checked");
        assertEquals(PacketState.OUTBOUND, state(hub, specs.get(0)));
        // ...then older captures turn up from both devices (one was offline for a while).
        NotifyBuilder olderChecked = exchanges.checked(ids(older));
        for (PacketSpec s : older) {
            env.drop(s);
        }
        Map<String, String> deviceSha = new java.util.HashMap<>();
        for (PacketSpec s : specs) {
            deviceSha.put(s.packetId(), sha256(env.packetFactory().bytes(s)));
        }
        Exchanges.await(olderChecked, PATIENCE, "the older captures checked");
        Exchanges.await(taken, PATIENCE, "every packet taken off its device");
        for (PacketSpec s : specs) {
            assertEquals(PacketState.OUTBOUND, state(hub, s), s.packetId());
        }
        assertEquals(List.of(), names(env.outbox("CWS01")));
        assertEquals(List.of(), names(env.outbox("TRC01")));
        assertEquals(List.of(), names(env.ministryInbox()), "nothing reaches a ministry that is down");

        NotifyBuilder forwarded = exchanges.forwarded(ids(specs));
        env.ministryServer().start();
        Exchanges.await(forwarded, PATIENCE, "every packet forwarded once the ministry is back");
        assertAllInInbox(specs);
        for (PacketSpec s : specs) {
            assertEquals(PacketState.FORWARDED, state(hub, s), s.packetId());
        }
        Map<String, String> arrived = shaOfAll(specs, s -> env.ministryInbox().resolve(s.packetId() + ".zip"));
        assertEquals(deviceSha, arrived, "every packet arrives byte-identical");

        List<String> forwardOrder = specs.stream().map(s -> hub.packets().find(s.packetId()).orElseThrow())
                .sorted(Comparator.comparing(PacketRecord::updatedAt)).map(PacketRecord::packetId).toList();
        List<String> captureOrder = specs.stream().sorted(Comparator.comparing(PacketSpec::capturedAt))
                .map(PacketSpec::packetId).toList();
        assertEquals(captureOrder, forwardOrder, "forwarded oldest capture first");
    }

    @ParameterizedTest(name = "stopped after {0} forwarded")
    @ValueSource(ints = {0, 4, 11})
    void hubStoppedInTheMiddleOfABatchAndStartedAgainLosesNothingAndSendsNothingTwice(int forwardedBeforeStop) throws Exception {
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        List<PacketSpec> specs = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            specs.add(spec(i % 2 == 0 ? "33.10.05" : "33.10.06", i % 2 == 0 ? "CWS01" : "TRC01", 100 + i, i));
        }
        PacketSpec bad = spec("33.10.05", "CWS01", 200, 30).withDefect(PacketDefect.CHECKSUM_MISMATCH);
        for (PacketSpec s : specs) {
            env.drop(s);
        }
        env.drop(bad);
        // The hub starts on them at once: a packet under way, and (unless 0) that many forwarded.
        Supplier<NotifyBuilder> underWay = env.atNextStart(on -> on.notifier()
                .fromRoute(UpRoutes.INTAKE_PREFIX + "*").whenCompleted(1)
                .and().fromRoute(UpRoutes.FORWARD).whenCompleted(forwardedBeforeStop).create());
        Hub first = env.startHub();
        Exchanges.await(underWay.get(), PATIENCE, forwardedBeforeStop + " packet(s) forwarded");
        first.close();

        // What the second hub has to do: forward what has not arrived, check the bad packet
        // unless it is already in quarantine, take what is still on the devices.
        List<String> toForward = specs.stream().map(PacketSpec::packetId)
                .filter(id -> !Files.exists(env.ministryInbox().resolve(id + ".zip"))).toList();
        List<String> onDevices = new ArrayList<>();
        for (String device : List.of("CWS01", "TRC01")) {
            names(env.outbox(device)).stream().filter(n -> n.endsWith(".zip"))
                    .forEach(n -> onDevices.add(n.substring(0, n.length() - ".zip".length())));
        }
        boolean badChecked = Files.exists(env.dataDir().resolve("quarantine/packets/" + bad.packetId() + ".zip"));
        Supplier<NotifyBuilder> forwarded = env.atNextStart(on -> on.forwarded(toForward.toArray(String[]::new)));
        Supplier<NotifyBuilder> taken = env.atNextStart(on -> on.taken(onDevices.toArray(String[]::new)));
        Supplier<NotifyBuilder> badCheck = badChecked ? null : env.atNextStart(on -> on.checked(bad.packetId()));
        Hub second = env.startHub();
        Exchanges.await(forwarded.get(), PATIENCE, "the " + toForward.size() + " packet(s) left forwarded");
        Exchanges.await(taken.get(), PATIENCE, "the " + onDevices.size() + " packet(s) left on the devices taken");
        if (!badChecked) {
            Exchanges.await(badCheck.get(), PATIENCE, "the bad packet checked");
        }
        assertAllInInbox(specs);
        assertEquals(1, second.quarantine().held().size());
        for (PacketSpec s : specs) {
            assertEquals(PacketState.FORWARDED, state(second, s), s.packetId());
        }
        assertEquals(specs.stream().map(s -> s.packetId() + ".zip").sorted().toList(), names(env.ministryInbox()));
        assertEquals(bad.packetId(), second.quarantine().held().get(0).subjectId());
        assertEquals(List.of(), names(env.outbox("CWS01")));
        assertEquals(List.of(), names(env.outbox("TRC01")));
        assertEquals(List.of(), names(env.dataDir().resolve("spool/incoming")));
    }

    /**
     * Each window between two durable steps, as a crash would leave it on disk; the hub
     * started on it must finish the step exactly once.
     */
    @Test
    void everyCrashWindowIsResumedFromTheStateOnDisk() throws Exception {
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        env.config(); // writes the config; dataDir is created by the store and spool below
        Spool spool = new Spool(env.dataDir());
        PacketSpec downloading = spec("33.10.05", "CWS01", 1, 1);   // crash during download
        PacketSpec placedNotMarked = spec("33.10.05", "CWS01", 2, 2); // renamed into received/, row still RECEIVING
        PacketSpec markedNotMoved = spec("33.10.06", "TRC01", 3, 3);  // marked OUTBOUND, rename not done
        PacketSpec forwardedNotDeleted = spec("33.10.06", "TRC01", 4, 4); // marked FORWARDED, local file not deleted
        PacketSpec quarantinedNotMoved = spec("33.10.05", "CWS01", 5, 5).withDefect(PacketDefect.CHECKSUM_MISMATCH);
        try (HubStore store = HubStore.open(env.dataDir())) {
            PacketRecords packets = new PacketRecords(store, Clock.systemUTC());
            QuarantineRecords quarantine = new QuarantineRecords(store, Clock.systemUTC());

            env.drop(downloading);
            packets.beginReceiving(downloading.packetId(), "33.10.05", "CWS01", "0".repeat(64), 10);
            Files.writeString(spool.incoming().resolve("half-done.part"), "partial download");

            Path device = env.drop(placedNotMarked); // still on the device: never acknowledged
            packets.beginReceiving(placedNotMarked.packetId(), "33.10.05", "CWS01", Spool.sha256Of(device), Files.size(device));
            env.packetFactory().write(placedNotMarked, Files.createDirectories(spool.received().resolve("331005-CWS01")));

            received(packets, markedNotMoved, spool, "331006-TRC01");
            packets.markOutbound(markedNotMoved.packetId(), markedNotMoved.capturedAt().toInstant());

            Path stale = env.packetFactory().write(forwardedNotDeleted, spool.incoming());
            packets.beginReceiving(forwardedNotDeleted.packetId(), "33.10.06", "TRC01", Spool.sha256Of(stale), Files.size(stale));
            packets.markReceived(forwardedNotDeleted.packetId());
            packets.markOutbound(forwardedNotDeleted.packetId(), forwardedNotDeleted.capturedAt().toInstant());
            packets.markForwarded(forwardedNotDeleted.packetId());
            Files.move(stale, spool.outbound().resolve("20261123T010400.000Z~" + forwardedNotDeleted.packetId() + ".zip"));

            received(packets, quarantinedNotMoved, spool, "331005-CWS01");
            quarantine.hold(quarantinedNotMoved.packetId(), "UP", quarantinedNotMoved.packetId(),
                    quarantinedNotMoved.packetId() + ".zip", "33.10.05/CWS01", "CHECKSUM_MISMATCH", "before the crash");
            packets.markQuarantined(quarantinedNotMoved.packetId(), "CHECKSUM_MISMATCH");
        }

        List<PacketSpec> forwarded = List.of(downloading, placedNotMarked, markedNotMoved);
        // Each window resumed: the three forwarded, the leftover of the one forwarded before
        // removed, the two on the device taken, the quarantined one moved into quarantine.
        Supplier<NotifyBuilder> resumed = env.atNextStart(on -> on.forwarded(
                ids(List.of(downloading, placedNotMarked, markedNotMoved, forwardedNotDeleted))));
        Supplier<NotifyBuilder> taken = env.atNextStart(on -> on.taken(downloading.packetId(), placedNotMarked.packetId()));
        Supplier<NotifyBuilder> quarantined = env.atNextStart(on -> on.checked(quarantinedNotMoved.packetId()));
        Hub hub = env.startHub();
        Exchanges.await(resumed.get(), PATIENCE, "the interrupted forwards finished");
        Exchanges.await(taken.get(), PATIENCE, "the packets still on the device taken");
        Exchanges.await(quarantined.get(), PATIENCE, "the interrupted quarantine finished");
        assertAllInInbox(forwarded);
        assertEquals(List.of(), names(env.outbox("CWS01")));
        assertEquals(List.of(), names(spool.outbound()));
        assertEquals(List.of(), names(spool.received().resolve("331005-CWS01")));
        assertEquals(List.of(), names(spool.received().resolve("331006-TRC01")));
        for (PacketSpec s : forwarded) {
            assertEquals(PacketState.FORWARDED, state(hub, s), s.packetId());
        }
        assertEquals(forwarded.stream().map(s -> s.packetId() + ".zip").sorted().toList(), names(env.ministryInbox()),
                "the packet forwarded before the crash is not sent again; nothing else is missing");
        assertEquals(List.of(), names(spool.incoming()), "a half-done download is discarded (the device still had it)");
        assertEquals(sha256(env.packetFactory().bytes(downloading)), hub.packets().find(downloading.packetId()).orElseThrow().sha256());
        assertEquals(1, hub.quarantine().held().size());
        assertTrue(Files.exists(spool.quarantine().resolve(quarantinedNotMoved.packetId() + ".zip")));
    }

    private Path received(PacketRecords packets, PacketSpec s, Spool spool, String deviceKey) throws Exception {
        Path file = env.packetFactory().write(s, Files.createDirectories(spool.received().resolve(deviceKey)));
        packets.beginReceiving(s.packetId(), s.kecamatanCode(), s.deviceId(), Spool.sha256Of(file), Files.size(file));
        packets.markReceived(s.packetId());
        return file;
    }

    /**
     * The quarantine's window: its record and {@code PACKET_REJECTED} report committed, the file
     * not yet moved. The hub started on it checks the packet again and reaches the same verdict;
     * the ministry must still get one report, under the id raised before the crash.
     */
    @Test
    void aRejectionCommittedJustBeforeACrashIsReportedOnceAfterTheRestart() throws Exception {
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        EmbeddedBroker broker = env.withBroker();
        HubConfig config = env.config();
        Spool spool = new Spool(env.dataDir());
        PacketSpec bad = spec("33.10.05", "CWS01", 6, 6).withDefect(PacketDefect.CHECKSUM_MISMATCH);
        String id = bad.packetId();
        String reportId;
        try (HubStore store = HubStore.open(env.dataDir())) {
            Clock clock = Clock.systemUTC();
            PacketRecords packets = new PacketRecords(store, clock);
            Outbox outbox = new Outbox(store, clock);
            PacketQuarantine quarantine = new PacketQuarantine(store, packets, new QuarantineRecords(store, clock), spool,
                    new FailureReports(outbox, new Messages(config.regency(), clock)));
            Path file = received(packets, bad, spool, "331005-CWS01");
            Inspection inspection = new PacketInspector(config.limits().maxPacketBytes())
                    .inspect(file, file.getFileName().toString(), new PacketOrigin("33.10.05", "CWS01"));
            // The process dies after the commit, before the move: a folder where the file would go
            // makes the move fail at exactly that point.
            Path inTheWay = Files.createDirectories(spool.quarantine().resolve(id + ".zip").resolve("in-the-way"));
            assertThrows(IOException.class, () -> quarantine.quarantine(file, id, id, id, DeviceRef.of("331005-CWS01"),
                    inspection.rejection()));
            Files.delete(inTheWay);
            Files.delete(inTheWay.getParent());
            assertTrue(Files.exists(file), "still where the crash left it");
            List<String> raised = outbox.pending(10).stream().map(m -> m.messageId()).toList();
            assertEquals(1, raised.size(), "raised with the quarantine, before the crash");
            reportId = raised.get(0);
        }

        Hub hub = env.startHub();
        await().atMost(PATIENCE).until(() -> Files.exists(spool.quarantine().resolve(id + ".zip"))
                && names(spool.received().resolve("331005-CWS01")).isEmpty());
        // The check after the restart commits before it moves the file: anything it raised is in
        // the outbox by now, and is sent once the outbox is empty.
        await().atMost(PATIENCE).until(() -> hub.outbox().backlog().count() == 0);
        List<String> rejections = new ArrayList<>();
        for (EmbeddedBroker.ReceivedMessage m : broker.receiveAll(Queues.FAILURES, Duration.ofSeconds(5))) {
            if (m.text().contains("\"PACKET_REJECTED\"")) {
                rejections.add((String) m.property(Queues.MESSAGE_ID));
            }
        }
        assertEquals(List.of(reportId), rejections, "one PACKET_REJECTED, with the report id raised before the crash");
        assertEquals(1, hub.quarantine().held().size());
        assertEquals(PacketState.QUARANTINED, state(hub, bad));
    }

    @Test
    void aDeviceThatAcceptsAndNeverAnswersDoesNotHoldUpTheOthers() throws Exception {
        try (HangingServer hanging = new HangingServer()) {
            env = HubTestEnvironment.create(root, List.of(
                    new TestDevice("33.10.05", "CWS01"),
                    TestDevice.at("33.10.07", "HNG01", hanging.port(), "60s"),
                    TestDevice.at("33.10.08", "HNG02", hanging.port(), "1s")));
            Hub hub = env.startHub();
            // Wait until the slow one is stuck in its connect: from here on, a hub that polled
            // devices one after another could not reach CWS01 for a minute.
            await().atMost(PATIENCE).until(() -> hanging.acceptedConnections() >= 2);
            List<PacketSpec> specs = List.of(spec("33.10.05", "CWS01", 1, 1), spec("33.10.05", "CWS01", 2, 2));
            NotifyBuilder forwarded = Exchanges.of(hub).forwarded(ids(specs));
            for (PacketSpec s : specs) {
                env.drop(s);
            }
            Exchanges.await(forwarded, Duration.ofSeconds(20), "CWS01's packets forwarded while HNG01 hangs");
            assertAllInInbox(specs);
            await().atMost(PATIENCE).untilAsserted(() -> {
                String cause = String.valueOf(hub.deviceLinks().link("331008-HNG02").map(Link::lastError).orElse(null));
                assertTrue(cause.toLowerCase().contains("timed out") || cause.toLowerCase().contains("timeout"), cause);
            });
            assertTrue(hub.deviceLinks().link("331005-CWS01").orElseThrow().up());
        }
    }

    @Test
    void aRemovalThatFailsOnTheDeviceIsDoneAgainAndNeverLeavesAZipWithoutItsDoneFile() throws Exception {
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        PacketSpec packet = spec("33.10.05", "CWS01", 1, 1);
        String zip = packet.packetId() + ".zip";
        env.drop(packet);
        // The link drops just as the hub removes the zip: the packet is already durably the hub's.
        env.deviceServer().failNextRemoval(zip);
        Supplier<NotifyBuilder> forwarded = env.atNextStart(on -> on.forwarded(packet.packetId()));
        // A zip left without its .done would count as "still being written" (ICD 1) for ever:
        // the pair must stay together until a later poll removes it (without downloading it
        // again: the hub already holds it). Only then does a tick name it as taken.
        Supplier<NotifyBuilder> taken = env.atNextStart(on -> on.taken(zip));
        env.startHub();

        Exchanges.await(forwarded.get(), PATIENCE, "the packet forwarded");
        assertTrue(Files.exists(env.ministryInbox().resolve(zip)));
        Exchanges.await(taken.get(), PATIENCE, "the packet removed from the device after the failed removal");
        assertEquals(List.of(), names(env.outbox("CWS01")));
        assertFalse(env.deviceServer().removalFailurePending(zip), "the removal did fail once");
        assertEquals(List.of(zip), names(env.ministryInbox()), "forwarded once");
    }

    @Test
    void aRefusedLoginMarksTheDeviceDownAndItComesBackWhenFixed() throws Exception {
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        env.deviceServer().refuseLogins("trc01", true);
        Hub hub = env.startHub();
        await().atMost(PATIENCE).untilAsserted(() -> {
            Link link = hub.deviceLinks().link("331006-TRC01").orElse(null);
            assertFalse(link == null || link.up(), String.valueOf(link));
            assertTrue(String.valueOf(link.lastError()).contains("Auth"), "the refused login is named: " + link);
        });
        PacketSpec waiting = spec("33.10.06", "TRC01", 1, 1);
        NotifyBuilder forwarded = Exchanges.of(hub).forwarded(waiting.packetId());
        env.drop(waiting);

        env.deviceServer().refuseLogins("trc01", false);
        await().atMost(PATIENCE).until(() -> hub.deviceLinks().link("331006-TRC01").map(l -> l.up()).orElse(false));
        Exchanges.await(forwarded, PATIENCE, "the packet that waited on the device forwarded");
        assertTrue(Files.exists(env.ministryInbox().resolve(waiting.packetId() + ".zip")));
    }

    /**
     * A device is replaced (same address, a new machine with its own host key). Strict host-key
     * checking refuses it, whatever it offers, until an operator who has checked the new
     * fingerprint puts it in known_hosts; the file is read at each connection, so editing it in
     * place is enough: no restart, no configuration edit.
     */
    @Test
    void aReplacedDeviceIsRefusedUntilItsNewHostKeyIsInKnownHostsThenTakenWithoutARestart() throws Exception {
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        Path knownHosts = root.resolve("secrets/known_hosts");
        java.security.PublicKey hubKey = SshKeys.readPublicKey(SshKeys.publicKeyFile(root.resolve("secrets/hub_key")));
        EmbeddedSftpServer old = EmbeddedSftpServer.builder().host("127.0.0.1").port(0)
                .hostKeyFile(root.resolve("secrets/wdr01_old_host_key")).start();
        EmbeddedSftpServer replacement = null;
        try {
            old.writeKnownHosts(knownHosts);
            env.addDevice(TestDevice.at("33.10.14", "WDR01", old.port(), "5s"));
            old.addAccount("wdr01", env.deviceHome("WDR01"), hubKey);
            Hub hub = env.startHub();
            await().atMost(PATIENCE).until(() -> hub.deviceLinks().link("331014-WDR01").map(l -> l.up()).orElse(false));
            int port = old.port();
            old.close();

            replacement = EmbeddedSftpServer.builder().host("127.0.0.1").port(port)
                    .hostKeyFile(root.resolve("secrets/wdr01_new_host_key"))
                    .account("wdr01", env.deviceHome("WDR01"), hubKey).start();
            PacketSpec waiting = spec("33.10.14", "WDR01", 1, 1);
            NotifyBuilder forwarded = Exchanges.of(hub).forwarded(waiting.packetId());
            env.drop(waiting);
            // The first failure may be the old server going away mid-session; each later poll
            // meets the new host key and must name it.
            await().atMost(PATIENCE).untilAsserted(() -> {
                Link link = hub.deviceLinks().link("331014-WDR01").orElse(null);
                assertFalse(link == null || link.up(), String.valueOf(link));
                assertTrue(String.valueOf(link.lastError()).contains("HostKey"), "the changed host key is named: " + link);
            });
            assertFalse(Files.exists(env.ministryInbox().resolve(waiting.packetId() + ".zip")), "nothing taken from it");
            assertTrue(Files.exists(env.outbox("WDR01").resolve(waiting.packetId() + ".zip")));

            replacement.writeKnownHosts(knownHosts); // the stale line replaced, the file renamed into place
            await().atMost(PATIENCE).until(() -> hub.deviceLinks().link("331014-WDR01").map(l -> l.up()).orElse(false));
            Exchanges.await(forwarded, PATIENCE, "the packet forwarded once the new host key is known");
            assertTrue(Files.exists(env.ministryInbox().resolve(waiting.packetId() + ".zip")));
        } finally {
            old.close();
            if (replacement != null) {
                replacement.close();
            }
        }
    }

    private static PacketState state(Hub hub, PacketSpec s) {
        return hub.packets().find(s.packetId()).map(PacketRecord::state).orElse(null);
    }

    static String sha256(byte[] bytes) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
