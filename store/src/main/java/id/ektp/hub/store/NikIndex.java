package id.ektp.hub.store;

import id.ektp.hub.codes.Nik;
import id.ektp.hub.codes.NikKey;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the store finds a resident without keeping a NIK in clear for it: packets and print jobs
 * carry {@code nik_hash} (HMAC-SHA256 under {@code privacy.nikKeyFile}, see {@link NikKey}) next
 * to {@code nik_masked}. Without a key ({@link #NONE}) rows get the masked NIK only, and no
 * lookup is possible.
 *
 * <p>What cannot be hashed later: a packet's NIK is read from its manifest while the hub holds
 * the file, and never kept. Packets that passed before a key was configured (or under another
 * key) stay unsearchable; print jobs keep their record (the printer needs it), so theirs are
 * hashed at the start ({@link #start}).
 */
public final class NikIndex {
    private static final Logger LOG = LoggerFactory.getLogger("ektp.privacy");

    public static final NikIndex NONE = new NikIndex(null);

    private final NikKey key;

    private NikIndex(NikKey key) {
        this.key = key;
    }

    public static NikIndex of(NikKey key) {
        return new NikIndex(key);
    }

    public boolean enabled() {
        return key != null;
    }

    /** The keyed hash of {@code nik}, or null without a key (or without a NIK). */
    public String hash(String nik) {
        return key == null || nik == null ? null : key.hash(nik);
    }

    /** {@code 331005******0001}, as every page and log shows a NIK. */
    public static String masked(String nik) {
        return nik == null ? null : Nik.mask(nik);
    }

    /**
     * At the start, with a key: records its fingerprint, hashes the print jobs that have no hash
     * yet, and, when the key differs from the one the store was hashed with, hashes every print
     * job again and says how many packets can no longer be found. Returns the print jobs hashed.
     */
    public int start(HubStore store, Clock clock) {
        if (key == null) {
            return 0;
        }
        String fingerprint = key.fingerprint();
        return store.transact(c -> {
            Optional<String> before;
            try (PreparedStatement ps = c.prepareStatement("SELECT fingerprint FROM nik_key WHERE id = 1");
                 ResultSet rs = ps.executeQuery()) {
                before = rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
            boolean changed = before.isPresent() && !before.get().equals(fingerprint);
            if (before.isEmpty() || changed) {
                try (PreparedStatement ps = c.prepareStatement("""
                        INSERT INTO nik_key(id, fingerprint, since) VALUES (1, ?, ?)
                        ON CONFLICT(id) DO UPDATE SET fingerprint = excluded.fingerprint, since = excluded.since""")) {
                    ps.setString(1, fingerprint);
                    ps.setString(2, clock.instant().toString());
                    ps.executeUpdate();
                }
            }
            if (changed) {
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT COUNT(*) FROM packet WHERE nik_hash IS NOT NULL");
                     ResultSet rs = ps.executeQuery()) {
                    LOG.warn("privacy.nikKeyFile holds another key than the one this store was hashed with: {} packet(s)"
                            + " recorded before can no longer be looked up by NIK (print jobs are hashed again)",
                            rs.getLong(1));
                }
                try (PreparedStatement ps = c.prepareStatement("UPDATE packet SET nik_hash = NULL WHERE nik_hash IS NOT NULL")) {
                    ps.executeUpdate();
                }
            }
            List<Long> seqs = new ArrayList<>();
            List<String> niks = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(changed ? "SELECT seq, nik FROM print_job"
                    : "SELECT seq, nik FROM print_job WHERE nik_hash IS NULL");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    seqs.add(rs.getLong(1));
                    niks.add(rs.getString(2));
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE print_job SET nik_hash = ?, nik_masked = ? WHERE seq = ?")) {
                for (int i = 0; i < seqs.size(); i++) {
                    ps.setString(1, key.hash(niks.get(i)));
                    ps.setString(2, masked(niks.get(i)));
                    ps.setLong(3, seqs.get(i));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            if (!seqs.isEmpty()) {
                LOG.info("privacy: {} print job(s) hashed for lookup by NIK", seqs.size());
            }
            return seqs.size();
        });
    }
}
