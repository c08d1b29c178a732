package id.ektp.hub.store;

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
     * input always yields the same quarantine id). Joins the caller's transaction if any.
     */
    public QuarantineEntry hold(String quarantineId, String flow, String subjectId, String fileName,
                                String source, String reason, String detail) {
        Instant now = clock.instant();
        QuarantineEntry entry = new QuarantineEntry(quarantineId, flow, subjectId, fileName, source,
                reason, detail, now, QuarantineEntry.HELD);
        store.transact(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO quarantine(quarantine_id, flow, subject_id, file_name, source, reason,
                                           detail, quarantined_at, state)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'HELD')
                    ON CONFLICT(quarantine_id) DO UPDATE SET reason = excluded.reason,
                      detail = excluded.detail, state = 'HELD'""")) {
                ps.setString(1, quarantineId);
                ps.setString(2, flow);
                ps.setString(3, subjectId);
                ps.setString(4, fileName);
                ps.setString(5, source);
                ps.setString(6, reason);
                ps.setString(7, detail);
                ps.setString(8, now.toString());
                ps.executeUpdate();
            }
            Audit.append(c, now, "quarantine:" + quarantineId, "HELD", reason + ": " + detail);
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

    private static QuarantineEntry entry(ResultSet rs) throws SQLException {
        return new QuarantineEntry(rs.getString("quarantine_id"), rs.getString("flow"),
                rs.getString("subject_id"), rs.getString("file_name"), rs.getString("source"),
                rs.getString("reason"), rs.getString("detail"),
                Instant.parse(rs.getString("quarantined_at")), rs.getString("state"));
    }

}
