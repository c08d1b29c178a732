package id.ektp.hub.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The transactional outbox: a message the hub raises is a row committed in the same
 * transaction as the change it reports (a ledger event, a quarantine), so there is never one
 * without the other. The outbox relay hands rows to the ministry broker in {@code seq} order
 * and marks a row sent only after the broker acknowledged it.
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

    /** The oldest unsent messages, in the order raised. */
    public List<OutboxMessage> pending(int limit) {
        return store.read(c -> {
            List<OutboxMessage> result = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT * FROM outbox WHERE sent_at IS NULL ORDER BY seq LIMIT ?")) {
                ps.setInt(1, limit);
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
        Instant now = clock.instant();
        store.transact(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE outbox SET sent_at = ?, attempts = attempts + 1,"
                    + " last_error = NULL WHERE seq = ? AND sent_at IS NULL")) {
                ps.setString(1, now.toString());
                ps.setLong(2, seq);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Notes a failed attempt, for the status page ("why is the outbox not draining?"). */
    public void markFailed(long seq, String error) {
        store.transact(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE seq = ?")) {
                ps.setString(1, error);
                ps.setLong(2, seq);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** A message as raised, and whether the broker has taken it ({@code sentAt} null while not). */
    public record Raised(long seq, String messageId, String queue, String type, String body, Instant createdAt,
                         Instant sentAt, int attempts, String lastError) {}

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
                        String sent = rs.getString("sent_at");
                        result.add(new Raised(rs.getLong("seq"), rs.getString("message_id"), rs.getString("queue"),
                                rs.getString("type"), rs.getString("body"), Instant.parse(rs.getString("created_at")),
                                sent == null ? null : Instant.parse(sent), rs.getInt("attempts"),
                                rs.getString("last_error")));
                    }
                }
            }
            return result;
        });
    }

    /** Unsent messages: how many, since when. */
    public Backlog backlog() {
        return store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT COUNT(*), MIN(created_at) FROM outbox WHERE sent_at IS NULL");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                String oldest = rs.getString(2);
                return new Backlog(rs.getLong(1), oldest == null ? null : Instant.parse(oldest));
            }
        });
    }
}
