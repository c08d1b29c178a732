package id.ektp.hub.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outbox as OutboxRelay drains it: oldest first (so order per queue holds), each row
 * marked sent once the broker has it, and everything not yet sent still there after a
 * restart, under the id it was raised with.
 */
class OutboxOrderTest {
    @TempDir
    Path dataDir;

    private final TestClock clock = new TestClock();
    private HubStore store;
    private Outbox outbox;

    @BeforeEach
    void open() throws Exception {
        store = HubStore.open(dataDir);
        outbox = new Outbox(store, clock);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void messagesComeOutInTheOrderRaisedAcrossAndWithinQueues() {
        List<String> raised = List.of(
                raise("EKTP.REPORT", "1"), raise("EKTP.STOCK", "2"), raise("EKTP.REPORT", "3"),
                raise("EKTP.NOTIFY.PICKUP", "4"), raise("EKTP.REPORT", "5"));

        List<OutboxMessage> pending = outbox.pending(100);
        assertEquals(raised, pending.stream().map(OutboxMessage::messageId).toList());
        assertEquals(List.of("1", "3", "5"),
                pending.stream().filter(m -> m.queue().equals("EKTP.REPORT")).map(OutboxMessage::body).toList());
        assertEquals(raised.subList(0, 2), outbox.pending(2).stream().map(OutboxMessage::messageId).toList(),
                "a limited read is the oldest ones");
    }

    @Test
    void aSentMessageLeavesThePendingListAndTheNextOneIsTheHead() {
        raise("EKTP.REPORT", "1");
        String second = raise("EKTP.REPORT", "2");
        outbox.markSent(outbox.pending(1).get(0).seq());

        List<OutboxMessage> pending = outbox.pending(10);
        assertEquals(List.of(second), pending.stream().map(OutboxMessage::messageId).toList());
        assertEquals(1, outbox.backlog().count());
    }

    @Test
    void aMessageIsMarkedSentOnlyOnce() {
        raise("EKTP.REPORT", "1");
        long seq = outbox.pending(1).get(0).seq();
        outbox.markSent(seq);
        Instant firstSent = clock.instant();
        clock.advance(Duration.ofMinutes(3));
        // a second mark (a redelivered exchange) must not rewrite when it was sent or count an attempt
        outbox.markSent(seq);

        Outbox.Raised row = outbox.recent("EKTP.REPORT", 1, 100).get(0);
        assertEquals(firstSent, row.sentAt());
        assertEquals(1, row.attempts());
    }

    @Test
    void refusedAttemptsAreCountedAndTheMessageStaysPendingUntilSent() {
        raise("EKTP.REPORT", "1");
        long seq = outbox.pending(1).get(0).seq();
        assertEquals(1, outbox.refused(seq, "Could not connect to broker URL: tcp://ministry:61617"));
        assertEquals(2, outbox.refused(seq, "Could not connect to broker URL: tcp://ministry:61617"));

        assertEquals(2, outbox.pending(1).get(0).attempts());
        assertEquals("Could not connect to broker URL: tcp://ministry:61617",
                outbox.recent("EKTP.REPORT", 1, 100).get(0).lastError());
        outbox.markSent(seq);
        Outbox.Raised sent = outbox.recent("EKTP.REPORT", 1, 100).get(0);
        assertEquals(3, sent.attempts());
        assertNull(sent.lastError(), "the error of a message since sent is not shown");
        assertEquals(List.of(), outbox.pending(10));
    }

    @Test
    void pendingMessagesSurviveAReopenWithTheirIdsAndOrder() throws Exception {
        raise("EKTP.REPORT", "1");
        raise("EKTP.STOCK", "2");
        raise("EKTP.REPORT", "3");
        outbox.markSent(outbox.pending(1).get(0).seq());
        List<OutboxMessage> before = outbox.pending(10);
        store.close();

        store = HubStore.open(dataDir);
        outbox = new Outbox(store, clock);
        assertEquals(before, outbox.pending(10), "same rows, same seq, same EktpMessageId, same order");
        String later = raise("EKTP.REPORT", "4");
        List<OutboxMessage> after = outbox.pending(10);
        assertEquals(later, after.get(after.size() - 1).messageId(), "raised after the restart: sent after them");
        assertTrue(after.get(after.size() - 1).seq() > before.get(before.size() - 1).seq());
    }

    @Test
    void aMessageIdIsRaisedOnlyOnce() {
        outbox.raise("fixed-id", "EKTP.REPORT", "TEST", "first");
        StoreException refused = assertThrows(StoreException.class,
                () -> outbox.raise("fixed-id", "EKTP.REPORT", "TEST", "second"));
        assertTrue(refused.getMessage().contains("UNIQUE"), refused.getMessage());
        assertEquals(List.of("first"), outbox.pending(10).stream().map(OutboxMessage::body).toList());
        assertEquals(List.of("RAISED"), Sql.auditEvents(store, "message:fixed-id"), "no audit line for the refused one");
    }

    @Test
    void aMessageRaisedInATransactionThatFailsIsNeverSent() {
        // The outbox's promise: a message commits with the change it reports, or neither does.
        StockLedger ledger = new StockLedger(store);
        assertThrows(IllegalStateException.class, () -> store.transact(c -> {
            ledger.append(clock.instant(), StockLedger.Kind.DESTRUCTION, -5, "destruction:2026-02", null);
            outbox.raise("EKTP.STOCK", "DESTRUCTION_REPORT", "{}");
            throw new IllegalStateException("the disk filled up before the commit");
        }));
        assertEquals(List.of(), outbox.pending(10));
        assertEquals(0, ledger.onHand());
    }

    @Test
    void recentShowsTheNewestOfAQueueWithinTheWindow() {
        raise("EKTP.REPORT", "1");
        raise("EKTP.REPORT", "2");
        raise("EKTP.STOCK", "3");
        raise("EKTP.STOCK", "4");
        assertEquals(List.of("2", "1"), outbox.recent("EKTP.REPORT", 10, 100).stream().map(Outbox.Raised::body).toList());
        assertEquals(List.of("2"), outbox.recent("EKTP.REPORT", 10, 3).stream().map(Outbox.Raised::body).toList(),
                "only the last 3 raised are looked at");
    }

    private String raise(String queue, String body) {
        clock.advance(Duration.ofMillis(10));
        return outbox.raise(queue, "TEST", body);
    }
}
