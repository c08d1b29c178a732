package id.ektp.hub.store;

import id.ektp.hub.spool.SecureFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * The hub's one durable local state store: a SQLite file in WAL mode with
 * {@code synchronous=FULL}, so a commit has reached the disk before it returns and survives
 * power loss. Every state change of a packet, job or message is one {@link #transact}
 * call, committed before the peer that gave it to us is acknowledged.
 *
 * <p>One connection, one writer at a time: SQLite serialises writers anyway, and a single
 * connection means no SQLITE_BUSY retries to reason about. Transactions are short (a few
 * rows), so the lock is never held across network I/O.
 */
public final class HubStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HubStore.class);

    /** Each entry upgrades the schema by one version; never edit one that has shipped. */
    private static final List<String> MIGRATIONS = List.of(
            """
            CREATE TABLE packet (
              packet_id   TEXT PRIMARY KEY,
              kecamatan   TEXT NOT NULL,
              device_id   TEXT NOT NULL,
              sha256      TEXT NOT NULL,
              size        INTEGER NOT NULL,
              state       TEXT NOT NULL,
              captured_at TEXT,
              received_at TEXT NOT NULL,
              updated_at  TEXT NOT NULL,
              detail      TEXT
            );
            CREATE INDEX packet_by_state ON packet(state, received_at);
            CREATE TABLE quarantine (
              quarantine_id  TEXT PRIMARY KEY,
              flow           TEXT NOT NULL,
              subject_id     TEXT NOT NULL,
              file_name      TEXT NOT NULL,
              source         TEXT NOT NULL,
              reason         TEXT NOT NULL,
              detail         TEXT NOT NULL,
              quarantined_at TEXT NOT NULL,
              state          TEXT NOT NULL
            );
            CREATE INDEX quarantine_by_state ON quarantine(state, quarantined_at);
            CREATE TABLE audit (
              seq     INTEGER PRIMARY KEY AUTOINCREMENT,
              at      TEXT NOT NULL,
              subject TEXT NOT NULL,
              event   TEXT NOT NULL,
              detail  TEXT
            );
            CREATE INDEX audit_by_subject ON audit(subject, seq);
            """,
            """
            CREATE TABLE outbox (
              seq        INTEGER PRIMARY KEY AUTOINCREMENT,
              message_id TEXT NOT NULL UNIQUE,
              queue      TEXT NOT NULL,
              type       TEXT NOT NULL,
              body       TEXT NOT NULL,
              created_at TEXT NOT NULL,
              sent_at    TEXT,
              attempts   INTEGER NOT NULL DEFAULT 0,
              last_error TEXT
            );
            CREATE INDEX outbox_pending ON outbox(sent_at, seq);
            CREATE TABLE stock_event (
              seq    INTEGER PRIMARY KEY AUTOINCREMENT,
              at     TEXT NOT NULL,
              kind   TEXT NOT NULL,
              delta  INTEGER NOT NULL,
              ref    TEXT NOT NULL UNIQUE,
              detail TEXT
            );
            CREATE INDEX stock_event_by_kind ON stock_event(kind, at);
            CREATE TABLE allocation (
              allocation_id TEXT PRIMARY KEY,
              quantity      INTEGER NOT NULL,
              serial_from   TEXT,
              serial_to     TEXT,
              shipped_at    TEXT,
              announced_at  TEXT NOT NULL,
              received      INTEGER,
              received_at   TEXT
            );
            CREATE TABLE stock_request (
              request_id TEXT PRIMARY KEY,
              kind       TEXT NOT NULL,
              reason     TEXT NOT NULL,
              quantity   INTEGER NOT NULL,
              target     TEXT,
              created_at TEXT NOT NULL,
              closed_at  TEXT
            );
            CREATE TABLE device_state (
              device_key  TEXT PRIMARY KEY,
              reported    TEXT NOT NULL,
              since       TEXT NOT NULL,
              cause       TEXT,
              updated_at  TEXT NOT NULL
            );
            """,
            """
            CREATE TABLE prr_batch (
              sha256      TEXT PRIMARY KEY,
              file_name   TEXT NOT NULL,
              batch_id    TEXT,
              state       TEXT NOT NULL,
              accepted    INTEGER,
              rejected    INTEGER,
              received_at TEXT NOT NULL,
              updated_at  TEXT NOT NULL
            );
            CREATE TABLE print_job (
              seq              INTEGER PRIMARY KEY AUTOINCREMENT,
              prr_id           TEXT NOT NULL UNIQUE,
              batch_id         TEXT NOT NULL,
              pickup_kecamatan TEXT NOT NULL,
              nik              TEXT NOT NULL,
              record           TEXT NOT NULL,
              state            TEXT NOT NULL,
              printer_id       TEXT,
              prints           INTEGER NOT NULL DEFAULT 0,
              queued_at        TEXT,
              created_at       TEXT NOT NULL,
              updated_at       TEXT NOT NULL,
              last_result      TEXT
            );
            CREATE INDEX print_job_by_state ON print_job(state, seq);
            CREATE TABLE print_result (
              result_key   TEXT PRIMARY KEY,
              prr_id       TEXT NOT NULL,
              printer_id   TEXT,
              status       TEXT NOT NULL,
              reason       TEXT,
              blank_serial TEXT,
              at           TEXT,
              recorded_at  TEXT NOT NULL
            );
            """,
            // A batch is turned into jobs a chunk of records per transaction: how far it got
            // (records_done; accepted and rejected hold the running counts while it is
            // RECEIVED) and the records rejected so far, for its receipt at the end.
            """
            ALTER TABLE prr_batch ADD COLUMN records_done INTEGER NOT NULL DEFAULT 0;
            CREATE TABLE prr_batch_rejected (
              sha256 TEXT NOT NULL,
              record INTEGER NOT NULL,
              prr_id TEXT,
              reason TEXT NOT NULL,
              PRIMARY KEY (sha256, record)
            );
            """,
            // Outbox messages the broker refused for good: parked (set aside with their reason)
            // until an admin retries or drops them.
            """
            ALTER TABLE outbox ADD COLUMN parked_at TEXT;
            ALTER TABLE outbox ADD COLUMN dropped_at TEXT;
            """,
            // A resident's journey: the ministry's result of each packet, the receipt each device is
            // owed (newest state only), who must come in, and the keyed NIK hash a lookup finds rows
            // by. Rows from before this version get no hash (their NIK was never kept): see NikIndex.
            """
            ALTER TABLE packet ADD COLUMN nik_hash TEXT;
            ALTER TABLE packet ADD COLUMN nik_masked TEXT;
            ALTER TABLE packet ADD COLUMN forwarded_at TEXT;
            ALTER TABLE packet ADD COLUMN result_status TEXT;
            ALTER TABLE packet ADD COLUMN result_at TEXT;
            ALTER TABLE packet ADD COLUMN result_detail TEXT;
            ALTER TABLE packet ADD COLUMN result_recorded_at TEXT;
            UPDATE packet SET forwarded_at = updated_at WHERE state = 'FORWARDED';
            CREATE INDEX packet_by_nik ON packet(nik_hash) WHERE nik_hash IS NOT NULL;
            CREATE INDEX packet_awaiting_result ON packet(forwarded_at)
              WHERE forwarded_at IS NOT NULL AND (result_status IS NULL OR result_status = 'RECEIVED');
            ALTER TABLE print_job ADD COLUMN nik_hash TEXT;
            ALTER TABLE print_job ADD COLUMN nik_masked TEXT;
            UPDATE print_job SET nik_masked = substr(nik, 1, 6) || '******' || substr(nik, 13) WHERE length(nik) = 16;
            CREATE INDEX print_job_by_nik ON print_job(nik_hash) WHERE nik_hash IS NOT NULL;
            CREATE INDEX print_result_by_prr ON print_result(prr_id);
            CREATE INDEX outbox_pickup_by_prr ON outbox(json_extract(body, '$.prrId'))
              WHERE queue = 'EKTP.NOTIFY.PICKUP';
            CREATE TABLE receipt (
              packet_id  TEXT PRIMARY KEY,
              device_key TEXT NOT NULL,
              state      TEXT NOT NULL,
              at         TEXT NOT NULL,
              detail     TEXT,
              sent_at    TEXT
            );
            CREATE INDEX receipt_unsent ON receipt(device_key, at) WHERE sent_at IS NULL;
            CREATE TABLE followup (
              packet_id TEXT PRIMARY KEY,
              kind      TEXT NOT NULL,
              kecamatan TEXT NOT NULL,
              since     TEXT NOT NULL,
              detail    TEXT,
              raised_at TEXT NOT NULL,
              closed_at TEXT,
              closed_by TEXT
            );
            CREATE INDEX followup_open ON followup(kecamatan, since) WHERE closed_at IS NULL;
            CREATE TABLE nik_key (
              id          INTEGER PRIMARY KEY CHECK (id = 1),
              fingerprint TEXT NOT NULL,
              since       TEXT NOT NULL
            );
            """);

    private final Path file;
    private final Connection connection;
    private final ReentrantLock lock = new ReentrantLock();

    private HubStore(Path file, Connection connection) {
        this.file = file;
        this.connection = connection;
    }

    /**
     * Opens (creating if needed, owner-only) {@code dataDir/state/hub.db} and migrates it. A store
     * whose schema is newer than this code's is refused (an {@link SQLException} whose message
     * says so in one line) and left as it was.
     */
    public static HubStore open(Path dataDir) throws IOException, SQLException {
        return open(dataDir, MIGRATIONS);
    }

    /** The schema as shipped, oldest first: for tests that build a store an older hub left. */
    static List<String> migrations() {
        return MIGRATIONS;
    }

    /**
     * As {@link #open(Path)}, knowing only {@code migrations}: {@code MIGRATIONS.subList(0, n)}
     * opens (and if need be refuses) a store the way a hub of schema version {@code n} would.
     */
    static HubStore open(Path dataDir, List<String> migrations) throws IOException, SQLException {
        Path dir = SecureFiles.ownerOnlyDirectories(dataDir.resolve("state"));
        Path file = dir.resolve("hub.db");
        if (!Files.exists(file)) {
            // SQLite creates -wal and -shm with the main file's permissions: owner-only too.
            SecureFiles.createOwnerOnlyFile(file);
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.enforceForeignKeys(true);
        config.setBusyTimeout(10_000);
        Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file, config.toProperties());
        HubStore store = new HubStore(file, connection);
        try {
            store.migrate(migrations);
        } catch (SQLException | RuntimeException e) {
            store.close(); // refused or failed: let go of the file, so the operator can copy or restore it
            throw e;
        }
        return store;
    }

    /** Opens an existing store read-only, for the CLI beside a running hub. */
    public static HubStore openReadOnly(Path dataDir) throws SQLException {
        Path file = dataDir.resolve("state/hub.db");
        if (!Files.exists(file)) {
            throw new SQLException("no hub state at " + file + " (has the hub run with this dataDir?)");
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(10_000);
        return new HubStore(file, DriverManager.getConnection("jdbc:sqlite:" + file, config.toProperties()));
    }

    public Path file() {
        return file;
    }

    /** Work done in one transaction on the store's connection. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /**
     * Runs {@code work} in one transaction and returns once it is committed to disk; rolls it
     * back if {@code work} throws. Nested calls join the outer transaction.
     */
    public <T> T transact(Work<T> work) {
        lock.lock();
        try {
            if (lock.getHoldCount() > 1) {
                return work.run(connection);
            }
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreException("state store " + file + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    /** Reads without a transaction of its own (WAL readers see the last commit). */
    public <T> T read(Work<T> work) {
        lock.lock();
        try {
            return work.run(connection);
        } catch (SQLException e) {
            throw new StoreException("state store " + file + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    private void migrate(List<String> migrations) throws SQLException {
        int version;
        try (Statement st = connection.createStatement();
             var rs = st.executeQuery("PRAGMA user_version")) {
            version = rs.getInt(1);
        }
        if (version > migrations.size()) {
            // Written by a newer hub (a downgrade, or an old jar started by mistake): its tables
            // may mean things this code does not know, so it is not touched. One line, as the
            // operator reads it from "ektp-hub: stopped: ...".
            throw new SQLException("state store " + file + " has schema version " + version
                    + ", this ektp-hub knows up to " + migrations.size()
                    + ": it was written by a newer version; run that version, or restore a backup of "
                    + file.getFileName() + " made before the upgrade");
        }
        for (int next = version; next < migrations.size(); next++) {
            int target = next + 1;
            String script = migrations.get(next);
            transact(c -> {
                try (Statement st = c.createStatement()) {
                    for (String sql : script.split(";")) {
                        if (!sql.isBlank()) {
                            st.execute(sql);
                        }
                    }
                    st.execute("PRAGMA user_version = " + target);
                }
                return null;
            });
            LOG.info("State store {} migrated to schema version {}", file, target);
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.warn("Closing state store {}: {}", file, e.getMessage());
        } finally {
            lock.unlock();
        }
    }
}
