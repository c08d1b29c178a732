package id.ektp.hub.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The DOWN flow's tables: PRR batches received (by content hash, so a batch sent twice is
 * taken once) and how far each was turned into jobs, print jobs (a PRR id is unique: never queued twice) and print results (a
 * result seen twice counts once). Methods join the caller's transaction.
 */
public final class PrintJobs {
    private final HubStore store;
    private final Clock clock;
    private final NikIndex nikIndex;

    public PrintJobs(HubStore store, Clock clock) {
        this(store, clock, NikIndex.NONE);
    }

    /** {@code nikIndex}: each job also keeps its NIK masked and keyed-hashed, for lookup by NIK. */
    public PrintJobs(HubStore store, Clock clock, NikIndex nikIndex) {
        this.store = store;
        this.clock = clock;
        this.nikIndex = nikIndex;
    }

    /** The state of a batch by content hash, if it was seen before. */
    public Optional<String> batchState(String sha256) {
        return store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT state FROM prr_batch WHERE sha256 = ?")) {
                ps.setString(1, sha256);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
                }
            }
        });
    }

    public void batchReceived(String sha256, String fileName) {
        Instant now = clock.instant();
        store.transact(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO prr_batch(sha256, file_name, state, received_at, updated_at) VALUES (?, ?, 'RECEIVED', ?, ?)
                    ON CONFLICT(sha256) DO NOTHING""")) {
                ps.setString(1, sha256);
                ps.setString(2, fileName);
                ps.setString(3, now.toString());
                ps.setString(4, now.toString());
                ps.executeUpdate();
            }
            return null;
        });
    }

    /**
     * How far a batch still RECEIVED was turned into jobs before the hub stopped: its first
     * {@code recordsDone} records have their jobs (or rejections) committed.
     */
    public record BatchProgress(String batchId, int recordsDone, int accepted, int rejected) {}

    /** A record of a batch rejected so far: its PRR id (null when it had none) and {@code CODE: sentence}. */
    public record Rejection(String prrId, String reason) {}

    /** Empty when the batch has no chunk committed yet (or is done). */
    public Optional<BatchProgress> batchProgress(String sha256) {
        return store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT batch_id, records_done, accepted, rejected FROM prr_batch
                    WHERE sha256 = ? AND state = 'RECEIVED' AND records_done > 0""")) {
                ps.setString(1, sha256);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new BatchProgress(rs.getString(1), rs.getInt(2), rs.getInt(3),
                            rs.getInt(4))) : Optional.empty();
                }
            }
        });
    }

    /** A chunk of the batch committed: joins the caller's transaction, which holds the chunk's jobs. */
    public void batchProgressed(String sha256, String fileName, String batchId, int recordsDone, int accepted,
                                int rejected) {
        Instant now = clock.instant();
        store.transact(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO prr_batch(sha256, file_name, batch_id, state, accepted, rejected, records_done,
                      received_at, updated_at)
                    VALUES (?, ?, ?, 'RECEIVED', ?, ?, ?, ?, ?)
                    ON CONFLICT(sha256) DO UPDATE SET batch_id = excluded.batch_id, accepted = excluded.accepted,
                      rejected = excluded.rejected, records_done = excluded.records_done,
                      updated_at = excluded.updated_at""")) {
                ps.setString(1, sha256);
                ps.setString(2, fileName);
                ps.setString(3, batchId);
                ps.setInt(4, accepted);
                ps.setInt(5, rejected);
                ps.setInt(6, recordsDone);
                ps.setString(7, now.toString());
                ps.setString(8, now.toString());
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Record {@code record} (0-based, in the batch's order) rejected: kept until the batch's receipt. */
    public void batchRecordRejected(String sha256, int record, String prrId, String reason) {
        store.transact(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO prr_batch_rejected(sha256, record, prr_id, reason) VALUES (?, ?, ?, ?)")) {
                ps.setString(1, sha256);
                ps.setInt(2, record);
                ps.setString(3, prrId);
                ps.setString(4, reason);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** The records of a batch rejected so far, in the batch's order. */
    public List<Rejection> batchRejections(String sha256) {
        return store.read(c -> {
            List<Rejection> rejections = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT prr_id, reason FROM prr_batch_rejected WHERE sha256 = ? ORDER BY record")) {
                ps.setString(1, sha256);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rejections.add(new Rejection(rs.getString(1), rs.getString(2)));
                    }
                }
            }
            return rejections;
        });
    }

    /** The batch's final state; the rejections kept for its receipt are dropped with it. */
    public void batchDone(String sha256, String fileName, String batchId, String state, int accepted, int rejected) {
        Instant now = clock.instant();
        store.transact(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM prr_batch_rejected WHERE sha256 = ?")) {
                ps.setString(1, sha256);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO prr_batch(sha256, file_name, batch_id, state, accepted, rejected, received_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(sha256) DO UPDATE SET batch_id = excluded.batch_id, state = excluded.state,
                      accepted = excluded.accepted, rejected = excluded.rejected, updated_at = excluded.updated_at""")) {
                ps.setString(1, sha256);
                ps.setString(2, fileName);
                ps.setString(3, batchId);
                ps.setString(4, state);
                ps.setInt(5, accepted);
                ps.setInt(6, rejected);
                ps.setString(7, now.toString());
                ps.setString(8, now.toString());
                ps.executeUpdate();
            }
            Audit.append(c, now, "batch:" + (batchId == null ? fileName : batchId), state,
                    accepted + " accepted, " + rejected + " rejected");
            return null;
        });
    }

    public Optional<PrintJob> find(String prrId) {
        return store.read(c -> find(c, prrId));
    }

    /** Creates a PENDING job; false if the PRR id already has one. */
    public boolean create(String prrId, String batchId, String pickupKecamatan, String nik, String recordJson) {
        Instant now = clock.instant();
        return store.transact(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO print_job(prr_id, batch_id, pickup_kecamatan, nik, record, state, created_at, updated_at,
                                          nik_hash, nik_masked)
                    VALUES (?, ?, ?, ?, ?, 'PENDING', ?, ?, ?, ?) ON CONFLICT(prr_id) DO NOTHING""")) {
                ps.setString(1, prrId);
                ps.setString(2, batchId);
                ps.setString(3, pickupKecamatan);
                ps.setString(4, nik);
                ps.setString(5, recordJson);
                ps.setString(6, now.toString());
                ps.setString(7, now.toString());
                ps.setString(8, nikIndex.hash(nik));
                ps.setString(9, NikIndex.masked(nik));
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** Jobs in {@code state}, oldest first. */
    public List<PrintJob> inState(PrintJobState state, int limit) {
        return inState(state, 0, limit);
    }

    /** Jobs in {@code state} after {@code afterSeq}, oldest first: a page of a walk through all of them. */
    public List<PrintJob> inState(PrintJobState state, long afterSeq, int limit) {
        return store.read(c -> {
            List<PrintJob> jobs = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT * FROM print_job WHERE state = ? AND seq > ? ORDER BY seq LIMIT ?")) {
                ps.setString(1, state.name());
                ps.setLong(2, afterSeq);
                ps.setInt(3, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        jobs.add(job(rs));
                    }
                }
            }
            return jobs;
        });
    }

    /**
     * PENDING → QUEUED on {@code printerId}; false (and nothing written) when the job is no
     * longer PENDING, e.g. a result recorded for it since the dispatcher read it.
     */
    public boolean markQueued(String prrId, String printerId, Instant queuedAt) {
        return store.transact(c -> { // the state and its audit line: one commit, one fsync
            try (PreparedStatement ps = c.prepareStatement("UPDATE print_job SET state = 'QUEUED', printer_id = ?,"
                    + " queued_at = ?, updated_at = ? WHERE prr_id = ? AND state = 'PENDING'")) {
                ps.setString(1, printerId);
                ps.setString(2, queuedAt.toString());
                ps.setString(3, clock.instant().toString());
                ps.setString(4, prrId);
                if (ps.executeUpdate() != 1) {
                    return false;
                }
            }
            audit(prrId, "QUEUED", "printer " + printerId);
            return true;
        });
    }

    /** A job to be marked QUEUED on {@code printerId}, its file stamped {@code queuedAt}. */
    public record Queuing(String prrId, String printerId, Instant queuedAt) {}

    /**
     * {@link #markQueued(String, String, Instant)} for each, all in one transaction (one commit):
     * the PRR ids marked, leaving out those no longer PENDING.
     */
    public Set<String> markQueued(List<Queuing> queuing) {
        return store.transact(c -> {
            Set<String> marked = new HashSet<>();
            for (Queuing q : queuing) {
                if (markQueued(q.prrId(), q.printerId(), q.queuedAt())) {
                    marked.add(q.prrId());
                }
            }
            return marked;
        });
    }

    /** QUEUED jobs per printer id: how many, and when the oldest was queued. */
    public Map<String, Backlog> queuedByPrinter() {
        return store.read(c -> {
            Map<String, Backlog> result = new TreeMap<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT printer_id, COUNT(*), MIN(queued_at) FROM print_job WHERE state = 'QUEUED' GROUP BY printer_id");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.put(rs.getString(1), new Backlog(rs.getLong(2), instant(rs.getString(3))));
                }
            }
            return result;
        });
    }

    /**
     * Every job QUEUED on {@code printerId} back to PENDING, each with an audit line giving
     * {@code reason}, in one transaction; the PRR ids, oldest first. Only for an operator who
     * knows the printer will not print them: if it does, each is a second card.
     */
    public List<String> requeue(String printerId, String reason) {
        return store.transact(c -> {
            List<String> prrIds = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT prr_id FROM print_job WHERE state = 'QUEUED' AND printer_id = ? ORDER BY seq")) {
                ps.setString(1, printerId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        prrIds.add(rs.getString(1));
                    }
                }
            }
            for (String prrId : prrIds) {
                update(prrId, "state = 'PENDING', last_result = ?", "queued again by an operator: " + reason);
                audit(prrId, "REQUEUED", "was QUEUED on printer " + printerId + ": " + reason);
            }
            return prrIds;
        });
    }

    /** A result: one more print on the job, and its next state. */
    public void recordPrint(String prrId, PrintJobState next, String lastResult) {
        store.transact(c -> {
            update(prrId, "state = ?, prints = prints + 1, last_result = ?", next.name(), lastResult);
            audit(prrId, next.name(), lastResult);
            return null;
        });
    }

    /** Whether this result was recorded before; records it if not. */
    public boolean recordResult(String resultKey, String prrId, String printerId, String status, String reason,
                                String blankSerial, String at) {
        Instant now = clock.instant();
        return store.transact(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO print_result(result_key, prr_id, printer_id, status, reason, blank_serial, at, recorded_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(result_key) DO NOTHING""")) {
                ps.setString(1, resultKey);
                ps.setString(2, prrId);
                ps.setString(3, printerId);
                ps.setString(4, status);
                ps.setString(5, reason);
                ps.setString(6, blankSerial);
                ps.setString(7, at);
                ps.setString(8, now.toString());
                return ps.executeUpdate() == 1;
            }
        });
    }

    /**
     * A result recorded before: the printer it came from, and whether it is still the last one
     * recorded for its PRR (a crash between recording a result and removing its file leaves
     * exactly that one to be seen again).
     */
    public record RecordedResult(String printerId, boolean last) {}

    /** The result recorded under {@code resultKey}, if any. Joins the caller's transaction. */
    public Optional<RecordedResult> recorded(String resultKey) {
        return store.read(c -> {
            long rowid;
            String prrId;
            String printerId;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT rowid, prr_id, printer_id FROM print_result WHERE result_key = ?")) {
                ps.setString(1, resultKey);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    rowid = rs.getLong(1);
                    prrId = rs.getString(2);
                    printerId = rs.getString(3);
                }
            }
            // Rows after it only (rowid order is recording order): no index on prr_id needed.
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT EXISTS(SELECT 1 FROM print_result WHERE rowid > ? AND prr_id = ?)")) {
                ps.setLong(1, rowid);
                ps.setString(2, prrId);
                try (ResultSet rs = ps.executeQuery()) {
                    return Optional.of(new RecordedResult(printerId, rs.next() && rs.getInt(1) == 0));
                }
            }
        });
    }

    /** Count and oldest creation time per job state. */
    public Map<PrintJobState, Backlog> backlog() {
        return store.read(c -> {
            Map<PrintJobState, Backlog> result = new EnumMap<>(PrintJobState.class);
            for (PrintJobState s : PrintJobState.values()) {
                result.put(s, Backlog.EMPTY);
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT state, COUNT(*), MIN(updated_at) FROM print_job GROUP BY state");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String oldest = rs.getString(3);
                    result.put(PrintJobState.valueOf(rs.getString(1)),
                            new Backlog(rs.getLong(2), oldest == null ? null : Instant.parse(oldest)));
                }
            }
            return result;
        });
    }

    private void update(String prrId, String set, String... values) {
        Instant now = clock.instant();
        store.transact(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE print_job SET " + set + ", updated_at = ? WHERE prr_id = ?")) {
                int i = 1;
                for (String v : values) {
                    ps.setString(i++, v);
                }
                ps.setString(i++, now.toString());
                ps.setString(i, prrId);
                if (ps.executeUpdate() != 1) {
                    throw new SQLException("no print job " + prrId);
                }
            }
            return null;
        });
    }

    private void audit(String prrId, String event, String detail) {
        Instant now = clock.instant();
        store.transact(c -> {
            Audit.append(c, now, "prr:" + prrId, event, detail);
            return null;
        });
    }

    private static Optional<PrintJob> find(Connection c, String prrId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM print_job WHERE prr_id = ?")) {
            ps.setString(1, prrId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(job(rs)) : Optional.empty();
            }
        }
    }

    private static PrintJob job(ResultSet rs) throws SQLException {
        return new PrintJob(rs.getLong("seq"), rs.getString("prr_id"), rs.getString("batch_id"),
                rs.getString("pickup_kecamatan"), rs.getString("nik"), rs.getString("record"),
                PrintJobState.valueOf(rs.getString("state")), rs.getString("printer_id"), rs.getInt("prints"),
                instant(rs.getString("queued_at")), instant(rs.getString("created_at")),
                instant(rs.getString("updated_at")), rs.getString("last_result"));
    }

    private static Instant instant(String text) {
        return text == null ? null : Instant.parse(text);
    }
}
