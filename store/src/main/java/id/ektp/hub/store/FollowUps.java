package id.ektp.hub.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Who must come in, and what the ministry has not answered: one row per packet that needs a
 * person to act. {@code DUPLICATE} (settle it at the regency office) and {@code REJECTED}
 * (record again) come from the ministry's results; {@code OVERDUE} from the overdue check,
 * raised in the same transaction as its {@code PACKET_OVERDUE} report. A packet has at most one
 * row, ever, so it is reported overdue once, across restarts. Methods join the caller's
 * transaction.
 */
public final class FollowUps {
    public static final String DUPLICATE = "DUPLICATE";
    public static final String REJECTED = "REJECTED";
    public static final String OVERDUE = "OVERDUE";

    /** An open (or closed) follow-up; {@code nikMasked} from the packet, when the hub saw it. */
    public record FollowUp(String packetId, String kind, String kecamatan, String deviceId, Instant since,
                           String detail, String nikMasked, Instant raisedAt, Instant closedAt, String closedBy) {}

    /** A forwarded packet with no final result, forwarded before the cutoff and never reported overdue. */
    public record Overdue(String packetId, String kecamatan, Instant forwardedAt) {}

    private final HubStore store;

    public FollowUps(HubStore store) {
        this.store = store;
    }

    /** Opens (or turns into {@code kind}) the packet's follow-up. */
    public void open(String packetId, String kind, String kecamatan, Instant since, String detail, Instant now) {
        store.transact(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO followup(packet_id, kind, kecamatan, since, detail, raised_at) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT(packet_id) DO UPDATE SET kind = excluded.kind, since = excluded.since,
                      detail = excluded.detail, closed_at = NULL, closed_by = NULL""")) {
                ps.setString(1, packetId);
                ps.setString(2, kind);
                ps.setString(3, kecamatan);
                ps.setString(4, since.toString());
                ps.setString(5, detail);
                ps.setString(6, now.toString());
                ps.executeUpdate();
            }
            Audit.append(c, now, "packet:" + packetId, "FOLLOW_UP_" + kind, detail);
            return null;
        });
    }

    /** Closes the packet's follow-up if it is open; whether it was. */
    public boolean close(String packetId, String by, Instant now) {
        return store.transact(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE followup SET closed_at = ?, closed_by = ? WHERE packet_id = ? AND closed_at IS NULL")) {
                ps.setString(1, now.toString());
                ps.setString(2, by);
                ps.setString(3, packetId);
                if (ps.executeUpdate() != 1) {
                    return false;
                }
            }
            Audit.append(c, now, "packet:" + packetId, "FOLLOW_UP_CLOSED", by);
            return true;
        });
    }

    /**
     * A resident's later packet was enrolled: their open DUPLICATE and REJECTED follow-ups are
     * done. The resident is recognised by the keyed NIK hash, so only with {@code privacy.nikKeyFile}.
     * The packet ids closed.
     */
    public List<String> closeEarlierOf(String enrolledPacketId, Instant now) {
        return store.transact(c -> {
            List<String> ids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT f.packet_id FROM followup f JOIN packet p ON p.packet_id = f.packet_id
                    WHERE p.nik_hash = (SELECT nik_hash FROM packet WHERE packet_id = ?) AND f.packet_id <> ?
                      AND f.closed_at IS NULL AND f.kind IN ('DUPLICATE', 'REJECTED')""")) {
                ps.setString(1, enrolledPacketId);
                ps.setString(2, enrolledPacketId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
            }
            for (String id : ids) {
                close(id, "the resident's packet " + enrolledPacketId + " was ENROLLED", now);
            }
            return ids;
        });
    }

    /** Open follow-ups by kecamatan, then oldest first. */
    public List<FollowUp> open() {
        return store.read(c -> {
            List<FollowUp> result = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT f.*, p.device_id, p.nik_masked FROM followup f LEFT JOIN packet p ON p.packet_id = f.packet_id
                    WHERE f.closed_at IS NULL ORDER BY f.kecamatan, f.since""");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.add(followUp(rs));
                }
            }
            return result;
        });
    }

    public Optional<FollowUp> find(String packetId) {
        return store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT f.*, p.device_id, p.nik_masked FROM followup f LEFT JOIN packet p ON p.packet_id = f.packet_id
                    WHERE f.packet_id = ?""")) {
                ps.setString(1, packetId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(followUp(rs)) : Optional.empty();
                }
            }
        });
    }

    /** Open follow-ups per kind, counted by the store. */
    public Map<String, Long> openByKind() {
        return store.read(c -> {
            Map<String, Long> counts = new TreeMap<>();
            for (String kind : List.of(DUPLICATE, REJECTED, OVERDUE)) {
                counts.put(kind, 0L);
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT kind, COUNT(*) FROM followup WHERE closed_at IS NULL GROUP BY kind");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    counts.put(rs.getString(1), rs.getLong(2));
                }
            }
            return counts;
        });
    }

    /**
     * Forwarded before {@code cutoff}, no final result, never followed up: the packets to report
     * overdue, oldest first. The partial index {@code packet_awaiting_result} holds only packets
     * still waiting for an answer, so this stays cheap however many the ministry has answered.
     */
    public List<Overdue> overdue(Instant cutoff, int limit) {
        return store.read(c -> {
            List<Overdue> result = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT p.packet_id, p.kecamatan, p.forwarded_at FROM packet p
                    WHERE p.forwarded_at IS NOT NULL AND (p.result_status IS NULL OR p.result_status = 'RECEIVED')
                      AND p.forwarded_at < ?
                      AND NOT EXISTS (SELECT 1 FROM followup f WHERE f.packet_id = p.packet_id)
                    ORDER BY p.forwarded_at LIMIT ?""")) {
                ps.setString(1, cutoff.toString());
                ps.setInt(2, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        result.add(new Overdue(rs.getString(1), rs.getString(2), Instant.parse(rs.getString(3))));
                    }
                }
            }
            return result;
        });
    }

    private static FollowUp followUp(ResultSet rs) throws SQLException {
        String closed = rs.getString("closed_at");
        return new FollowUp(rs.getString("packet_id"), rs.getString("kind"), rs.getString("kecamatan"),
                rs.getString("device_id"), Instant.parse(rs.getString("since")), rs.getString("detail"),
                rs.getString("nik_masked"), Instant.parse(rs.getString("raised_at")),
                closed == null ? null : Instant.parse(closed), rs.getString("closed_by"));
    }
}
