package id.ektp.hub.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * What the ministry has been told about each device ({@code DOWN} after a DEVICE_DOWN report,
 * {@code UP} otherwise), so a restart neither repeats a report nor forgets to send DEVICE_UP.
 */
public final class DeviceStates {
    public record Reported(String state, Instant since, String cause) {}

    private final HubStore store;

    public DeviceStates(HubStore store) {
        this.store = store;
    }

    public Map<String, Reported> all() {
        return store.read(c -> {
            Map<String, Reported> result = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM device_state");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.put(rs.getString("device_key"), new Reported(rs.getString("reported"),
                            Instant.parse(rs.getString("since")), rs.getString("cause")));
                }
            }
            return result;
        });
    }

    /** Joins the caller's transaction (the report and the state commit together). */
    public void record(String deviceKey, String state, Instant since, String cause, Instant now) {
        store.transact(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO device_state(device_key, reported, since, cause, updated_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(device_key) DO UPDATE SET reported = excluded.reported, since = excluded.since,
                      cause = excluded.cause, updated_at = excluded.updated_at""")) {
                ps.setString(1, deviceKey);
                ps.setString(2, state);
                ps.setString(3, since.toString());
                ps.setString(4, cause);
                ps.setString(5, now.toString());
                ps.executeUpdate();
            }
            Audit.append(c, now, "device:" + deviceKey, "REPORTED_" + state, cause);
            return null;
        });
    }
}
