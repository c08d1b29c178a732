package id.ektp.hub.up;

import static id.ektp.hub.testing.HubTestEnvironment.names;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import id.ektp.hub.runtime.Hub;
import id.ektp.hub.sandbox.packets.PacketDefect;
import id.ektp.hub.sandbox.packets.PacketSpec;
import id.ektp.hub.spool.Spool;
import id.ektp.hub.store.PacketState;
import id.ektp.hub.store.QuarantineEntry;
import id.ektp.hub.testing.HubTestEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The UP flow end to end: device SFTP outbox → hub → ministry SFTP inbox, over real SSH. */
class UpFlowTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @TempDir
    Path root;
    HubTestEnvironment env;
    Hub hub;

    @BeforeEach
    void start() throws Exception {
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        hub = env.startHub();
    }

    @AfterEach
    void stop() {
        env.close();
    }

    static PacketSpec.Builder packet(String kecamatan, String device, int seq) {
        return PacketSpec.builder().kecamatanCode(kecamatan).deviceId(device).sequence(seq).seed(seq * 31L + device.hashCode());
    }

    @Test
    void validPacketReachesTheMinistryByteIdenticalAndLeavesTheDevice() throws Exception {
        PacketSpec spec = packet("33.10.05", "CWS01", 1).build();
        Path sent = env.drop(spec);
        String deviceSha = Spool.sha256Of(sent);

        Path arrived = env.ministryInbox().resolve(spec.packetId() + ".zip");
        await().atMost(PATIENCE).until(() -> Files.exists(arrived));
        assertEquals(deviceSha, Spool.sha256Of(arrived), "the ministry gets the device's bytes");
        await().atMost(PATIENCE).until(() -> names(env.outbox("CWS01")).isEmpty());
        await().atMost(PATIENCE).until(() -> hub.packets().find(spec.packetId())
                .map(r -> r.state() == PacketState.FORWARDED).orElse(false));
        assertEquals(deviceSha, hub.packets().find(spec.packetId()).orElseThrow().sha256());
        assertEquals(List.of(spec.packetId() + ".zip"), names(env.ministryInbox()), "no temp file left behind");
        // Removed when the forwarding exchange completes, just after FORWARDED is recorded.
        await().atMost(PATIENCE).untilAsserted(() ->
                assertEquals(List.of(), names(env.dataDir().resolve("spool/outbound")), "forwarded payload is not kept"));
    }

    @Test
    void aZipWithoutItsDoneMarkerIsNotTouched() throws Exception {
        PacketSpec unfinished = packet("33.10.05", "CWS01", 2).build();
        Path half = env.packetFactory().write(unfinished, env.outbox("CWS01"));
        byte[] before = Files.readAllBytes(half);
        // A finished packet from the same device, dropped after: once it has gone through,
        // the device has been polled with the unfinished one present.
        PacketSpec finished = packet("33.10.05", "CWS01", 3).build();
        env.drop(finished);

        await().atMost(PATIENCE).until(() -> Files.exists(env.ministryInbox().resolve(finished.packetId() + ".zip")));
        assertTrue(Files.exists(half));
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(half)), "left exactly as it was");
        assertTrue(hub.packets().find(unfinished.packetId()).isEmpty());

        env.packetFactory().writeDone(half); // the device finishes writing
        await().atMost(PATIENCE).until(() -> Files.exists(env.ministryInbox().resolve(unfinished.packetId() + ".zip")));
    }

    @Test
    void eachKindOfBadPacketIsQuarantinedWithItsReason() throws Exception {
        Map<PacketDefect, RejectReason> cases = Map.of(
                PacketDefect.CHECKSUM_MISMATCH, RejectReason.CHECKSUM_MISMATCH,
                PacketDefect.TRUNCATED, RejectReason.CORRUPT_ZIP,
                PacketDefect.NOT_A_ZIP, RejectReason.CORRUPT_ZIP,
                PacketDefect.WRONG_KECAMATAN, RejectReason.WRONG_ORIGIN,
                PacketDefect.ZIP_SLIP, RejectReason.UNSAFE_ENTRY_NAME,
                PacketDefect.MALFORMED_MANIFEST, RejectReason.MALFORMED_MANIFEST,
                PacketDefect.UNKNOWN_SCHEMA, RejectReason.UNKNOWN_SCHEMA,
                PacketDefect.INVALID_NIK, RejectReason.INVALID_NIK,
                PacketDefect.ZIP_BOMB, RejectReason.TOO_LARGE,
                PacketDefect.UNLISTED_LOCAL_ENTRY, RejectReason.AMBIGUOUS_ZIP);
        Map<String, RejectReason> expected = new java.util.HashMap<>();
        int seq = 100;
        for (Map.Entry<PacketDefect, RejectReason> c : cases.entrySet()) {
            PacketSpec spec = packet("33.10.06", "TRC01", seq++).defect(c.getKey()).build();
            env.drop(spec);
            expected.put(spec.packetId(), c.getValue());
        }
        PacketSpec good = packet("33.10.06", "TRC01", seq).build();
        env.drop(good);

        // An entry is recorded, then its file moved in: wait for both.
        await().atMost(PATIENCE).until(() -> hub.quarantine().held().size() == expected.size()
                && hub.quarantine().held().stream().allMatch(e ->
                        Files.exists(env.dataDir().resolve("quarantine").resolve(e.fileName()))));
        Map<String, String> reasons = hub.quarantine().held().stream()
                .collect(Collectors.toMap(QuarantineEntry::subjectId, QuarantineEntry::reason));
        expected.forEach((id, reason) -> assertEquals(reason.name(), reasons.get(id), id));
        for (QuarantineEntry entry : hub.quarantine().held()) {
            assertTrue(Files.exists(env.dataDir().resolve("quarantine").resolve(entry.fileName())),
                    "the rejected file is kept: " + entry.fileName());
            assertFalse(entry.detail().isBlank());
            assertEquals("33.10.06/TRC01", entry.source());
            assertEquals(PacketState.QUARANTINED, hub.packets().find(entry.subjectId()).orElseThrow().state());
        }
        await().atMost(PATIENCE).until(() -> Files.exists(env.ministryInbox().resolve(good.packetId() + ".zip")));
        assertEquals(List.of(good.packetId() + ".zip"), names(env.ministryInbox()), "only the good one is forwarded");
        await().atMost(PATIENCE).until(() -> names(env.outbox("TRC01")).isEmpty());
    }

    @Test
    void aFileNameThatIsNoPacketIdIsQuarantinedNotLeftOrDropped() throws Exception {
        Path junk = env.outbox("CWS01").resolve("holiday-photos.zip");
        Files.write(junk, new byte[] {1, 2, 3});
        Files.createFile(env.outbox("CWS01").resolve("holiday-photos.zip.done"));

        await().atMost(PATIENCE).until(() -> hub.quarantine().held().size() == 1);
        QuarantineEntry entry = hub.quarantine().held().get(0);
        assertEquals("PACKET_ID_MISMATCH", entry.reason());
        assertEquals("holiday-photos.zip", entry.subjectId());
        await().atMost(PATIENCE).until(() -> names(env.outbox("CWS01")).isEmpty());
    }

    @Test
    void aPacketIdSeenBeforeIsNeverForwardedTwice() throws Exception {
        PacketSpec original = packet("33.10.05", "CWS01", 7).build();
        Path first = env.drop(original);
        byte[] originalBytes = Files.readAllBytes(first);
        Path arrived = env.ministryInbox().resolve(original.packetId() + ".zip");
        await().atMost(PATIENCE).until(() -> Files.exists(arrived));
        Files.delete(arrived); // the ministry took it
        await().atMost(PATIENCE).until(() -> names(env.outbox("CWS01")).isEmpty());

        // The device sends the very same packet again (it lost track): taken off the device, not forwarded.
        Files.write(env.outbox("CWS01").resolve(original.fileName()), originalBytes);
        Files.createFile(env.outbox("CWS01").resolve(original.fileName() + ".done"));
        await().atMost(PATIENCE).until(() -> names(env.outbox("CWS01")).isEmpty());

        // A different packet under the same id: quarantined as a duplicate id.
        PacketSpec impostor = original.toBuilder().seed(999).build();
        env.drop(impostor);
        await().atMost(PATIENCE).until(() -> hub.quarantine().held().size() == 1);
        QuarantineEntry dup = hub.quarantine().held().get(0);
        assertEquals("DUPLICATE_PACKET_ID", dup.reason());
        assertEquals(original.packetId(), dup.subjectId());
        await().atMost(PATIENCE).until(() -> names(env.outbox("CWS01")).isEmpty());

        assertEquals(List.of(), names(env.ministryInbox()), "nothing forwarded a second time");
        assertEquals(PacketState.FORWARDED, hub.packets().find(original.packetId()).orElseThrow().state(),
                "the original record is untouched");
    }
}
