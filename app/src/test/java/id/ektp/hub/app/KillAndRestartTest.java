package id.ektp.hub.app;

import static id.ektp.hub.testing.HubTestEnvironment.names;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import id.ektp.hub.sandbox.packets.PacketDefect;
import id.ektp.hub.sandbox.packets.PacketSpec;
import id.ektp.hub.spool.Spool;
import id.ektp.hub.store.HubStore;
import id.ektp.hub.store.QuarantineEntry;
import id.ektp.hub.store.QuarantineRecords;
import id.ektp.hub.testing.HubTestEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub as a separate process, killed with SIGKILL (no shutdown hook, no graceful stop) at
 * several points while packets flow, and started again each time: in the end every valid
 * packet is in the ministry inbox byte-identical, every bad one is in quarantine once, and
 * nothing is left on the devices or half-done on the hub.
 */
class KillAndRestartTest {
    private static final OffsetDateTime MORNING = OffsetDateTime.of(2026, 11, 23, 8, 0, 0, 0, ZoneOffset.ofHours(7));

    @TempDir
    Path root;
    HubTestEnvironment env;
    HubProcess hub;

    @AfterEach
    void stop() throws InterruptedException {
        if (hub != null) {
            hub.close();
        }
        env.close();
    }

    @Test
    void killedAtSeveralPointsAndRestartedNothingLostNothingDuplicated() throws Exception {
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        env.config();
        hub = new HubProcess(root.resolve("hub.yaml"), root.resolve("hub.log"));

        List<PacketSpec> valid = new ArrayList<>();
        List<PacketSpec> bad = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            boolean cawas = i % 2 == 0;
            PacketSpec.Builder b = PacketSpec.builder().kecamatanCode(cawas ? "33.10.05" : "33.10.06")
                    .deviceId(cawas ? "CWS01" : "TRC01").sequence(i).capturedAt(MORNING.plusMinutes(i))
                    .targetBytes(300 * 1024).seed(i);
            if (i % 13 == 5) {
                bad.add(b.defect(PacketDefect.CHECKSUM_MISMATCH).build());
            } else {
                valid.add(b.build());
            }
        }
        Map<String, String> deviceSha = new HashMap<>();
        for (PacketSpec s : valid) {
            deviceSha.put(s.packetId(), Spool.sha256Of(env.drop(s)));
        }
        for (PacketSpec s : bad) {
            env.drop(s);
        }
        IntSupplier leftOnDevices = () -> count(env.outbox("CWS01")) + count(env.outbox("TRC01"));
        int onDevices = leftOnDevices.getAsInt();
        assertEquals(40, onDevices, "zips waiting on the devices"); // the .done files are not counted
        IntSupplier inInbox = () -> (int) namesQuietly(env.ministryInbox()).stream().filter(n -> n.endsWith(".zip")).count();
        // Kill points: three while packets are being taken from the devices (each kill lands
        // somewhere in a download, its recording or the removal from the device), part-way
        // through forwarding, and late in forwarding.
        hub.killWhen(() -> leftOnDevices.getAsInt() < onDevices);
        hub.killWhen(() -> leftOnDevices.getAsInt() < onDevices - 10);
        hub.killWhen(() -> leftOnDevices.getAsInt() < onDevices - 20);
        hub.killWhen(() -> inInbox.getAsInt() >= 8);
        hub.killWhen(() -> inInbox.getAsInt() >= 22);

        hub.start();
        // Compared as one line, so that a timeout says which part is missing.
        String done = progress(valid.size(), List.of(), bad.size());
        // Reads of the store beside the running hub may meet it busy, or just after a kill, recovering.
        await().atMost(Duration.ofSeconds(90)).ignoreExceptions().untilAsserted(() -> assertEquals(done,
                progress(inInbox.getAsInt(), zipsOnDevices(), quarantined().size())));
        hub.stop(); // SIGTERM: a graceful stop this time

        assertEquals(valid.stream().map(s -> s.packetId() + ".zip").sorted().toList(), names(env.ministryInbox()),
                "every valid packet, each under its own id, and nothing else");
        for (PacketSpec s : valid) {
            assertEquals(deviceSha.get(s.packetId()), Spool.sha256Of(env.ministryInbox().resolve(s.packetId() + ".zip")));
        }
        assertEquals(bad.stream().map(PacketSpec::packetId).sorted().toList(),
                quarantined().stream().map(QuarantineEntry::subjectId).sorted().toList());
        assertEquals(List.of(), names(env.dataDir().resolve("spool/incoming")));
        assertEquals(List.of(), names(env.dataDir().resolve("spool/outbound")));
    }

    private static String progress(int inInbox, List<String> zipsOnDevices, int quarantined) {
        return "in the ministry inbox: " + inInbox + ", zips left on devices: " + zipsOnDevices
                + ", quarantined: " + quarantined;
    }

    private List<String> zipsOnDevices() {
        List<String> zips = new ArrayList<>();
        for (String device : List.of("CWS01", "TRC01")) {
            namesQuietly(env.outbox(device)).stream().filter(n -> n.endsWith(".zip")).forEach(zips::add);
        }
        return zips;
    }

    private List<QuarantineEntry> quarantined() throws Exception {
        if (!Files.exists(env.dataDir().resolve("state/hub.db"))) {
            return List.of();
        }
        try (HubStore store = HubStore.openReadOnly(env.dataDir())) {
            return new QuarantineRecords(store, Clock.systemUTC()).held();
        }
    }

    private static int count(Path dir) {
        return (int) namesQuietly(dir).stream().filter(n -> n.endsWith(".zip")).count();
    }

    private static List<String> namesQuietly(Path dir) {
        try {
            return names(dir);
        } catch (IOException e) {
            return List.of();
        }
    }
}
