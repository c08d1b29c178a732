package id.ektp.hub.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/**
 * Looks at the tables behind the store's API, for what the API does not show (audit lines,
 * the schema version, whether a table exists). Reads through the store's own connection.
 */
final class Sql {
    private Sql() {}

    static long count(HubStore store, String sql, Object... args) {
        return store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) {
                    ps.setObject(i + 1, args[i]);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    static int schemaVersion(HubStore store) {
        return (int) count(store, "PRAGMA user_version");
    }

    /** The events of {@code subject}'s audit trail, oldest first. */
    static List<String> auditEvents(HubStore store, String subject) {
        return store.read(c -> {
            List<String> events = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT event FROM audit WHERE subject = ? ORDER BY seq")) {
                ps.setString(1, subject);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        events.add(rs.getString(1));
                    }
                }
            }
            return events;
        });
    }

    static List<String> tables(HubStore store) {
        return store.read(c -> {
            List<String> names = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
            return names;
        });
    }
}
