package id.ektp.hub.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;

/**
 * The append-only audit trail: every state change and operator action, kept after the
 * payload itself is gone (a dropped quarantine item stays here).
 */
public final class Audit {
    private Audit() {}

    /** Appends inside the caller's transaction, so the trail and the change commit together. */
    public static void append(Connection c, Instant at, String subject, String event, String detail)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO audit(at, subject, event, detail) VALUES (?, ?, ?, ?)")) {
            ps.setString(1, at.toString());
            ps.setString(2, subject);
            ps.setString(3, event);
            ps.setString(4, detail);
            ps.executeUpdate();
        }
    }
}
