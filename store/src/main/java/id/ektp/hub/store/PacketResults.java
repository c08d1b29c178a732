package id.ektp.hub.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The ministry's result for each forwarded packet ({@code ektp.packet-result/1}), on the packet's
 * row: its status, the ministry's time, and what the status carries ({@code duplicateOf} or
 * {@code reason}, as JSON). Each result taken is also a line in the packet's audit trail
 * ({@code MINISTRY_<STATUS>}). Which result may replace which is the caller's rule; methods join
 * the caller's transaction.
 */
public final class PacketResults {
    /** A packet's current result: {@code at} as the ministry wrote it, {@code detail} JSON or null. */
    public record Result(String status, String at, String detail, Instant recordedAt) {
        public boolean isFinal() {
            return Receipts.FINAL.contains(status);
        }
    }

    private final HubStore store;

    public PacketResults(HubStore store) {
        this.store = store;
    }

    public Optional<Result> find(String packetId) {
        return store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT result_status, result_at, result_detail, result_recorded_at FROM packet WHERE packet_id = ?")) {
                ps.setString(1, packetId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? result(rs) : Optional.empty();
                }
            }
        });
    }

    /** Records {@code status} as the packet's result, with its audit line. */
    public void record(String packetId, String status, String at, String detail, Instant now) {
        store.transact(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE packet SET result_status = ?, result_at = ?, result_detail = ?, result_recorded_at = ?
                    WHERE packet_id = ?""")) {
                ps.setString(1, status);
                ps.setString(2, at);
                ps.setString(3, detail);
                ps.setString(4, now.toString());
                ps.setString(5, packetId);
                if (ps.executeUpdate() != 1) {
                    throw new SQLException("no packet " + packetId + " to record a result for");
                }
            }
            Audit.append(c, now, "packet:" + packetId, "MINISTRY_" + status,
                    "at " + at + (detail == null ? "" : " " + detail));
            return null;
        });
    }

    /** A result that changed nothing (repeated, or behind the packet's final one), in the trail only. */
    public void ignored(String packetId, String status, String at, String why, Instant now) {
        store.transact(c -> {
            Audit.append(c, now, "packet:" + packetId, "MINISTRY_" + status + "_IGNORED", "at " + at + ": " + why);
            return null;
        });
    }

    /** Forwarded packets by result status ({@code NONE}: not answered yet). */
    public Map<String, Long> forwardedByStatus() {
        return store.read(c -> {
            Map<String, Long> counts = new TreeMap<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT COALESCE(result_status, 'NONE'), COUNT(*) FROM packet WHERE state = 'FORWARDED' GROUP BY 1");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    counts.put(rs.getString(1), rs.getLong(2));
                }
            }
            return counts;
        });
    }

    private static Optional<Result> result(ResultSet rs) throws SQLException {
        String status = rs.getString(1);
        if (status == null) {
            return Optional.empty();
        }
        String recorded = rs.getString(4);
        return Optional.of(new Result(status, rs.getString(2), rs.getString(3),
                recorded == null ? null : Instant.parse(recorded)));
    }
}
