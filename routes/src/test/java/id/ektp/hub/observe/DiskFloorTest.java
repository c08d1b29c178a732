package id.ektp.hub.observe;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import id.ektp.hub.across.Messages;
import id.ektp.hub.runtime.Hub;
import id.ektp.hub.sandbox.packets.PacketFactory;
import id.ektp.hub.sandbox.packets.PacketSpec;
import id.ektp.hub.sandbox.prr.PrrBatchFactory;
import id.ektp.hub.store.PacketRecord;
import id.ektp.hub.store.PacketState;
import id.ektp.hub.store.PrintJobState;
import id.ektp.hub.testing.Exchanges;
import id.ektp.hub.testing.HubTestEnvironment;
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

/**
 * Below {@code limits.minFreeBytes} free on dataDir's disk, packets wait on the devices and
 * batches at the ministry, while what the hub already holds still goes out; once space is back
 * (here: the floor lowered by an edit, which needs no restart) both are taken. The floor is set
 * far above any disk's size rather than filling a real disk: the hub reads the real free space
 * either way.
 */
class DiskFloorTest {
    private static final Duration PATIENCE = Duration.ofSeconds(40);
    private static final OffsetDateTime MORNING = OffsetDateTime.of(2026, 11, 24, 8, 0, 0, 0, ZoneOffset.ofHours(7));
    private static final String NO_FLOOR = "minFreeBytes: 0";
    private static final String UNREACHABLE_FLOOR = "minFreeBytes: 1000000000000000000"; // 10^18 bytes

    @TempDir
    Path root;
    HubTestEnvironment env;

    @AfterEach
    void stop() {
        env.close();
    }

    static PacketSpec spec(String kecamatan, String device, int seq) {
        return PacketSpec.builder().kecamatanCode(kecamatan).deviceId(device).sequence(seq)
                .capturedAt(MORNING.plusMinutes(seq)).targetBytes(32 * 1024).seed(seq * 31L).build();
    }

    static PacketState state(Hub hub, PacketSpec spec) {
        return hub.packets().find(spec.packetId()).map(PacketRecord::state).orElse(null);
    }

    JsonNode disk() throws Exception {
        return Messages.json().readTree(env.httpGet("/api/status")).get("disk");
    }

    @Test
    void belowTheFloorPacketsAndBatchesWaitWhereTheyAreAndAreTakenOnceSpaceIsBack() throws Exception {
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        env.withBroker();
        env.withExtraYaml("limits: {" + NO_FLOOR + "}\n");
        Hub hub = env.startHub();
        Exchanges exchanges = Exchanges.of(hub);

        // A packet the hub already holds, waiting for the ministry.
        env.ministryServer().stop();
        PacketSpec held = spec("33.10.05", "CWS01", 1);
        NotifyBuilder checked = exchanges.checked(held.packetId());
        env.drop(held);
        Exchanges.await(checked, PATIENCE, "the packet checked");
        assertEquals(PacketState.OUTBOUND, state(hub, held));
        assertFalse(disk().get("intakePaused").asBoolean());

        env.editConfig(hub, NO_FLOOR, UNREACHABLE_FLOOR); // as if the disk were nearly full
        assertTrue(hub.configState().current().restartNeeded().isEmpty(), "applied without a restart");
        await().atMost(PATIENCE).until(() -> disk().get("intakePaused").asBoolean());
        NotifyBuilder forwarded = exchanges.forwarded(held.packetId());
        env.ministryServer().start();
        Exchanges.await(forwarded, PATIENCE, "the held packet forwarded below the floor"); // forwarding goes on
        assertEquals(PacketState.FORWARDED, state(hub, held));

        PacketSpec waiting = spec("33.10.06", "TRC01", 2);
        env.drop(waiting);
        List<ObjectNode> records = List.of(PrrBatchFactory.record("PRR-3310-F000001",
                PacketFactory.nikFor("33.10.05", 1), "33.10.05"));
        Path batch = PrrBatchFactory.publish(PrrBatchFactory.batch("prr-3310-20261124-0031", "33.10", records),
                root.resolve("ministry/outbox"));
        long paused = hub.diskFloor().read().pausedPolls();
        // Both devices (every 200 ms) and the ministry (every second) were due several times.
        await().atMost(PATIENCE).until(() -> hub.diskFloor().read().pausedPolls() >= paused + 15);
        assertTrue(Files.exists(env.outbox("TRC01").resolve(waiting.packetId() + ".zip")), "the packet waits on the device");
        assertEquals(null, state(hub, waiting), "the hub has not taken it");
        assertTrue(Files.exists(batch), "the batch waits at the ministry");
        assertTrue(hub.printJobs().find("PRR-3310-F000001").isEmpty());
        JsonNode disk = disk();
        assertTrue(disk.get("freeBytes").asLong() > 0 && disk.get("totalBytes").asLong() >= disk.get("freeBytes").asLong(),
                disk.toString());
        assertEquals(1_000_000_000_000_000_000L, disk.get("minFreeBytes").asLong());
        assertFalse(disk.get("since").isNull(), disk.toString());
        assertTrue(env.httpGet("/observe/metrics").contains("\nektp_intake_paused 1.0\n"), "the metric an alert can watch");

        NotifyBuilder waitingForwarded = exchanges.forwarded(waiting.packetId());
        NotifyBuilder batchTaken = exchanges.batchesTaken(1);
        NotifyBuilder batchProcessed = exchanges.batchesProcessed(1);
        env.editConfig(hub, UNREACHABLE_FLOOR, NO_FLOOR); // space is back
        Exchanges.await(waitingForwarded, PATIENCE, "the packet that waited on the device forwarded");
        assertEquals(PacketState.FORWARDED, state(hub, waiting));
        Exchanges.await(batchProcessed, PATIENCE, "the batch that waited at the ministry processed");
        assertTrue(hub.printJobs().find("PRR-3310-F000001")
                .map(j -> j.state() == PrintJobState.PENDING || j.state() == PrintJobState.QUEUED).orElse(false));
        Exchanges.await(batchTaken, PATIENCE, "the batch taken from the ministry"); // removed there once it is safe here
        assertFalse(Files.exists(batch));
        assertFalse(disk().get("intakePaused").asBoolean());
        assertTrue(disk().get("since").isNull());
    }
}
