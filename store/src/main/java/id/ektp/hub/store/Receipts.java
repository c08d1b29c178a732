package id.ektp.hub.store;

import id.ektp.hub.codes.Nik;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What each device is owed (ICD §1, "Receipts to devices"): one row per packet holding the
 * newest state to write to {@code <receiptsDir>/<packetId>.receipt.json}, and whether it has
 * been written. A state change raises its receipt in the same transaction ({@link #raise}), so
 * a receipt is never lost to a crash, and it waits here while the device is down.
 */
public final class Receipts {
    public static final String HELD = "HELD";
    public static final String QUARANTINED = "QUARANTINED";
    public static final String FORWARDED = "FORWARDED";
    /** The ministry's answers: once one is written, no state of the hub's own replaces it. */
    public static final Set<String> FINAL = Set.of("ENROLLED", "DUPLICATE", "REJECTED");

    /** One receipt: the state a device is told, when it changed, and in words. */
    public record Receipt(String packetId, String deviceKey, String state, Instant at, String detail, Instant sentAt) {}

    private final HubStore store;

    public Receipts(HubStore store) {
        this.store = store;
    }

    /**
     * Makes {@code state} the receipt owed for {@code packetId}, in the caller's transaction: the
     * newest state only, and never backwards (a final answer of the ministry stays). The detail
     * is masked: no NIK reaches a device.
     */
    public static void raise(Connection c, Instant at, String packetId, String deviceKey, String state, String detail)
            throws SQLException {
        String masked = Nik.maskAll(detail);
        try (PreparedStatement ps = c.prepareStatement("SELECT state, detail FROM receipt WHERE packet_id = ?")) {
            ps.setString(1, packetId);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next() && (FINAL.contains(rs.getString(1))
                        || rs.getString(1).equals(state) && Objects.equals(rs.getString(2), masked))) {
                    return;
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO receipt(packet_id, device_key, state, at, detail, sent_at) VALUES (?, ?, ?, ?, ?, NULL)
                ON CONFLICT(packet_id) DO UPDATE SET device_key = excluded.device_key, state = excluded.state,
                  at = excluded.at, detail = excluded.detail, sent_at = NULL""")) {
            ps.setString(1, packetId);
            ps.setString(2, deviceKey);
            ps.setString(3, state);
            ps.setString(4, at.toString());
            ps.setString(5, masked);
            ps.executeUpdate();
        }
    }

    /**
     * The oldest {@code limit} receipts not yet written to the device {@code deviceKey}; a HELD one
     * only once it is older than {@code heldBefore}: a packet forwarded soon after it was taken
     * then gets one receipt (FORWARDED) instead of two, half the writes to its device.
     */
    public List<Receipt> unsent(String deviceKey, Instant heldBefore, int limit) {
        return store.read(c -> {
            List<Receipt> result = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM receipt WHERE device_key = ? AND sent_at IS NULL"
                    + " AND (state <> 'HELD' OR at < ?) ORDER BY at LIMIT ?")) {
                ps.setString(1, deviceKey);
                ps.setString(2, heldBefore.toString());
                ps.setInt(3, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        result.add(receipt(rs));
                    }
                }
            }
            return result;
        });
    }

    /**
     * Marks {@code receipt} written, unless a newer state was raised since it was read: that one
     * is still owed, and goes at the next pass. Whether it was marked.
     */
    public boolean sent(Receipt receipt, Instant now) {
        return store.transact(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE receipt SET sent_at = ? WHERE packet_id = ? AND state = ? AND at = ? AND sent_at IS NULL")) {
                ps.setString(1, now.toString());
                ps.setString(2, receipt.packetId());
                ps.setString(3, receipt.state());
                ps.setString(4, receipt.at().toString());
                return ps.executeUpdate() == 1;
            }
        });
    }

    public Optional<Receipt> find(String packetId) {
        return store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM receipt WHERE packet_id = ?")) {
                ps.setString(1, packetId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(receipt(rs)) : Optional.empty();
                }
            }
        });
    }

    /** Receipts waiting per device key (only devices with some). */
    public Map<String, Backlog> unsentByDevice() {
        return store.read(c -> {
            Map<String, Backlog> result = new TreeMap<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT device_key, COUNT(*), MIN(at) FROM receipt WHERE sent_at IS NULL GROUP BY device_key");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.put(rs.getString(1), new Backlog(rs.getLong(2), Instant.parse(rs.getString(3))));
                }
            }
            return result;
        });
    }

    private static Receipt receipt(ResultSet rs) throws SQLException {
        String sent = rs.getString("sent_at");
        return new Receipt(rs.getString("packet_id"), rs.getString("device_key"), rs.getString("state"),
                Instant.parse(rs.getString("at")), rs.getString("detail"), sent == null ? null : Instant.parse(sent));
    }
}
