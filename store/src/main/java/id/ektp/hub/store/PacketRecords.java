package id.ektp.hub.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The packet table: which packet ids the hub has seen, their content hash and state. Every
 * state a device is told of (held, quarantined, forwarded) raises its receipt in the same
 * transaction ({@link Receipts}): this is the one place a packet's state changes.
 */
public final class PacketRecords {
    static final String HELD_DETAIL = "safe on the hub's disk: it is checked, then forwarded to the ministry";
    static final String RELEASED_DETAIL = "released from quarantine by the regency office: on its way to the ministry";
    static final String FORWARDED_DETAIL = "in the ministry's inbox, waiting for its result";

    private final HubStore store;
    private final Clock clock;
    private final NikIndex nikIndex;

    public PacketRecords(HubStore store, Clock clock) {
        this(store, clock, NikIndex.NONE);
    }

    public PacketRecords(HubStore store, Clock clock, NikIndex nikIndex) {
        this.store = store;
        this.clock = clock;
        this.nikIndex = nikIndex;
    }

    public Optional<PacketRecord> find(String packetId) {
        return store.read(c -> find(c, packetId));
    }

    /**
     * Records that {@code packetId} is about to be placed in {@code received/}. A row left in
     * RECEIVING by a crash is taken over (its download was never acknowledged); any other
     * existing row is left alone and {@code false} returned.
     */
    public boolean beginReceiving(String packetId, String kecamatan, String deviceId, String sha256, long size) {
        Instant now = clock.instant();
        return store.transact(c -> {
            Optional<PacketRecord> existing = find(c, packetId);
            if (existing.isPresent() && existing.get().state() != PacketState.RECEIVING) {
                return false;
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO packet(packet_id, kecamatan, device_id, sha256, size, state, received_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, 'RECEIVING', ?, ?)
                    ON CONFLICT(packet_id) DO UPDATE SET kecamatan = excluded.kecamatan,
                      device_id = excluded.device_id, sha256 = excluded.sha256, size = excluded.size,
                      updated_at = excluded.updated_at""")) {
                ps.setString(1, packetId);
                ps.setString(2, kecamatan);
                ps.setString(3, deviceId);
                ps.setString(4, sha256);
                ps.setLong(5, size);
                ps.setString(6, now.toString());
                ps.setString(7, now.toString());
                ps.executeUpdate();
            }
            return true;
        });
    }

    /**
     * RECEIVING → RECEIVED only: once the file is in {@code received/}, validation may take it
     * and move the packet on before this runs, and a later state must not be overwritten.
     */
    public void markReceived(String packetId) {
        Instant now = clock.instant();
        store.transact(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE packet SET state = 'RECEIVED', updated_at = ? WHERE packet_id = ? AND state = 'RECEIVING'")) {
                ps.setString(1, now.toString());
                ps.setString(2, packetId);
                if (ps.executeUpdate() == 1) {
                    Audit.append(c, now, "packet:" + packetId, PacketState.RECEIVED.name(), null);
                    PacketRecord packet = find(c, packetId).orElseThrow();
                    Receipts.raise(c, now, packetId, deviceKey(packet), Receipts.HELD, HELD_DETAIL);
                }
            }
            return null;
        });
    }

    /**
     * To OUTBOUND (valid, or released from quarantine). This and the two marks below refuse,
     * with a {@link StoreException} and nothing written, a move the life cycle has no place for:
     * see {@code ALLOWED_FROM}.
     */
    public void markOutbound(String packetId, Instant capturedAt) {
        markOutbound(packetId, capturedAt, null);
    }

    /**
     * As {@link #markOutbound(String, Instant)}, keeping the manifest's NIK as the store keeps
     * one: masked, and its keyed hash when {@code privacy.nikKeyFile} is configured.
     */
    public void markOutbound(String packetId, Instant capturedAt, String nik) {
        store.transact(c -> {
            transition(packetId, PacketState.OUTBOUND, capturedAt, null);
            if (nik != null) {
                try (PreparedStatement ps = c.prepareStatement(
                        "UPDATE packet SET nik_hash = ?, nik_masked = ? WHERE packet_id = ?")) {
                    ps.setString(1, nikIndex.hash(nik));
                    ps.setString(2, NikIndex.masked(nik));
                    ps.setString(3, packetId);
                    ps.executeUpdate();
                }
            }
            return null;
        });
    }

    public void markForwarded(String packetId) {
        transition(packetId, PacketState.FORWARDED, null, null);
    }

    /** Joins the caller's transaction when called inside one (quarantine and its row commit together). */
    public void markQuarantined(String packetId, String detail) {
        transition(packetId, PacketState.QUARANTINED, null, detail);
    }

    /** Count and oldest arrival per state. */
    public Map<PacketState, Backlog> backlog() {
        return store.read(c -> {
            Map<PacketState, Backlog> result = new EnumMap<>(PacketState.class);
            for (PacketState s : PacketState.values()) {
                result.put(s, Backlog.EMPTY);
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT state, COUNT(*), MIN(received_at) FROM packet GROUP BY state");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String oldest = rs.getString(3);
                    result.put(PacketState.valueOf(rs.getString(1)),
                            new Backlog(rs.getLong(2), oldest == null ? null : Instant.parse(oldest)));
                }
            }
            return result;
        });
    }

    /**
     * The newest packet a device sent under its own packet id prefix ({@code 331005-CWS01-…}),
     * newest by the capture time its id carries; empty if it has sent none yet. Read-only, for
     * the status page: it walks the primary key's index from the end of the device's prefix,
     * so it stays cheap however many packets the table holds. A packet whose id names another
     * device (quarantined as such) is not counted.
     */
    public Optional<PacketRecord> latestFrom(String kecamatan, String deviceId) {
        String prefix = kecamatan.replace(".", "") + "-" + deviceId + "-";
        return store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT * FROM packet WHERE packet_id >= ? AND packet_id < ? AND kecamatan = ? AND device_id = ?
                    ORDER BY packet_id DESC LIMIT 1""")) {
                ps.setString(1, prefix);
                // '.' follows '-': every id with the prefix sorts below it
                ps.setString(2, prefix.substring(0, prefix.length() - 1) + ".");
                ps.setString(3, kecamatan);
                ps.setString(4, deviceId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(record(rs)) : Optional.empty();
                }
            }
        });
    }

    /**
     * The states each mark may be made from. A step redone after a crash marks the state the
     * packet is already in, and validation may move a packet on before {@link #markReceived}
     * ran (RECEIVING → OUTBOUND or QUARANTINED). FORWARDED is final (the payload is gone from
     * the hub, and the ministry takes an id once), and only a packet waiting in outbound can
     * have been forwarded.
     */
    private static final Map<PacketState, Set<PacketState>> ALLOWED_FROM = Map.of(
            PacketState.OUTBOUND, EnumSet.of(PacketState.RECEIVING, PacketState.RECEIVED,
                    PacketState.QUARANTINED, PacketState.OUTBOUND),
            PacketState.QUARANTINED, EnumSet.of(PacketState.RECEIVING, PacketState.RECEIVED,
                    PacketState.OUTBOUND, PacketState.QUARANTINED),
            PacketState.FORWARDED, EnumSet.of(PacketState.OUTBOUND, PacketState.FORWARDED));

    private void transition(String packetId, PacketState state, Instant capturedAt, String detail) {
        Instant now = clock.instant();
        Set<PacketState> from = ALLOWED_FROM.get(state);
        String placeholders = String.join(", ", Collections.nCopies(from.size(), "?"));
        store.transact(c -> {
            PacketState before = find(c, packetId).map(PacketRecord::state).orElse(null);
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE packet SET state = ?, updated_at = ?,
                      captured_at = COALESCE(?, captured_at), detail = COALESCE(?, detail),
                      forwarded_at = CASE WHEN ? THEN COALESCE(forwarded_at, ?) ELSE forwarded_at END
                    WHERE packet_id = ? AND state IN (%s)""".formatted(placeholders))) {
                ps.setString(1, state.name());
                ps.setString(2, now.toString());
                ps.setString(3, capturedAt == null ? null : capturedAt.toString());
                ps.setString(4, detail);
                ps.setBoolean(5, state == PacketState.FORWARDED);
                ps.setString(6, now.toString());
                ps.setString(7, packetId);
                int i = 8;
                for (PacketState s : from) {
                    ps.setString(i++, s.name());
                }
                if (ps.executeUpdate() != 1) {
                    Optional<PacketRecord> current = find(c, packetId);
                    throw new SQLException(current.isEmpty() ? "no packet " + packetId + " to mark " + state
                            : "packet " + packetId + " is " + current.get().state() + ": it cannot be marked " + state);
                }
            }
            Audit.append(c, now, "packet:" + packetId, state.name(), detail);
            String receipt = switch (state) {
                case QUARANTINED -> Receipts.QUARANTINED;
                case FORWARDED -> Receipts.FORWARDED;
                case OUTBOUND -> before == PacketState.QUARANTINED ? Receipts.HELD : null;
                default -> null;
            };
            if (receipt != null) {
                String text = switch (state) {
                    case QUARANTINED -> "kept in the hub's quarantine: " + detail;
                    case FORWARDED -> FORWARDED_DETAIL;
                    default -> RELEASED_DETAIL;
                };
                Receipts.raise(c, now, packetId, deviceKey(find(c, packetId).orElseThrow()), receipt, text);
            }
            return null;
        });
    }

    /** {@code 331005-CWS01}: the device a packet came from, as receipts and links name it. */
    static String deviceKey(PacketRecord packet) {
        return packet.kecamatan().replace(".", "") + "-" + packet.deviceId();
    }

    /** The packet's trail, oldest first: each state with its time, the ministry's results among them. */
    public List<Audit.Line> history(String packetId) {
        return store.read(c -> Audit.trail(c, "packet:" + packetId));
    }

    private static Optional<PacketRecord> find(Connection c, String packetId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM packet WHERE packet_id = ?")) {
            ps.setString(1, packetId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new PacketRecord(
                        rs.getString("packet_id"), rs.getString("kecamatan"), rs.getString("device_id"),
                        rs.getString("sha256"), rs.getLong("size"), PacketState.valueOf(rs.getString("state")),
                        instant(rs.getString("captured_at")), instant(rs.getString("received_at")),
                        instant(rs.getString("updated_at")), rs.getString("detail")));
            }
        }
    }

    private static PacketRecord record(ResultSet rs) throws SQLException {
        return new PacketRecord(
                rs.getString("packet_id"), rs.getString("kecamatan"), rs.getString("device_id"),
                rs.getString("sha256"), rs.getLong("size"), PacketState.valueOf(rs.getString("state")),
                instant(rs.getString("captured_at")), instant(rs.getString("received_at")),
                instant(rs.getString("updated_at")), rs.getString("detail"));
    }

    private static Instant instant(String text) {
        return text == null ? null : Instant.parse(text);
    }
}
