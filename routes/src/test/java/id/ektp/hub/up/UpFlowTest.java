package id.ektp.hub.up;

import static id.ektp.hub.testing.Exchanges.await;
import static id.ektp.hub.testing.HubTestEnvironment.names;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import id.ektp.hub.runtime.Hub;
import id.ektp.hub.sandbox.packets.PacketDefect;
import id.ektp.hub.sandbox.packets.PacketSpec;
import id.ektp.hub.spool.Spool;
import id.ektp.hub.store.PacketState;
import id.ektp.hub.store.QuarantineEntry;
import id.ektp.hub.testing.Exchanges;
import id.ektp.hub.testing.HubTestEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.camel.builder.NotifyBuilder;
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
    Exchanges exchanges;

    @BeforeEach
    void start() throws Exception {
        env = HubTestEnvironment.create(root, HubTestEnvironment.TWO_DEVICES);
        hub = env.startHub();
        exchanges = Exchanges.of(hub);
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
        NotifyBuilder taken = exchanges.taken(spec.packetId());
        NotifyBuilder forwarded = exchanges.forwarded(spec.packetId());
        Path sent = env.drop(spec);
        String deviceSha = Spool.sha256Of(sent);

        await(forwarded, PATIENCE, "the packet forwarded");
        Path arrived = env.ministryInbox().resolve(spec.packetId() + ".zip");
        assertTrue(Files.exists(arrived), "in the ministry inbox");
        assertEquals(deviceSha, Spool.sha256Of(arrived), "the ministry gets the device's bytes");
        assertEquals(PacketState.FORWARDED, hub.packets().find(spec.packetId()).orElseThrow().state());
        assertEquals(deviceSha, hub.packets().find(spec.packetId()).orElseThrow().sha256());
        assertEquals(List.of(spec.packetId() + ".zip"), names(env.ministryInbox()), "no temp file left behind");
        assertEquals(List.of(), names(env.dataDir().resolve("spool/outbound")), "forwarded payload is not kept");
        await(taken, PATIENCE, "the packet taken off the device");
        assertEquals(List.of(), names(env.outbox("CWS01")), "removed from the device");
    }

    @Test
    void aZipWithoutItsDoneMarkerIsNotTouched() throws Exception {
        PacketSpec unfinished = packet("33.10.05", "CWS01", 2).build();
        Path half = env.packetFactory().write(unfinished, env.outbox("CWS01"));
        byte[] before = Files.readAllBytes(half);
        // A finished packet from the same device, dropped after: once it has been taken, the
        // device has been polled with the unfinished one present.
        PacketSpec finished = packet("33.10.05", "CWS01", 3).build();
        NotifyBuilder finishedTaken = exchanges.taken(finished.packetId());
        NotifyBuilder finishedForwarded = exchanges.forwarded(finished.packetId());
        env.drop(finished);

        await(finishedTaken, PATIENCE, "the finished packet taken");
        await(finishedForwarded, PATIENCE, "the finished packet forwarded");
        assertTrue(Files.exists(env.ministryInbox().resolve(finished.packetId() + ".zip")));
        assertTrue(Files.exists(half));
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(half)), "left exactly as it was");
        assertTrue(hub.packets().find(unfinished.packetId()).isEmpty());

        NotifyBuilder unfinishedForwarded = exchanges.forwarded(unfinished.packetId());
        env.packetFactory().writeDone(half); // the device finishes writing
        await(unfinishedForwarded, PATIENCE, "the packet forwarded once its .done was written");
        assertTrue(Files.exists(env.ministryInbox().resolve(unfinished.packetId() + ".zip")));
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
        List<PacketSpec> specs = new java.util.ArrayList<>();
        int seq = 100;
        for (Map.Entry<PacketDefect, RejectReason> c : cases.entrySet()) {
            PacketSpec spec = packet("33.10.06", "TRC01", seq++).defect(c.getKey()).build();
            specs.add(spec);
            expected.put(spec.packetId(), c.getValue());
        }
        PacketSpec good = packet("33.10.06", "TRC01", seq).build();
        specs.add(good);
        String[] ids = specs.stream().map(PacketSpec::packetId).toArray(String[]::new);
        NotifyBuilder taken = exchanges.taken(ids);
        NotifyBuilder checked = exchanges.checked(ids);
        NotifyBuilder forwarded = exchanges.forwarded(good.packetId());
        for (PacketSpec spec : specs) {
            env.drop(spec);
        }

        await(checked, PATIENCE, "every packet checked");
        assertEquals(expected.size(), hub.quarantine().held().size(), hub.quarantine().held().toString());
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
        await(forwarded, PATIENCE, "the good packet forwarded");
        assertEquals(List.of(good.packetId() + ".zip"), names(env.ministryInbox()), "only the good one is forwarded");
        await(taken, PATIENCE, "every packet taken off the device");
        assertEquals(List.of(), names(env.outbox("TRC01")));
    }

    @Test
    void aFileNameThatIsNoPacketIdIsQuarantinedNotLeftOrDropped() throws Exception {
        NotifyBuilder taken = exchanges.taken("holiday-photos.zip");
        Path junk = env.outbox("CWS01").resolve("holiday-photos.zip");
        Files.write(junk, new byte[] {1, 2, 3});
        Files.createFile(env.outbox("CWS01").resolve("holiday-photos.zip.done"));

        await(taken, PATIENCE, "the file taken off the device");
        assertEquals(1, hub.quarantine().held().size());
        QuarantineEntry entry = hub.quarantine().held().get(0);
        assertEquals("PACKET_ID_MISMATCH", entry.reason());
        assertEquals("holiday-photos.zip", entry.subjectId());
        assertEquals(List.of(), names(env.outbox("CWS01")));
    }

    @Test
    void aPacketIdSeenBeforeIsNeverForwardedTwice() throws Exception {
        PacketSpec original = packet("33.10.05", "CWS01", 7).build();
        NotifyBuilder taken = exchanges.taken(original.packetId());
        NotifyBuilder forwarded = exchanges.forwarded(original.packetId());
        Path first = env.drop(original);
        byte[] originalBytes = Files.readAllBytes(first);
        Path arrived = env.ministryInbox().resolve(original.packetId() + ".zip");
        await(forwarded, PATIENCE, "the packet forwarded");
        Files.delete(arrived); // the ministry took it
        await(taken, PATIENCE, "the packet taken off the device");
        assertEquals(List.of(), names(env.outbox("CWS01")));

        // The device sends the very same packet again (it lost track): taken off the device, not forwarded.
        NotifyBuilder takenAgain = exchanges.taken(original.packetId());
        Files.write(env.outbox("CWS01").resolve(original.fileName()), originalBytes);
        Files.createFile(env.outbox("CWS01").resolve(original.fileName() + ".done"));
        await(takenAgain, PATIENCE, "the same packet taken off the device again");
        assertEquals(List.of(), names(env.outbox("CWS01")));

        // A different packet under the same id: quarantined as a duplicate id.
        PacketSpec impostor = original.toBuilder().seed(999).build();
        NotifyBuilder impostorTaken = exchanges.taken(impostor.packetId());
        env.drop(impostor);
        await(impostorTaken, PATIENCE, "the other packet under the same id taken off the device");
        assertEquals(1, hub.quarantine().held().size());
        QuarantineEntry dup = hub.quarantine().held().get(0);
        assertEquals("DUPLICATE_PACKET_ID", dup.reason());
        assertEquals(original.packetId(), dup.subjectId());
        assertEquals(List.of(), names(env.outbox("CWS01")));

        assertEquals(List.of(), names(env.ministryInbox()), "nothing forwarded a second time");
        assertEquals(List.of(), names(env.dataDir().resolve("spool/outbound")), "nor waiting to be");
        assertEquals(PacketState.FORWARDED, hub.packets().find(original.packetId()).orElseThrow().state(),
                "the original record is untouched");
    }
}
