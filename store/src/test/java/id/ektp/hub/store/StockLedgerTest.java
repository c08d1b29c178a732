package id.ektp.hub.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import id.ektp.hub.store.StockLedger.Allocation;
import id.ektp.hub.store.StockLedger.Kind;
import id.ektp.hub.store.StockLedger.StockRequest;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The blank card ledger as StockKeeper uses it: append-only events, each counted once by its
 * ref, the figure on hand always their sum; allocations announced, then confirmed once.
 */
class StockLedgerTest {
    private static final Instant T0 = Instant.parse("2026-03-02T01:00:00.123456Z");

    @TempDir
    Path dataDir;

    private HubStore store;
    private StockLedger ledger;

    @BeforeEach
    void open() throws Exception {
        store = HubStore.open(dataDir);
        ledger = new StockLedger(store);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void onHandIsTheSumOfArrivalsUsageAndDestructionAndSurvivesAReopen() throws Exception {
        assertEquals(0, ledger.onHand());
        ledger.append(T0, Kind.ARRIVAL, 500, "arrival:ALLOC-1", "500 of 500 announced");
        for (int i = 1; i <= 3; i++) {
            ledger.append(T0.plusSeconds(i), Kind.PRINT, -1, "print:PRR-" + i, null);
        }
        ledger.append(T0.plusSeconds(60), Kind.DESTRUCTION, -7, "destruction:2026-02:2026-03-01", "witness Camat");
        assertEquals(490, ledger.onHand());

        store.close();
        store = HubStore.open(dataDir);
        ledger = new StockLedger(store);
        assertEquals(490, ledger.onHand());
        assertEquals(5, Sql.count(store, "SELECT COUNT(*) FROM stock_event"), "every event kept, none folded");
    }

    @Test
    void anEventWhoseRefWasRecordedBeforeCountsOnce() {
        assertTrue(ledger.append(T0, Kind.PRINT, -1, "print:PRR-1|BLK1|at", null));
        assertFalse(ledger.append(T0.plusSeconds(5), Kind.PRINT, -1, "print:PRR-1|BLK1|at", null),
                "the same result read twice");
        assertEquals(-1, ledger.onHand());
        assertTrue(ledger.hasEvent("print:PRR-1|BLK1|at"));
        assertFalse(ledger.hasEvent("print:PRR-2|BLK2|at"));
        assertEquals(1, Sql.auditEvents(store, "stock").size(), "one audit line, for the one event");
    }

    @Test
    void anAnnouncedAllocationAwaitsArrivalUntilConfirmedAndIsConfirmedOnce() {
        assertTrue(ledger.announce(allocation("ALLOC-1", 500, T0)));
        assertTrue(ledger.announce(allocation("ALLOC-2", 200, T0.plusSeconds(60))));
        assertEquals(List.of("ALLOC-1", "ALLOC-2"), ledger.awaitingArrival().stream().map(Allocation::allocationId).toList());

        ledger.markReceived("ALLOC-1", 498, T0.plusSeconds(3600));
        assertEquals(List.of("ALLOC-2"), ledger.awaitingArrival().stream().map(Allocation::allocationId).toList());

        StoreException twice = assertThrows(StoreException.class,
                () -> ledger.markReceived("ALLOC-1", 500, T0.plusSeconds(7200)));
        assertTrue(twice.getMessage().contains("allocation ALLOC-1 is not awaiting arrival"), twice.getMessage());
        Allocation confirmed = ledger.allocation("ALLOC-1").orElseThrow();
        assertEquals(498, confirmed.received(), "the first confirmation stands");
        assertEquals(T0.plusSeconds(3600), confirmed.receivedAt());
    }

    @Test
    void anAllocationNeverAnnouncedCannotBeConfirmed() {
        StoreException refused = assertThrows(StoreException.class,
                () -> ledger.markReceived("ALLOC-404", 10, T0));
        assertTrue(refused.getMessage().contains("allocation ALLOC-404 is not awaiting arrival"), refused.getMessage());
        assertTrue(ledger.allocation("ALLOC-404").isEmpty());
    }

    @Test
    void anAllocationAnnouncedAgainKeepsItsFirstAnnouncement() {
        assertTrue(ledger.announce(allocation("ALLOC-1", 500, T0)));
        assertFalse(ledger.announce(allocation("ALLOC-1", 900, T0.plusSeconds(60))), "the message redelivered, or altered");
        assertEquals(500, ledger.allocation("ALLOC-1").orElseThrow().quantity());
        assertEquals(List.of("ANNOUNCED"), Sql.auditEvents(store, "allocation:ALLOC-1"));
    }

    @Test
    void aConfirmationThatFailsBeforeItsCommitLeavesTheAllocationAwaitingAndStockUnchanged() {
        // StockKeeper.confirmArrival: the mark and the ARRIVAL event in one transaction.
        ledger.announce(allocation("ALLOC-1", 500, T0));
        assertThrows(IllegalStateException.class, () -> store.transact(c -> {
            ledger.markReceived("ALLOC-1", 500, T0.plusSeconds(60));
            ledger.append(T0.plusSeconds(60), Kind.ARRIVAL, 500, "arrival:ALLOC-1", null);
            throw new IllegalStateException("power cut before the commit");
        }));
        assertEquals(List.of("ALLOC-1"), ledger.awaitingArrival().stream().map(Allocation::allocationId).toList());
        assertEquals(0, ledger.onHand());
        assertFalse(ledger.hasEvent("arrival:ALLOC-1"), "so the confirmation can be made again");
    }

    @Test
    void printedBetweenCountsPrintEventsFromTheStartUpToButNotIncludingTheEnd() {
        ledger.append(T0, Kind.ARRIVAL, 100, "arrival:A", null);
        ledger.append(T0, Kind.PRINT, -1, "print:at-start", null);
        ledger.append(T0.plusSeconds(30), Kind.PRINT, -1, "print:inside", null);
        ledger.append(T0.plusSeconds(60), Kind.PRINT, -1, "print:at-end", null);
        ledger.append(T0.plusSeconds(30), Kind.DESTRUCTION, -3, "destruction:x", null);
        assertEquals(2, ledger.printedBetween(T0, T0.plusSeconds(60)));
    }

    /**
     * FINDING (not fixed here): printedBetween compares instants as text, and Instant.toString
     * drops a zero fraction ("…:00Z" sorts after "…:00.500Z"), so an event in the same second
     * as a bound on a whole second is counted on the wrong side. Effect: the 7-day usage figure
     * behind days of cover may be off by the prints of one second at its edges. closeMadeBefore
     * already compares as instants for this reason.
     */
    @Test
    @Disabled("finding: printedBetween compares instants as text; see the comment")
    void printedBetweenComparesInstantsNotTheirText() {
        Instant wholeSecond = Instant.parse("2026-03-02T01:00:00Z");
        ledger.append(wholeSecond.plusMillis(500), Kind.PRINT, -1, "print:half-a-second-later", null);
        assertEquals(1, ledger.printedBetween(wholeSecond, wholeSecond.plusSeconds(1)));
    }

    @Test
    void openRequestsCloseByKindAndReasonAndByWhenTheyWereMade() {
        Instant wholeSecond = Instant.parse("2026-03-02T01:00:00Z");
        ledger.openRequest(new StockRequest("REQ-1", "REQUEST", "MANUAL", 100, null, wholeSecond, null));
        ledger.openRequest(new StockRequest("REQ-2", "REQUEST", "MANUAL", 100, null, wholeSecond.plusSeconds(3600), null));
        ledger.openRequest(new StockRequest("LOAN-1", "LOAN", "CRITICAL", 50, "3311", wholeSecond, null));

        // made before an allocation announced half a second later: as text "…:00Z" is after "…:00.500Z"
        assertEquals(1, ledger.closeMadeBefore("REQUEST", "MANUAL", wholeSecond.plusMillis(500), wholeSecond.plusSeconds(60)));
        assertEquals(List.of("REQ-2"), ledger.open("REQUEST", "MANUAL").stream().map(StockRequest::requestId).toList());
        assertEquals(List.of("LOAN-1", "REQ-2"), ledger.openRequests().stream().map(StockRequest::requestId).sorted().toList());

        ledger.close("LOAN", "CRITICAL", wholeSecond.plusSeconds(120));
        assertEquals(List.of("REQ-2"), ledger.openRequests().stream().map(StockRequest::requestId).toList());
    }

    private static Allocation allocation(String id, int quantity, Instant announcedAt) {
        return new Allocation(id, quantity, "BLK2026A0000001", "BLK2026A0000500", "2026-03-01", announcedAt, null, null);
    }
}
