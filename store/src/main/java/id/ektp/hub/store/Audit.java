package id.ektp.hub.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

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

    /** One line of a subject's trail. */
    public record Line(Instant at, String event, String detail) {}

    /** Every line of {@code subject} ({@code packet:<id>}, {@code prr:<id>}), oldest first. */
    public static List<Line> trail(Connection c, String subject) throws SQLException {
        List<Line> lines = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT at, event, detail FROM audit WHERE subject = ? ORDER BY seq")) {
            ps.setString(1, subject);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    lines.add(new Line(Instant.parse(rs.getString(1)), rs.getString(2), rs.getString(3)));
                }
            }
        }
        return lines;
    }
}
