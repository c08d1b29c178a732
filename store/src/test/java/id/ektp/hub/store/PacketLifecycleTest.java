package id.ektp.hub.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A packet's states as the UP flow moves it (PacketIntake, PacketValidation, PacketQuarantine,
 * PacketRelease, PacketForwarding): RECEIVING → RECEIVED → OUTBOUND → FORWARDED, or into
 * QUARANTINED and out again to OUTBOUND. A step redone after a crash marks the same state
 * again; FORWARDED is final.
 */
class PacketLifecycleTest {
    private static final String ID = "331005-CWS01-20260302T011500-0001";
    private static final String SHA = "a".repeat(64);
    private static final Instant CAPTURED = Instant.parse("2026-03-02T01:15:00Z");

    @TempDir
    Path dataDir;

    private final TestClock clock = new TestClock();
    private HubStore store;
    private PacketRecords packets;

    @BeforeEach
    void open() throws Exception {
        store = HubStore.open(dataDir);
        packets = new PacketRecords(store, clock);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void aValidPacketGoesFromReceivingToForwardedWithAnAuditLinePerStep() {
        assertTrue(packets.beginReceiving(ID, "33.10.05", "CWS01", SHA, 4096));
        assertEquals(PacketState.RECEIVING, state());
        packets.markReceived(ID);
        assertEquals(PacketState.RECEIVED, state());
        clock.advance(Duration.ofSeconds(3));
        packets.markOutbound(ID, CAPTURED);
        assertEquals(PacketState.OUTBOUND, state());
        packets.markForwarded(ID);

        PacketRecord forwarded = packets.find(ID).orElseThrow();
        assertEquals(PacketState.FORWARDED, forwarded.state());
        assertEquals(CAPTURED, forwarded.capturedAt(), "the capture time set at OUTBOUND is kept");
        assertEquals(clock.instant(), forwarded.updatedAt());
        assertEquals(Instant.parse("2026-03-02T01:15:00.250Z"), forwarded.receivedAt());
        assertEquals(List.of("RECEIVED", "OUTBOUND", "FORWARDED"), Sql.auditEvents(store, "packet:" + ID));
    }

    @Test
    void aQuarantinedPacketCanBeReleasedToOutboundAndForwarded() {
        received();
        packets.markQuarantined(ID, "CHECKSUM_MISMATCH: photo.jpg");
        assertEquals("CHECKSUM_MISMATCH: photo.jpg", packets.find(ID).orElseThrow().detail());
        packets.markOutbound(ID, CAPTURED);
        packets.markForwarded(ID);
        assertEquals(PacketState.FORWARDED, state());
        assertEquals("CHECKSUM_MISMATCH: photo.jpg", packets.find(ID).orElseThrow().detail(),
                "the reason it was held stays on the record");
    }

    /**
     * Every mark from every state. "moves": the packet is in the new state with an audit line;
     * "stays": nothing happens, silently (markReceived only ever finishes RECEIVING); "refused":
     * a StoreException and nothing written.
     */
    @ParameterizedTest(name = "{0} then {1}: {2}")
    @CsvSource({
            // RECEIVING: a download being placed; validation may overtake markReceived
            "RECEIVING,   RECEIVED,    moves",
            "RECEIVING,   OUTBOUND,    moves",
            "RECEIVING,   QUARANTINED, moves",
            "RECEIVING,   FORWARDED,   refused",
            "RECEIVED,    RECEIVED,    stays",
            "RECEIVED,    OUTBOUND,    moves",
            "RECEIVED,    QUARANTINED, moves",
            "RECEIVED,    FORWARDED,   refused",
            // OUTBOUND again: validation redone after a crash between the commit and the move;
            // QUARANTINED: that redo found it invalid under rules changed meanwhile
            "OUTBOUND,    RECEIVED,    stays",
            "OUTBOUND,    OUTBOUND,    moves",
            "OUTBOUND,    QUARANTINED, moves",
            "OUTBOUND,    FORWARDED,   moves",
            // QUARANTINED → OUTBOUND: an operator's release; never forwarded straight from quarantine
            "QUARANTINED, RECEIVED,    stays",
            "QUARANTINED, OUTBOUND,    moves",
            "QUARANTINED, QUARANTINED, moves",
            "QUARANTINED, FORWARDED,   refused",
            // FORWARDED is final: the payload is gone and the ministry has the id
            "FORWARDED,   RECEIVED,    stays",
            "FORWARDED,   OUTBOUND,    refused",
            "FORWARDED,   QUARANTINED, refused",
            "FORWARDED,   FORWARDED,   moves",
    })
    void eachMarkFromEachState(PacketState from, PacketState mark, String outcome) {
        packetIn(from);
        int auditBefore = Sql.auditEvents(store, "packet:" + ID).size();
        clock.advance(Duration.ofSeconds(1));

        switch (outcome) {
            case "moves" -> {
                mark(mark);
                assertEquals(mark, state());
                assertEquals(auditBefore + 1, Sql.auditEvents(store, "packet:" + ID).size());
            }
            case "stays" -> {
                mark(mark);
                assertEquals(from, state());
                assertEquals(auditBefore, Sql.auditEvents(store, "packet:" + ID).size());
            }
            case "refused" -> {
                StoreException refused = assertThrows(StoreException.class, () -> mark(mark));
                assertTrue(refused.getMessage().contains("packet " + ID + " is " + from + ": it cannot be marked " + mark),
                        refused.getMessage());
                PacketRecord after = packets.find(ID).orElseThrow();
                assertEquals(from, after.state());
                assertTrue(after.updatedAt().isBefore(clock.instant()), "not even the time was touched");
                assertEquals(auditBefore, Sql.auditEvents(store, "packet:" + ID).size());
            }
            default -> throw new IllegalArgumentException(outcome);
        }
    }

    @Test
    void aDownloadLeftReceivingByACrashIsTakenOverWithTheNewDownloadsHash() {
        assertTrue(packets.beginReceiving(ID, "33.10.05", "CWS01", "0".repeat(64), 10));
        assertTrue(packets.beginReceiving(ID, "33.10.05", "CWS01", SHA, 4096));
        PacketRecord record = packets.find(ID).orElseThrow();
        assertEquals(PacketState.RECEIVING, record.state());
        assertEquals(SHA, record.sha256());
        assertEquals(4096, record.size());
    }

    @ParameterizedTest(name = "a packet {0} is not received again")
    @CsvSource({"RECEIVED", "OUTBOUND", "QUARANTINED", "FORWARDED"})
    void aPacketHeldInAnyLaterStateIsNotReceivedAgain(PacketState state) {
        packetIn(state);
        assertFalse(packets.beginReceiving(ID, "33.10.06", "TRC01", "b".repeat(64), 1));
        PacketRecord record = packets.find(ID).orElseThrow();
        assertEquals(state, record.state());
        assertEquals(SHA, record.sha256(), "the first packet's hash is kept: a duplicate is told apart by it");
        assertEquals("CWS01", record.deviceId());
    }

    @Test
    void aPacketTheStoreHasNoRowForCannotBeMarked() {
        StoreException refused = assertThrows(StoreException.class, () -> packets.markOutbound(ID, CAPTURED));
        assertTrue(refused.getMessage().contains("no packet " + ID + " to mark OUTBOUND"), refused.getMessage());
        assertTrue(packets.find(ID).isEmpty());
    }

    @Test
    void aRefusedQuarantineOfAForwardedPacketTakesItsQuarantineRowAndReportBackWithIt() {
        // PacketQuarantine holds the item, marks the packet and raises the report in one transaction.
        packetIn(PacketState.FORWARDED);
        QuarantineRecords quarantine = new QuarantineRecords(store, clock);
        Outbox outbox = new Outbox(store, clock);
        assertThrows(StoreException.class, () -> store.transact(c -> {
            quarantine.hold(ID, "UP", ID, "packets/" + ID + ".zip", "33.10.05/CWS01", "CHECKSUM_MISMATCH", "late");
            packets.markQuarantined(ID, "CHECKSUM_MISMATCH");
            outbox.raise("EKTP.REPORT", "PACKET_REJECTED", "{}");
            return null;
        }));
        assertTrue(quarantine.find(ID).isEmpty());
        assertEquals(0, outbox.backlog().count());
        assertEquals(PacketState.FORWARDED, state());
    }

    @Test
    void theBacklogCountsPacketsPerStateWithTheOldestArrival() {
        packetIn(PacketState.OUTBOUND);
        Instant firstArrival = packets.find(ID).orElseThrow().receivedAt();
        clock.advance(Duration.ofMinutes(5));
        packets.beginReceiving("331005-CWS01-20260302T011600-0002", "33.10.05", "CWS01", SHA, 1);
        packets.markReceived("331005-CWS01-20260302T011600-0002");
        packets.markOutbound("331005-CWS01-20260302T011600-0002", CAPTURED);

        Map<PacketState, Backlog> backlog = packets.backlog();
        assertEquals(new Backlog(2, firstArrival), backlog.get(PacketState.OUTBOUND));
        assertEquals(Backlog.EMPTY, backlog.get(PacketState.FORWARDED));
        assertEquals(PacketState.values().length, backlog.size(), "every state is listed, empty ones too");
    }

    @Test
    void theLatestPacketOfADeviceIsItsNewestIdSentByItself() {
        packets.beginReceiving("331005-CWS01-20260302T011500-0001", "33.10.05", "CWS01", SHA, 1);
        packets.beginReceiving("331005-CWS01-20260302T090000-0002", "33.10.05", "CWS01", SHA, 1);
        packets.beginReceiving("331005-CWS010-20260302T100000-0001", "33.10.05", "CWS010", SHA, 1);
        // sent by CWS02 under an id naming CWS01 (quarantined as such): not CWS01's, though its id sorts last
        packets.beginReceiving("331005-CWS01-20260302T230000-0009", "33.10.05", "CWS02", SHA, 1);

        assertEquals("331005-CWS01-20260302T090000-0002",
                packets.latestFrom("33.10.05", "CWS01").orElseThrow().packetId());
        assertTrue(packets.latestFrom("33.10.05", "CWS03").isEmpty());
    }

    private PacketState state() {
        return packets.find(ID).orElseThrow().state();
    }

    private void received() {
        packets.beginReceiving(ID, "33.10.05", "CWS01", SHA, 4096);
        packets.markReceived(ID);
    }

    /** Brings the packet into {@code state} the way the flow does. */
    private void packetIn(PacketState state) {
        packets.beginReceiving(ID, "33.10.05", "CWS01", SHA, 4096);
        switch (state) {
            case RECEIVING -> { }
            case RECEIVED -> packets.markReceived(ID);
            case OUTBOUND -> {
                packets.markReceived(ID);
                packets.markOutbound(ID, CAPTURED);
            }
            case QUARANTINED -> {
                packets.markReceived(ID);
                packets.markQuarantined(ID, "CHECKSUM_MISMATCH");
            }
            case FORWARDED -> {
                packets.markReceived(ID);
                packets.markOutbound(ID, CAPTURED);
                packets.markForwarded(ID);
            }
        }
        assertEquals(state, state());
    }

    private void mark(PacketState state) {
        switch (state) {
            case RECEIVED -> packets.markReceived(ID);
            case OUTBOUND -> packets.markOutbound(ID, CAPTURED);
            case QUARANTINED -> packets.markQuarantined(ID, "CHECKSUM_MISMATCH");
            case FORWARDED -> packets.markForwarded(ID);
            default -> throw new IllegalArgumentException("no mark to " + state);
        }
    }
}
