package id.ektp.hub.up;

import static id.ektp.hub.testing.HubTestEnvironment.names;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import id.ektp.hub.observe.DiskFloor;
import id.ektp.hub.runtime.Hub;
import id.ektp.hub.sandbox.packets.PacketSpec;
import id.ektp.hub.store.QuarantineEntry;
import id.ektp.hub.testing.HubTestEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the device intake refuses to take, and the room it keeps on the hub's disk. */
class IntakeLimitsTest {
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

    private static PacketSpec spec(int seq) {
        return PacketSpec.builder().kecamatanCode("33.10.05").deviceId("CWS01").sequence(seq)
                .capturedAt(MORNING.plusMinutes(seq)).targetBytes(32 * 1024).seed(seq * 7919L).build();
    }

    /**
     * ICD section 1: a device's packet is the device's until the hub holds it whole. A file larger
     * than any packet within {@code limits.maxPacketBytes} is not downloaded (its size is in the
     * listing), not removed, and recorded in quarantine and reported once, however many polls see it.
     */
    @Test
    void aFileLargerThanAnyPacketStaysWholeOnTheDeviceAndIsQuarantinedAndReportedOnce() throws Exception {
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES)
                .withExtraYaml("limits: {maxPacketBytes: 4194304}\n");
        String name = spec(1).packetId() + ".zip";
        byte[] oversize = new byte[(5 * 1024 + 512) * 1024];
        new Random(1).nextBytes(oversize);
        Path zip = Files.write(env.outbox("CWS01").resolve(name), oversize);
        Path done = Files.writeString(env.outbox("CWS01").resolve(name + ".done"), "");
        Hub hub = env.startHub();

        await().atMost(Duration.ofSeconds(30)).until(() -> hub.quarantine().held().stream()
                .anyMatch(q -> q.subjectId().equals(name)));
        for (int seq = 2; seq <= 3; seq++) { // later polls, each proven by a packet taken after it
            PacketSpec next = spec(seq);
            env.drop(next);
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(env.ministryInbox().resolve(next.fileName())));
        }
        List<QuarantineEntry> held = hub.quarantine().held();
        assertEquals(1, held.size(), held.toString());
        assertEquals("TOO_LARGE", held.get(0).reason());
        assertTrue(held.get(0).detail().contains("left on the device"), held.get(0).detail());
        assertEquals(1, hub.outbox().pending(100).stream().filter(m -> m.body().contains("PACKET_REJECTED")).count(),
                "reported once");
        assertTrue(Files.exists(zip) && Files.exists(done), "both files stay on the device");
        assertEquals(oversize.length, Files.size(zip));
        assertFalse(names(env.ministryInbox()).contains(name));
        assertTrue(hub.packets().find(spec(1).packetId()).isEmpty(), "no packet row: it can be taken later, whole");
    }

    /**
     * The floor is checked before each file, counting the bytes other intakes are downloading at
     * the same moment, not once per poll of up to 1,000 packets.
     */
    @Test
    void eachFileReservesItsRoomAboveTheFloorWhileItIsInFlight() throws Exception {
        long free = Files.getFileStore(root).getUsableSpace();
        long room = 512L * 1024 * 1024;
        // A floor that leaves about 512 MiB; the free space of a shared disk moves a little.
        DiskFloor floor = new DiskFloor(root, () -> free - room, Clock.systemUTC());
        IntakeRoom.Held first = floor.reserve(room / 2);
        assertNotNull(first);
        assertNull(floor.reserve(room / 2 + 64L * 1024 * 1024), "the first file's bytes count against the room");
        first.close();
        IntakeRoom.Held again = floor.reserve(room / 2 + 64L * 1024 * 1024);
        assertNotNull(again, "room is back once the first file is on the disk");
        again.close();
    }
}
