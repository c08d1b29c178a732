package id.ektp.hub.store;

import id.ektp.hub.codes.UntrustedText;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The quarantine table: what was rejected, why, and whether an operator has acted on it. */
public final class QuarantineRecords {
    private final HubStore store;
    private final Clock clock;

    public QuarantineRecords(HubStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /**
     * Records {@code entry} as held (again, if a crash interrupted an earlier attempt: the same
     * input always yields the same quarantine id). Joins the caller's transaction if any. The
     * subject and detail may quote what a peer sent (a file name, a field): they are kept as
     * {@link UntrustedText}, whatever flow the item comes from.
     */
    public QuarantineEntry hold(String quarantineId, String flow, String subjectId, String fileName,
                                String source, String reason, String detail) {
        Instant now = clock.instant();
        String shownSubject = UntrustedText.forLog(subjectId);
        String shownDetail = UntrustedText.sentence(detail);
        QuarantineEntry entry = new QuarantineEntry(quarantineId, flow, shownSubject, fileName, source,
                reason, shownDetail, now, QuarantineEntry.HELD);
        store.transact(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO quarantine(quarantine_id, flow, subject_id, file_name, source, reason,
                                           detail, quarantined_at, state)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'HELD')
                    ON CONFLICT(quarantine_id) DO UPDATE SET reason = excluded.reason,
                      detail = excluded.detail, state = 'HELD'""")) {
                ps.setString(1, quarantineId);
                ps.setString(2, flow);
                ps.setString(3, shownSubject);
                ps.setString(4, fileName);
                ps.setString(5, source);
                ps.setString(6, reason);
                ps.setString(7, shownDetail);
                ps.setString(8, now.toString());
                ps.executeUpdate();
            }
            Audit.append(c, now, subject(quarantineId), "HELD", reason + ": " + shownDetail);
            return null;
        });
        return entry;
    }

    public Optional<QuarantineEntry> find(String quarantineId) {
        return store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM quarantine WHERE quarantine_id = ?")) {
                ps.setString(1, quarantineId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(entry(rs)) : Optional.empty();
                }
            }
        });
    }

    /** Items still held, oldest first. */
    public List<QuarantineEntry> held() {
        return store.read(c -> {
            List<QuarantineEntry> result = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT * FROM quarantine WHERE state = 'HELD' ORDER BY quarantined_at, quarantine_id");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.add(entry(rs));
                }
            }
            return result;
        });
    }

    /** The newest {@code limit} items still held, newest first: what a page shows (the index serves it). */
    public List<QuarantineEntry> heldNewest(int limit) {
        return store.read(c -> {
            List<QuarantineEntry> result = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM quarantine WHERE state = 'HELD'"
                    + " ORDER BY quarantined_at DESC, quarantine_id DESC LIMIT ?")) {
                ps.setInt(1, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        result.add(entry(rs));
                    }
                }
            }
            return result;
        });
    }

    /** How many items are held per reason, counted by the store rather than by reading them all. */
    public java.util.Map<String, Integer> heldByReason() {
        return store.read(c -> {
            java.util.Map<String, Integer> counts = new java.util.TreeMap<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT reason, COUNT(*) FROM quarantine WHERE state = 'HELD' GROUP BY reason");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    counts.put(rs.getString(1), rs.getInt(2));
                }
            }
            return counts;
        });
    }

    /**
     * How many items were ever quarantined per flow ({@code UP}, {@code DOWN}, {@code ACROSS}),
     * held, released or dropped: only ever grows, as a Prometheus counter must.
     */
    public java.util.Map<String, Integer> everByFlow() {
        return store.read(c -> {
            java.util.Map<String, Integer> counts = new java.util.TreeMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT flow, COUNT(*) FROM quarantine GROUP BY flow");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    counts.put(rs.getString(1), rs.getInt(2));
                }
            }
            return counts;
        });
    }

    /** Every item, held or not, oldest first: what the audit listing shows. */
    public List<QuarantineEntry> all() {
        return store.read(c -> {
            List<QuarantineEntry> result = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT * FROM quarantine ORDER BY quarantined_at, quarantine_id");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.add(entry(rs));
                }
            }
            return result;
        });
    }

    /**
     * HELD → RELEASED, with an audit line; false (and nothing written) when the item is not
     * held, so two releases can never both go ahead. Joins the caller's transaction, so the
     * flow's own state change commits with it.
     */
    public boolean release(String quarantineId, String detail) {
        return leave(quarantineId, QuarantineEntry.RELEASED, detail);
    }

    /** HELD → DROPPED, with an audit line (the trail outlives the file); false when not held. */
    public boolean drop(String quarantineId, String detail) {
        return leave(quarantineId, QuarantineEntry.DROPPED, detail);
    }

    /**
     * A release found the item still invalid: it stays held, now showing the reason found this
     * time (which may differ from the first), and the attempt is in the audit trail.
     */
    public void stillHeld(String quarantineId, String reason, String detail) {
        Instant now = clock.instant();
        String shownDetail = UntrustedText.sentence(detail);
        store.transact(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE quarantine SET reason = ?, detail = ? WHERE quarantine_id = ? AND state = 'HELD'")) {
                ps.setString(1, reason);
                ps.setString(2, shownDetail);
                ps.setString(3, quarantineId);
                ps.executeUpdate();
            }
            Audit.append(c, now, subject(quarantineId), "RECHECKED", "still invalid: " + reason + ": " + shownDetail);
            return null;
        });
    }

    /** One line of an item's audit trail. */
    public record TrailLine(Instant at, String event, String detail) {}

    /** What happened to an item, in order: held, rechecked, released or dropped. */
    public List<TrailLine> trail(String quarantineId) {
        return store.read(c -> {
            List<TrailLine> result = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT at, event, detail FROM audit WHERE subject = ? ORDER BY seq")) {
                ps.setString(1, subject(quarantineId));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        result.add(new TrailLine(Instant.parse(rs.getString(1)), rs.getString(2), rs.getString(3)));
                    }
                }
            }
            return result;
        });
    }

    private boolean leave(String quarantineId, String state, String detail) {
        Instant now = clock.instant();
        return store.transact(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE quarantine SET state = ? WHERE quarantine_id = ? AND state = 'HELD'")) {
                ps.setString(1, state);
                ps.setString(2, quarantineId);
                if (ps.executeUpdate() != 1) {
                    return false;
                }
            }
            Audit.append(c, now, subject(quarantineId), state, detail);
            return true;
        });
    }

    private static String subject(String quarantineId) {
        return "quarantine:" + quarantineId;
    }

    private static QuarantineEntry entry(ResultSet rs) throws SQLException {
        return new QuarantineEntry(rs.getString("quarantine_id"), rs.getString("flow"),
                rs.getString("subject_id"), rs.getString("file_name"), rs.getString("source"),
                rs.getString("reason"), rs.getString("detail"),
                Instant.parse(rs.getString("quarantined_at")), rs.getString("state"));
    }

}
