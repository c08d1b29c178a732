package id.ektp.hub.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The transactional outbox: a message the hub raises is a row committed in the same
 * transaction as the change it reports (a ledger event, a quarantine), so there is never one
 * without the other. The outbox relay hands rows to the ministry broker in {@code seq} order
 * and marks a row sent only after the broker acknowledged it.
 *
 * <p>A message the broker refuses for good (a queue it will not create, a right it will not
 * give) is <em>parked</em>: set aside with its reason, so that it no longer holds back the
 * messages behind it, until an admin retries it (it is pending again) or drops it (it stays
 * here, dropped, and the audit trail says who and why).
 */
public final class Outbox {
    private final HubStore store;
    private final Clock clock;

    public Outbox(HubStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Records a message to send; joins the caller's transaction. Returns its {@code EktpMessageId}. */
    public String raise(String queue, String type, String body) {
        return raise(UUID.randomUUID().toString(), queue, type, body);
    }

    /** As {@link #raise(String, String, String)} with an id the caller already put in the body. */
    public String raise(String messageId, String queue, String type, String body) {
        Instant now = clock.instant();
        store.transact(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO outbox(message_id, queue, type, body, created_at) VALUES (?, ?, ?, ?, ?)")) {
                ps.setString(1, messageId);
                ps.setString(2, queue);
                ps.setString(3, type);
                ps.setString(4, body);
                ps.setString(5, now.toString());
                ps.executeUpdate();
            }
            Audit.append(c, now, "message:" + messageId, "RAISED", type + " to " + queue);
            return null;
        });
        return messageId;
    }

    /** The oldest messages still to send (neither sent, parked nor dropped), in the order raised. */
    public List<OutboxMessage> pending(int limit) {
        return pendingAfter(0, limit);
    }

    /** As {@link #pending(int)}, among the messages raised after {@code seq}: the chunk behind one being sent. */
    public List<OutboxMessage> pendingAfter(long seq, int limit) {
        return store.read(c -> {
            List<OutboxMessage> result = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT * FROM outbox WHERE sent_at IS NULL AND parked_at IS NULL AND seq > ? ORDER BY seq LIMIT ?")) {
                ps.setLong(1, seq);
                ps.setInt(2, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        result.add(new OutboxMessage(rs.getLong("seq"), rs.getString("message_id"),
                                rs.getString("queue"), rs.getString("type"), rs.getString("body"),
                                Instant.parse(rs.getString("created_at")), rs.getInt("attempts")));
                    }
                }
            }
            return result;
        });
    }

    /**
     * The broker has the message. Only the first mark counts: a row already sent keeps the time
     * it was sent and its attempts (a second mark would make the status page lie about both).
     */
    public void markSent(long seq) {
        markSent(List.of(seq));
    }

    /** Marks messages the broker has taken as sent, all in one transaction (one commit, one fsync). */
    public void markSent(List<Long> seqs) {
        Instant now = clock.instant();
        store.transact(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE outbox SET sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE seq = ? AND sent_at IS NULL")) {
                for (long seq : seqs) {
                    ps.setString(1, now.toString());
                    ps.setLong(2, seq);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    /**
     * A message as raised, and whether the broker has taken it ({@code sentAt} null while not),
     * or it was parked ({@code parkedAt}: refused for good, {@code lastError} says why) or dropped.
     */
    public record Raised(long seq, String messageId, String queue, String type, String body, Instant createdAt,
                         Instant sentAt, int attempts, String lastError, Instant parkedAt, Instant droppedAt) {
        /** Parked and neither retried nor dropped since: waiting for an admin. */
        public boolean parked() {
            return parkedAt != null && droppedAt == null && sentAt == null;
        }
    }

    /** Notes that the broker refused a message ({@code reason}); returns how many times it has now. */
    public int refused(long seq, String reason) {
        return store.transact(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE seq = ?")) {
                ps.setString(1, reason);
                ps.setLong(2, seq);
                ps.executeUpdate();
            }
            return find(c, "seq = ?", seq).map(Raised::attempts).orElse(0);
        });
    }

    /**
     * Parks a message the broker refused for good: it is no longer sent, and the messages behind
     * it go on. Returns false if it was no longer pending (sent, parked, dropped).
     */
    public boolean park(long seq, String reason) {
        Instant now = clock.instant();
        return store.transact(c -> {
            Optional<Raised> row = find(c, "seq = ?", seq);
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE outbox SET parked_at = ?, last_error = ?
                    WHERE seq = ? AND sent_at IS NULL AND parked_at IS NULL""")) {
                ps.setString(1, now.toString());
                ps.setString(2, reason);
                ps.setLong(3, seq);
                if (ps.executeUpdate() == 0 || row.isEmpty()) {
                    return false;
                }
            }
            Audit.append(c, now, "message:" + row.get().messageId(), "PARKED", row.get().type() + " to "
                    + row.get().queue() + " after " + row.get().attempts() + " refusal(s): " + reason);
            return true;
        });
    }

    /** Messages parked and waiting for an admin, oldest first (at most {@code limit}). */
    public List<Raised> parked(int limit) {
        return store.read(c -> list(c, """
                SELECT * FROM outbox WHERE parked_at IS NOT NULL AND dropped_at IS NULL AND sent_at IS NULL
                ORDER BY seq LIMIT ?""", limit));
    }

    /** How many messages are parked and waiting for an admin. */
    public long parkedCount() {
        return store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT COUNT(*) FROM outbox WHERE parked_at IS NOT NULL AND dropped_at IS NULL AND sent_at IS NULL");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    /** Parked messages waiting for an admin: how many, parked since when. */
    public Backlog parkedBacklog() {
        return store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*), MIN(parked_at) FROM outbox"
                    + " WHERE parked_at IS NOT NULL AND dropped_at IS NULL AND sent_at IS NULL");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Backlog(rs.getLong(1), instant(rs.getString(2)));
            }
        });
    }

    /** A message by its {@code EktpMessageId}, in whatever state. */
    public Optional<Raised> find(String messageId) {
        return store.read(c -> find(c, "message_id = ?", messageId));
    }

    /**
     * A parked message back in the queue, as if just raised but in its old place ({@code seq}):
     * the relay sends it next, with its {@code EktpMessageId}. Returns false if it was not parked.
     */
    public boolean retryParked(String messageId, String who) {
        return changeParked(messageId, "UPDATE outbox SET parked_at = NULL, attempts = 0 WHERE message_id = ?"
                + " AND parked_at IS NOT NULL AND dropped_at IS NULL AND sent_at IS NULL", "RETRIED", who);
    }

    /** A parked message given up: never sent; the row and the audit trail keep it. False if it was not parked. */
    public boolean dropParked(String messageId, String who) {
        return changeParked(messageId, "UPDATE outbox SET dropped_at = ? WHERE message_id = ?"
                + " AND parked_at IS NOT NULL AND dropped_at IS NULL AND sent_at IS NULL", "DROPPED", who);
    }

    private boolean changeParked(String messageId, String sql, String event, String who) {
        Instant now = clock.instant();
        return store.transact(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = 1;
                if (event.equals("DROPPED")) {
                    ps.setString(i++, now.toString());
                }
                ps.setString(i, messageId);
                if (ps.executeUpdate() == 0) {
                    return false;
                }
            }
            Audit.append(c, now, "message:" + messageId, event, who);
            return true;
        });
    }

    /**
     * The newest {@code limit} messages raised to {@code queue}, newest first, among the last
     * {@code window} messages raised to any queue (so the read stays bounded however long the
     * outbox's history grows). Read-only, for the status page.
     */
    public List<Raised> recent(String queue, int limit, int window) {
        return store.read(c -> {
            List<Raised> result = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT * FROM outbox WHERE seq > (SELECT COALESCE(MAX(seq), 0) FROM outbox) - ? AND queue = ?
                    ORDER BY seq DESC LIMIT ?""")) {
                ps.setInt(1, window);
                ps.setString(2, queue);
                ps.setInt(3, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        result.add(raised(rs));
                    }
                }
            }
            return result;
        });
    }

    /** Messages still to send (parked and dropped ones are not): how many, since when. */
    public Backlog backlog() {
        return store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT COUNT(*), MIN(created_at) FROM outbox WHERE sent_at IS NULL AND parked_at IS NULL");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                String oldest = rs.getString(2);
                return new Backlog(rs.getLong(1), oldest == null ? null : Instant.parse(oldest));
            }
        });
    }

    private static Optional<Raised> find(java.sql.Connection c, String where, Object key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM outbox WHERE " + where)) {
            ps.setObject(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(raised(rs)) : Optional.empty();
            }
        }
    }

    private static List<Raised> list(java.sql.Connection c, String sql, int limit) throws SQLException {
        List<Raised> result = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.add(raised(rs));
                }
            }
        }
        return result;
    }

    private static Raised raised(ResultSet rs) throws SQLException {
        return new Raised(rs.getLong("seq"), rs.getString("message_id"), rs.getString("queue"), rs.getString("type"),
                rs.getString("body"), Instant.parse(rs.getString("created_at")), instant(rs.getString("sent_at")),
                rs.getInt("attempts"), rs.getString("last_error"), instant(rs.getString("parked_at")),
                instant(rs.getString("dropped_at")));
    }

    private static Instant instant(String text) {
        return text == null ? null : Instant.parse(text);
    }
}
