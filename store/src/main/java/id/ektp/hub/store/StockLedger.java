package id.ektp.hub.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The blank card ledger: append-only events, each with an idempotency {@code ref}, and the
 * on-hand figure derived from them (never stored). Also the allocations the ministry announced
 * and the stock requests the hub has open. Every method joins the caller's transaction, so a
 * ledger event and the report it raises commit together.
 */
public final class StockLedger {
    /** What moves blanks. */
    public enum Kind {
        /** Blanks of an announced allocation confirmed arrived (+). */
        ARRIVAL,
        /** A print result, PRINTED or FAILED: one blank used (−1). */
        PRINT,
        /** Unused blanks destroyed (−). Printed cards destroyed were already counted at print. */
        DESTRUCTION
    }

    public record Allocation(String allocationId, int quantity, String serialFrom, String serialTo,
                             String shippedAt, Instant announcedAt, Integer received, Instant receivedAt) {}

    public record StockRequest(String requestId, String kind, String reason, int quantity, String target,
                               Instant createdAt, Instant closedAt) {}

    private final HubStore store;

    public StockLedger(HubStore store) {
        this.store = store;
    }

    /** Appends an event; false (and nothing written) if {@code ref} was recorded before. */
    public boolean append(Instant at, Kind kind, int delta, String ref, String detail) {
        return store.transact(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO stock_event(at, kind, delta, ref, detail) VALUES (?, ?, ?, ?, ?) ON CONFLICT(ref) DO NOTHING")) {
                ps.setString(1, at.toString());
                ps.setString(2, kind.name());
                ps.setInt(3, delta);
                ps.setString(4, ref);
                ps.setString(5, detail);
                boolean added = ps.executeUpdate() == 1;
                if (added) {
                    Audit.append(c, at, "stock", kind.name(), delta + " (" + ref + ")" + (detail == null ? "" : ": " + detail));
                }
                return added;
            }
        });
    }

    public boolean hasEvent(String ref) {
        return store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM stock_event WHERE ref = ?")) {
                ps.setString(1, ref);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    public long onHand() {
        return store.read(c -> scalar(c, "SELECT COALESCE(SUM(delta), 0) FROM stock_event"));
    }

    /** Blanks used by print results in {@code [from, to)}. */
    public long printedBetween(Instant from, Instant to) {
        return store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT COUNT(*) FROM stock_event WHERE kind = 'PRINT' AND at >= ? AND at < ?")) {
                ps.setString(1, from.toString());
                ps.setString(2, to.toString());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : 0L;
                }
            }
        });
    }

    /** Records an announced allocation; false if its id was announced before. */
    public boolean announce(Allocation a) {
        return store.transact(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO allocation(allocation_id, quantity, serial_from, serial_to, shipped_at, announced_at)
                    VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(allocation_id) DO NOTHING""")) {
                ps.setString(1, a.allocationId());
                ps.setInt(2, a.quantity());
                ps.setString(3, a.serialFrom());
                ps.setString(4, a.serialTo());
                ps.setString(5, a.shippedAt());
                ps.setString(6, a.announcedAt().toString());
                boolean added = ps.executeUpdate() == 1;
                if (added) {
                    Audit.append(c, a.announcedAt(), "allocation:" + a.allocationId(), "ANNOUNCED",
                            a.quantity() + " blanks " + a.serialFrom() + ".." + a.serialTo());
                }
                return added;
            }
        });
    }

    public Optional<Allocation> allocation(String allocationId) {
        return store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM allocation WHERE allocation_id = ?")) {
                ps.setString(1, allocationId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(allocation(rs)) : Optional.empty();
                }
            }
        });
    }

    /** Allocations announced and not yet confirmed, oldest first. */
    public List<Allocation> awaitingArrival() {
        return store.read(c -> {
            List<Allocation> result = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT * FROM allocation WHERE received IS NULL ORDER BY announced_at");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.add(allocation(rs));
                }
            }
            return result;
        });
    }

    public void markReceived(String allocationId, int received, Instant at) {
        store.transact(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE allocation SET received = ?, received_at = ? WHERE allocation_id = ? AND received IS NULL")) {
                ps.setInt(1, received);
                ps.setString(2, at.toString());
                ps.setString(3, allocationId);
                if (ps.executeUpdate() != 1) {
                    throw new SQLException("allocation " + allocationId + " is not awaiting arrival");
                }
            }
            return null;
        });
    }

    public void openRequest(StockRequest r) {
        store.transact(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO stock_request(request_id, kind, reason, quantity, target, created_at)
                    VALUES (?, ?, ?, ?, ?, ?)""")) {
                ps.setString(1, r.requestId());
                ps.setString(2, r.kind());
                ps.setString(3, r.reason());
                ps.setInt(4, r.quantity());
                ps.setString(5, r.target());
                ps.setString(6, r.createdAt().toString());
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Open requests of one kind ({@code REQUEST} or {@code LOAN}) and reason. */
    public List<StockRequest> open(String kind, String reason) {
        return store.read(c -> {
            List<StockRequest> result = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT * FROM stock_request WHERE kind = ? AND reason = ? AND closed_at IS NULL ORDER BY created_at")) {
                ps.setString(1, kind);
                ps.setString(2, reason);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        result.add(new StockRequest(rs.getString("request_id"), rs.getString("kind"),
                                rs.getString("reason"), rs.getInt("quantity"), rs.getString("target"),
                                Instant.parse(rs.getString("created_at")), null));
                    }
                }
            }
            return result;
        });
    }

    /** Every open request, of any kind and reason, newest first. Read-only, for the status page. */
    public List<StockRequest> openRequests() {
        return store.read(c -> {
            List<StockRequest> result = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT * FROM stock_request WHERE closed_at IS NULL ORDER BY created_at DESC");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.add(new StockRequest(rs.getString("request_id"), rs.getString("kind"),
                            rs.getString("reason"), rs.getInt("quantity"), rs.getString("target"),
                            Instant.parse(rs.getString("created_at")), null));
                }
            }
            return result;
        });
    }

    public void close(String kind, String reason, Instant at) {
        store.transact(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE stock_request SET closed_at = ? WHERE kind = ? AND reason = ? AND closed_at IS NULL")) {
                ps.setString(1, at.toString());
                ps.setString(2, kind);
                ps.setString(3, reason);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Closes the open requests of one kind and reason made before {@code madeBefore}; how many. */
    public int closeMadeBefore(String kind, String reason, Instant madeBefore, Instant at) {
        return store.transact(c -> {
            int closed = 0;
            // Compared as instants, not as text: Instant.toString varies in its fraction digits.
            for (StockRequest r : open(kind, reason)) {
                if (r.createdAt().isBefore(madeBefore)) {
                    try (PreparedStatement ps = c.prepareStatement(
                            "UPDATE stock_request SET closed_at = ? WHERE request_id = ? AND closed_at IS NULL")) {
                        ps.setString(1, at.toString());
                        ps.setString(2, r.requestId());
                        closed += ps.executeUpdate();
                    }
                }
            }
            return closed;
        });
    }

    private static Allocation allocation(ResultSet rs) throws SQLException {
        String receivedAt = rs.getString("received_at");
        Object received = rs.getObject("received");
        return new Allocation(rs.getString("allocation_id"), rs.getInt("quantity"), rs.getString("serial_from"),
                rs.getString("serial_to"), rs.getString("shipped_at"), Instant.parse(rs.getString("announced_at")),
                received == null ? null : ((Number) received).intValue(),
                receivedAt == null ? null : Instant.parse(receivedAt));
    }

    private static long scalar(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0L;
        }
    }
}
