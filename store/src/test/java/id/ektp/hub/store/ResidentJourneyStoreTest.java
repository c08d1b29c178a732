package id.ektp.hub.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import id.ektp.hub.codes.NikKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the store keeps of a resident's journey: the keyed NIK hash instead of the NIK, the receipt
 * each device is owed (newest state, never backwards), the follow-ups and the overdue check.
 */
class ResidentJourneyStoreTest {
    private static final String ID = "331005-CWS01-20261123081500-0001";
    private static final String NIK = "3310054507900001";
    /** Compared as ISO-8601 text, as the store does: later than every receipt of the test. */
    private static final Instant ANY_AGE = Instant.parse("9999-12-31T23:59:59Z");
    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dataDir;

    private final TestClock clock = new TestClock();
    private HubStore store;
    private PacketRecords packets;
    private Receipts receipts;

    @BeforeEach
    void open() throws Exception {
        store = HubStore.open(dataDir);
        packets = new PacketRecords(store, clock, NikIndex.of(NikKey.of(KEY)));
        receipts = new Receipts(store);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private void forward(String packetId, String nik) {
        packets.beginReceiving(packetId, "33.10.05", "CWS01", "a".repeat(64), 100);
        packets.markReceived(packetId);
        packets.markOutbound(packetId, clock.instant(), nik);
        packets.markForwarded(packetId);
    }

    @Test
    void aPacketKeepsTheKeyedHashAndTheMaskedNikNeverTheNik() throws Exception {
        forward(ID, NIK);

        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
        String expected = HexFormat.of().formatHex(mac.doFinal(NIK.getBytes(StandardCharsets.US_ASCII)));
        assertEquals(1, Sql.count(store, "SELECT COUNT(*) FROM packet WHERE nik_hash = ? AND nik_masked = ?",
                expected, "331005******0001"));
        assertEquals(List.of(), tablesHolding(NIK), "the NIK in clear is nowhere in the store");
    }

    @Test
    void eachStateADeviceIsToldOfIsItsReceiptNewestOnlyAndAFinalAnswerStays() {
        packets.beginReceiving(ID, "33.10.05", "CWS01", "a".repeat(64), 100);
        packets.markReceived(ID);
        assertEquals(List.of(), receipts.unsent("331005-CWS01", clock.instant(), 10), "a HELD receipt settles first");
        Receipts.Receipt held = receipts.unsent("331005-CWS01", ANY_AGE, 10).get(0);
        assertEquals(Receipts.HELD, held.state());

        clock.advance(Duration.ofSeconds(1));
        packets.markQuarantined(ID, "INVALID_NIK: manifest NIK " + NIK + " has month 13");
        Receipts.Receipt quarantined = receipts.find(ID).orElseThrow();
        assertEquals(Receipts.QUARANTINED, quarantined.state());
        assertFalse(quarantined.detail().contains(NIK), quarantined.detail());
        assertTrue(quarantined.detail().contains("331005******0001"), quarantined.detail());
        assertFalse(receipts.sent(held, clock.instant()), "an older state read before the change is not marked sent");

        clock.advance(Duration.ofSeconds(1));
        packets.markOutbound(ID, clock.instant(), NIK); // released
        assertEquals(Receipts.HELD, receipts.find(ID).orElseThrow().state());
        clock.advance(Duration.ofSeconds(1));
        packets.markForwarded(ID);
        Receipts.Receipt forwarded = receipts.find(ID).orElseThrow();
        assertEquals(Receipts.FORWARDED, forwarded.state());
        assertEquals(List.of(forwarded), receipts.unsent("331005-CWS01", ANY_AGE, 10), "one receipt per packet: the newest");
        assertTrue(receipts.sent(forwarded, clock.instant()));
        assertEquals(List.of(), receipts.unsent("331005-CWS01", ANY_AGE, 10));

        store.transact(c -> {
            Receipts.raise(c, clock.instant(), ID, "331005-CWS01", "DUPLICATE", "already recorded");
            Receipts.raise(c, clock.instant(), ID, "331005-CWS01", Receipts.FORWARDED, "again");
            Receipts.raise(c, clock.instant(), ID, "331005-CWS01", "ENROLLED", "later");
            return null;
        });
        assertEquals("DUPLICATE", receipts.find(ID).orElseThrow().state(), "final, never replaced");
        assertEquals(1, receipts.unsentByDevice().get("331005-CWS01").count());
    }

    @Test
    void overdueIsFoundOncePerPacketThroughThePartialIndex() {
        forward(ID, NIK);
        String other = "331005-CWS01-20261123081500-0002";
        forward(other, "3310054507900002");
        FollowUps followUps = new FollowUps(store);
        PacketResults results = new PacketResults(store);
        results.record(other, "ENROLLED", "2026-11-25T10:02:00+07:00", null, clock.instant());
        clock.advance(Duration.ofDays(15));

        Instant cutoff = clock.instant().minus(Duration.ofDays(14));
        assertEquals(List.of(ID), followUps.overdue(cutoff, 10).stream().map(FollowUps.Overdue::packetId).toList());
        followUps.open(ID, FollowUps.OVERDUE, "33.10.05", clock.instant(), "no answer", clock.instant());
        assertEquals(List.of(), followUps.overdue(cutoff, 10), "reported once");
        assertTrue(queryPlan("SELECT p.packet_id FROM packet p WHERE p.forwarded_at IS NOT NULL"
                + " AND (p.result_status IS NULL OR p.result_status = 'RECEIVED') AND p.forwarded_at < '2030'")
                .contains("packet_awaiting_result"));

        results.record(ID, "DUPLICATE", "2026-12-09T10:00:00+07:00", "{}", clock.instant());
        followUps.open(ID, FollowUps.DUPLICATE, "33.10.05", clock.instant(), "come in", clock.instant());
        assertEquals(List.of(FollowUps.DUPLICATE), followUps.open().stream().map(FollowUps.FollowUp::kind).toList());
        assertEquals("331005******0001", followUps.open().get(0).nikMasked());
        // The resident records again and is enrolled: the follow-up is done.
        String again = "331005-CWS01-20261210081500-0003";
        forward(again, NIK);
        assertEquals(List.of(ID), followUps.closeEarlierOf(again, clock.instant()));
        assertEquals(List.of(), followUps.open());
    }

    @Test
    void printJobsMadeBeforeAKeyAreHashedAtTheStartAndAgainWhenTheKeyChanges() {
        PrintJobs unkeyed = new PrintJobs(store, clock);
        unkeyed.create("PRR-3310-000000001", "b-1", "33.10.05", NIK, "{}");
        forward(ID, NIK);
        NikIndex first = NikIndex.of(NikKey.of(KEY));
        assertEquals(1, first.start(store, clock));
        assertEquals(0, first.start(store, clock), "hashed once");
        assertEquals(1, Sql.count(store, "SELECT COUNT(*) FROM print_job WHERE nik_hash = ? AND nik_masked = ?",
                first.hash(NIK), "331005******0001"));

        NikIndex second = NikIndex.of(NikKey.of("another key, also thirty-two bytes".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(1, second.start(store, clock));
        assertEquals(1, Sql.count(store, "SELECT COUNT(*) FROM print_job WHERE nik_hash = ?", second.hash(NIK)));
        assertEquals(0, Sql.count(store, "SELECT COUNT(*) FROM packet WHERE nik_hash IS NOT NULL"),
                "a packet hashed under the old key cannot be hashed again: its NIK is gone");
        assertNull(NikIndex.NONE.hash(NIK));
    }

    private String queryPlan(String sql) {
        return store.read(c -> {
            StringBuilder plan = new StringBuilder();
            try (PreparedStatement ps = c.prepareStatement("EXPLAIN QUERY PLAN " + sql); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    plan.append(rs.getString("detail")).append('\n');
                }
            }
            return plan.toString();
        });
    }

    /** Every table.column whose text holds {@code needle}. */
    private List<String> tablesHolding(String needle) {
        return store.read(c -> {
            List<String> found = new ArrayList<>();
            for (String table : Sql.tables(store)) {
                List<String> columns = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("PRAGMA table_info(" + table + ")"); ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        columns.add(rs.getString("name"));
                    }
                }
                for (String column : columns) {
                    try (PreparedStatement ps = c.prepareStatement(
                            "SELECT COUNT(*) FROM " + table + " WHERE CAST(" + column + " AS TEXT) LIKE ?")) {
                        ps.setString(1, "%" + needle + "%");
                        try (ResultSet rs = ps.executeQuery()) {
                            if (rs.getLong(1) > 0) {
                                found.add(table + "." + column);
                            }
                        }
                    }
                }
            }
            return found;
        });
    }
}
