package id.ektp.hub.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A quarantined item as QuarantineDesk and the flows move it: HELD, then RELEASED or DROPPED
 * by an operator, exactly once; a failed release keeps it HELD with the new reason; the
 * audit trail outlives the item.
 */
class QuarantineLifecycleTest {
    @TempDir
    Path dataDir;

    private final TestClock clock = new TestClock();
    private HubStore store;
    private QuarantineRecords quarantine;

    @BeforeEach
    void open() throws Exception {
        store = HubStore.open(dataDir);
        quarantine = new QuarantineRecords(store, clock);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void aHeldItemIsReleasedOnceAndThenNeitherReleasedNorDroppedAgain() {
        hold("q-1", "CHECKSUM_MISMATCH");
        assertTrue(quarantine.release("q-1", "checked again: valid"));
        // two operators clicking at once: only one release goes ahead
        assertFalse(quarantine.release("q-1", "checked again: valid"));
        assertFalse(quarantine.drop("q-1", "dropped by an operator"));

        assertEquals(QuarantineEntry.RELEASED, quarantine.find("q-1").orElseThrow().state());
        assertEquals(List.of("HELD", "RELEASED"), events("q-1"));
        assertEquals(List.of(), quarantine.held());
    }

    @Test
    void aDroppedItemCannotBeReleasedAndKeepsItsTrail() {
        hold("q-1", "CHECKSUM_MISMATCH");
        assertTrue(quarantine.drop("q-1", "dropped by an operator"));
        assertFalse(quarantine.release("q-1", "checked again: valid"));
        assertEquals(QuarantineEntry.DROPPED, quarantine.find("q-1").orElseThrow().state());
        assertEquals(List.of("HELD", "DROPPED"), events("q-1"));
    }

    @Test
    void anItemNeverHeldCannotBeReleasedOrDropped() {
        assertFalse(quarantine.release("q-404", "x"));
        assertFalse(quarantine.drop("q-404", "x"));
        assertEquals(List.of(), events("q-404"));
    }

    @Test
    void aReleaseThatFindsItStillInvalidKeepsItHeldUnderTheNewReason() {
        hold("q-1", "PACKET_TOO_LARGE");
        quarantine.stillHeld("q-1", "CHECKSUM_MISMATCH", "photo.jpg does not match its checksum");

        QuarantineEntry entry = quarantine.find("q-1").orElseThrow();
        assertEquals(QuarantineEntry.HELD, entry.state());
        assertEquals("CHECKSUM_MISMATCH", entry.reason());
        assertEquals(List.of("HELD", "RECHECKED"), events("q-1"));
        assertEquals(Map.of("CHECKSUM_MISMATCH", 1), quarantine.heldByReason());
    }

    @Test
    void stillHeldDoesNotReopenAnItemAlreadyReleased() {
        hold("q-1", "PACKET_TOO_LARGE");
        quarantine.release("q-1", "checked again: valid");
        quarantine.stillHeld("q-1", "CHECKSUM_MISMATCH", "a late recheck");
        QuarantineEntry entry = quarantine.find("q-1").orElseThrow();
        assertEquals(QuarantineEntry.RELEASED, entry.state());
        assertEquals("PACKET_TOO_LARGE", entry.reason());
    }

    @Test
    void theSameInputHeldAgainIsOneItemHeldWithTheLatestReason() {
        // PacketQuarantine redone after a crash (or the same bad file sent again): same id, one row.
        hold("q-1", "PACKET_TOO_LARGE");
        quarantine.drop("q-1", "dropped by an operator");
        clock.advance(Duration.ofHours(1));
        hold("q-1", "CHECKSUM_MISMATCH");

        assertEquals(1, quarantine.all().size());
        QuarantineEntry entry = quarantine.find("q-1").orElseThrow();
        assertEquals(QuarantineEntry.HELD, entry.state());
        assertEquals("CHECKSUM_MISMATCH", entry.reason());
        assertEquals(List.of("HELD", "DROPPED", "HELD"), events("q-1"));
    }

    @Test
    void heldItemsAreListedOldestFirstAndTheNewestPageNewestFirst() {
        hold("q-1", "A");
        clock.advance(Duration.ofMinutes(1));
        hold("q-2", "B");
        clock.advance(Duration.ofMinutes(1));
        hold("q-3", "B");
        quarantine.release("q-2", "valid");

        assertEquals(List.of("q-1", "q-3"), quarantine.held().stream().map(QuarantineEntry::quarantineId).toList());
        assertEquals(List.of("q-3"), quarantine.heldNewest(1).stream().map(QuarantineEntry::quarantineId).toList());
        assertEquals(Map.of("A", 1, "B", 1), quarantine.heldByReason());
    }

    private void hold(String id, String reason) {
        quarantine.hold(id, "UP", "331005-CWS01-20260302T011500-0001", "packets/" + id + ".zip", "33.10.05/CWS01",
                reason, "detail");
    }

    private List<String> events(String id) {
        return quarantine.trail(id).stream().map(QuarantineRecords.TrailLine::event).toList();
    }
}
